#include "services/validation.h"

#include <google/protobuf/stubs/common.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace zhiyuan::services {

absl::Status InvalidField(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

absl::Status ValidateText(absl::string_view field, absl::string_view value, int min_chars,
                          int max_chars) {
  if (!google::protobuf::internal::IsStructurallyValidUTF8(value.data(),
                                                           static_cast<int>(value.size()))) {
    return InvalidField(field, "must be valid UTF-8");
  }
  int chars = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if ((byte & 0xC0) != 0x80) ++chars;  // Not a continuation byte: a new code point.
    // C0 controls and DEL; C1 controls are U+0080..U+009F, encoded C2 80..C2 9F.
    const bool c1 =
        byte == 0xC2 && i + 1 < value.size() && static_cast<unsigned char>(value[i + 1]) <= 0x9F;
    if (byte < 0x20 || byte == 0x7F || c1) {
      return InvalidField(field, "must not contain control characters");
    }
  }
  if (chars < min_chars || chars > max_chars) {
    return InvalidField(
        field, min_chars == 0
                   ? absl::StrCat("must be at most ", max_chars, " characters")
                   : absl::StrCat("must be ", min_chars, " to ", max_chars, " characters"));
  }
  if (!value.empty() && (absl::ascii_isspace(static_cast<unsigned char>(value.front())) ||
                         absl::ascii_isspace(static_cast<unsigned char>(value.back())))) {
    return InvalidField(field, "must not begin or end with white space");
  }
  return absl::OkStatus();
}

absl::Status ValidateRequestId(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  bool valid = value.size() == 36;
  for (size_t i = 0; valid && i < value.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    valid = dash ? value[i] == '-' : absl::ascii_isxdigit(static_cast<unsigned char>(value[i]));
  }
  return valid ? absl::OkStatus()
               : InvalidField(field, "must be a UUID (8-4-4-4-12 hexadecimal digits)");
}

absl::Status ParseEtag(absl::string_view field, absl::string_view etag,
                       std::optional<int64_t>* revision) {
  revision->reset();
  if (etag.empty()) return absl::OkStatus();
  int64_t value;
  if (!absl::SimpleAtoi(etag, &value) || value <= 0) {
    return InvalidField(field, "is not an etag this service issued");
  }
  *revision = value;
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view field, absl::string_view text) {
  // The round trip refuses 1985-11-31 and years that are not four digits.
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) ||
      absl::FormatCivilTime(day) != text || day.year() < 1900) {
    return InvalidField(field, "must be a date as YYYY-MM-DD");
  }
  return day;
}

absl::Status ResolvePageSize(absl::string_view field, int requested, int default_size, int max_size,
                             int* page_size) {
  if (requested < 0) return InvalidField(field, "must not be negative");
  *page_size = requested == 0 ? default_size : std::min(requested, max_size);
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view field,
                                          const google::protobuf::Timestamp& time) {
  // Seconds of 0001-01-01 and 9999-12-31T23:59:59Z, the range google.protobuf.Timestamp allows.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (time.seconds() < kMinSeconds || time.seconds() > kMaxSeconds || time.nanos() < 0 ||
      time.nanos() > 999999999) {
    return InvalidField(field, "is not a valid timestamp");
  }
  return absl::FromUnixMicros(
      absl::ToUnixMicros(absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos())));
}

}  // namespace zhiyuan::services
