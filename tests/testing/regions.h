// Seeding a RegionStore in tests.
#ifndef ZHIYUAN_TESTS_TESTING_REGIONS_H_
#define ZHIYUAN_TESTS_TESTING_REGIONS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "storage/region_store.h"
#include "tests/testing/audit.h"

namespace zhiyuan::testing {

// Imports regions given as (code, name) pairs in one import.
inline absl::Status ImportRegions(storage::RegionStore& store,
                                  const std::vector<std::pair<std::string, std::string>>& regions) {
  auto import = store.StartImport(::zhiyuan::testing::TestAudit(), absl::Now() + absl::Seconds(10));
  if (!import.ok()) return import.status();
  std::vector<storage::Region> rows;
  for (const auto& [code, name] : regions) {
    storage::Region& region = rows.emplace_back();
    region.code = code;
    region.display_name = name;
  }
  if (absl::Status added = (*import)->Add(rows); !added.ok()) return added;
  return (*import)->Commit().status();
}

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_REGIONS_H_
