// Region codes (GB/T 2260 and the statistics bureau's township and village codes): the level and
// parent of a region follow from its code, which begins with its parent's.
#ifndef ZHIYUAN_STORAGE_REGION_CODE_H_
#define ZHIYUAN_STORAGE_REGION_CODE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace zhiyuan::storage {

// The same numbers as zhiyuan.v1.RegionLevel and the regions.level column.
enum class RegionLevel { kInvalid = 0, kProvince, kCity, kCounty, kTownship, kVillage };

// The level a code of this shape has: 2, 4, 6, 9 or 12 decimal digits; kInvalid otherwise.
RegionLevel LevelOfRegionCode(absl::string_view code);

// The parent's code ("" for a province). `code` must be valid.
std::string ParentRegionCode(absl::string_view code);

// The length of codes at `level`.
int RegionCodeLength(RegionLevel level);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_REGION_CODE_H_
