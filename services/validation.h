// Request validation shared by the handlers: every error is INVALID_ARGUMENT and names the field
// and the rule ("region.display_name: must be 1 to 64 characters").
#ifndef ZHIYUAN_SERVICES_VALIDATION_H_
#define ZHIYUAN_SERVICES_VALIDATION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace zhiyuan::services {

// INVALID_ARGUMENT "<field>: <rule>".
absl::Status InvalidField(absl::string_view field, absl::string_view rule);

// Text a person reads: valid UTF-8, no control characters, no leading or trailing white space,
// and `min_chars` to `max_chars` characters (code points).
absl::Status ValidateText(absl::string_view field, absl::string_view value, int min_chars,
                          int max_chars);

// A request_id (AIP-155): empty, or a UUID in its 8-4-4-4-12 hex form.
absl::Status ValidateRequestId(absl::string_view field, absl::string_view value);

// The revision in an etag this service issued ("" gives none).
// Errors: INVALID_ARGUMENT naming `field`.
absl::Status ParseEtag(absl::string_view field, absl::string_view etag,
                       std::optional<int64_t>* revision);

// A calendar date given as exactly YYYY-MM-DD, of a real day, from the year 1900 on.
// Errors: INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view field, absl::string_view text);

// A google.protobuf.Timestamp within the range it allows (years 1 to 9999), to the microsecond
// (as PostgreSQL keeps times). Errors: INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view field,
                                          const google::protobuf::Timestamp& time);

// The page size to use: 0 means `default_size`, more than `max_size` is read as `max_size`.
// Errors: INVALID_ARGUMENT for a negative size.
absl::Status ResolvePageSize(absl::string_view field, int requested, int default_size, int max_size,
                             int* page_size);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_VALIDATION_H_
