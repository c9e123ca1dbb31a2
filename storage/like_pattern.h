// LIKE patterns for prefix searches, with the pattern's own characters escaped.
#ifndef ZHIYUAN_STORAGE_LIKE_PATTERN_H_
#define ZHIYUAN_STORAGE_LIKE_PATTERN_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::storage {

// A LIKE pattern matching the strings that start with `prefix` ('\' is LIKE's default escape).
inline std::string LikePrefixPattern(absl::string_view prefix) {
  return absl::StrCat(absl::StrReplaceAll(prefix, {{"\\", "\\\\"}, {"%", "\\%"}, {"_", "\\_"}}),
                      "%");
}

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_LIKE_PATTERN_H_
