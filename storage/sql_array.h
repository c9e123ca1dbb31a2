// PostgreSQL array literals ("{1,2,NULL}", "{\"a\",\"b\"}"), to pass a whole column of a batch as
// one parameter and write the batch with one set-based statement (INSERT ... SELECT FROM unnest).
#ifndef ZHIYUAN_STORAGE_SQL_ARRAY_H_
#define ZHIYUAN_STORAGE_SQL_ARRAY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::storage {

class SqlArray {
 public:
  SqlArray& Add(int64_t value) {
    Separate();
    absl::StrAppend(&body_, value);
    return *this;
  }
  SqlArray& Add(bool value) {
    Separate();
    body_ += value ? "t" : "f";
    return *this;
  }
  // Quoted, with backslashes and double quotes escaped: any text survives.
  SqlArray& Add(absl::string_view text) {
    Separate();
    body_ += '"';
    for (const char c : text) {
      if (c == '"' || c == '\\') body_ += '\\';
      body_ += c;
    }
    body_ += '"';
    return *this;
  }
  SqlArray& AddNull() {
    Separate();
    body_ += "NULL";
    return *this;
  }
  template <typename T>
  SqlArray& Add(const std::optional<T>& value) {
    return value.has_value() ? Add(*value) : AddNull();
  }

  std::string str() const { return absl::StrCat("{", body_, "}"); }

 private:
  void Separate() {
    if (!body_.empty()) body_ += ',';
  }

  std::string body_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_SQL_ARRAY_H_
