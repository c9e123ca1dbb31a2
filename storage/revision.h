// Optimistic concurrency (AIP-154): a change names the revision it was made against.
#ifndef ZHIYUAN_STORAGE_REVISION_H_
#define ZHIYUAN_STORAGE_REVISION_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::storage {

// Errors: ABORTED, naming the resource `name`, when `expected` is set and is not `actual`.
inline absl::Status CheckRevision(absl::string_view name, int64_t actual,
                                  std::optional<int64_t> expected) {
  if (!expected.has_value() || *expected == actual) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(name, " has changed since it was read (etag is stale)"));
}

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_REVISION_H_
