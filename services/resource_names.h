// Resource names of the zhiyuan.v1 API ("regions/141124", "practiceUnits/42"): parsing with
// errors that name the field, and formatting.
#ifndef ZHIYUAN_SERVICES_RESOURCE_NAMES_H_
#define ZHIYUAN_SERVICES_RESOURCE_NAMES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::services {

// The code in "regions/{code}". Errors: INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseRegionName(absl::string_view field, absl::string_view name);
std::string RegionName(absl::string_view code);

// The number in "volunteers/{volunteer_number}", 18 digits with a valid check digit.
// Errors: INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseVolunteerName(absl::string_view field, absl::string_view name);
std::string VolunteerName(absl::string_view number);

// The id in "{collection}/{id}", a positive decimal number, e.g. ("practiceUnits", "42").
// Errors: INVALID_ARGUMENT naming `field`.
absl::StatusOr<int64_t> ParseIdName(absl::string_view field, absl::string_view collection,
                                    absl::string_view name);
std::string IdName(absl::string_view collection, int64_t id);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_RESOURCE_NAMES_H_
