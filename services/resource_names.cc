#include "services/resource_names.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/identity_numbers.h"
#include "services/validation.h"
#include "storage/region_code.h"

namespace zhiyuan::services {

absl::StatusOr<std::string> ParseRegionName(absl::string_view field, absl::string_view name) {
  constexpr absl::string_view kPrefix = "regions/";
  if (name.empty()) return InvalidField(field, "is required");
  if (!absl::StartsWith(name, kPrefix) ||
      storage::LevelOfRegionCode(name.substr(kPrefix.size())) == storage::RegionLevel::kInvalid) {
    return InvalidField(field, "must be regions/{code} with a 2, 4, 6, 9 or 12-digit code");
  }
  return std::string(name.substr(kPrefix.size()));
}

std::string RegionName(absl::string_view code) { return absl::StrCat("regions/", code); }

absl::StatusOr<std::string> ParseVolunteerName(absl::string_view field, absl::string_view name) {
  constexpr absl::string_view kPrefix = "volunteers/";
  if (name.empty()) return InvalidField(field, "is required");
  if (!absl::StartsWith(name, kPrefix) || !IsVolunteerNumber(name.substr(kPrefix.size()))) {
    return InvalidField(field,
                        "must be volunteers/{volunteer_number}, 18 digits with a valid "
                        "check digit");
  }
  return std::string(name.substr(kPrefix.size()));
}

std::string VolunteerName(absl::string_view number) { return absl::StrCat("volunteers/", number); }

absl::StatusOr<int64_t> ParseIdName(absl::string_view field, absl::string_view collection,
                                    absl::string_view name) {
  if (name.empty()) return InvalidField(field, "is required");
  const std::string prefix = absl::StrCat(collection, "/");
  absl::string_view id_text = name;
  int64_t id;
  if (!absl::ConsumePrefix(&id_text, prefix) || id_text.empty() ||
      !absl::c_all_of(id_text, [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(id_text, &id) || id <= 0) {
    return InvalidField(field, absl::StrCat("must be ", collection, "/{id} with a positive id"));
  }
  return id;
}

std::string IdName(absl::string_view collection, int64_t id) {
  return absl::StrCat(collection, "/", id);
}

}  // namespace zhiyuan::services
