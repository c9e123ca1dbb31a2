#include "storage/region_code.h"

#include "absl/strings/ascii.h"

namespace zhiyuan::storage {

RegionLevel LevelOfRegionCode(absl::string_view code) {
  for (const char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return RegionLevel::kInvalid;
  }
  switch (code.size()) {
    case 2:
      return RegionLevel::kProvince;
    case 4:
      return RegionLevel::kCity;
    case 6:
      return RegionLevel::kCounty;
    case 9:
      return RegionLevel::kTownship;
    case 12:
      return RegionLevel::kVillage;
    default:
      return RegionLevel::kInvalid;
  }
}

int RegionCodeLength(RegionLevel level) {
  static constexpr int kLengths[] = {0, 2, 4, 6, 9, 12};
  return kLengths[static_cast<int>(level)];
}

std::string ParentRegionCode(absl::string_view code) {
  const RegionLevel level = LevelOfRegionCode(code);
  if (level == RegionLevel::kInvalid || level == RegionLevel::kProvince) return "";
  const auto parent_level = static_cast<RegionLevel>(static_cast<int>(level) - 1);
  return std::string(code.substr(0, RegionCodeLength(parent_level)));
}

}  // namespace zhiyuan::storage
