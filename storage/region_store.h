// RegionStore: where regions are kept. PostgresRegionStore is the real one; InMemoryRegionStore
// serves handler tests. Both pass tests/storage/region_store_contract.h.
#ifndef ZHIYUAN_STORAGE_REGION_STORE_H_
#define ZHIYUAN_STORAGE_REGION_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "storage/audit_log.h"
#include "storage/region_code.h"

namespace zhiyuan::storage {

struct Region {
  std::string code;
  std::string display_name;
  int64_t population = 0;  // With population_year 0: unknown.
  int population_year = 0;
  int64_t revision = 0;  // 1 when created, +1 with every change.
  absl::Time create_time;
  absl::Time update_time;
};

struct RegionQuery {
  std::string parent_code;  // "" for the country.
  // Empty: the direct children of `parent_code`. Otherwise: its whole subtree, names starting
  // with this.
  std::string name_prefix;
  RegionLevel level = RegionLevel::kInvalid;  // kInvalid: any level.
  std::string after_code;                     // Only codes after this (keyset pagination).
  int limit = 100;
};

struct RegionChange {
  std::optional<std::string> display_name;
  // Population and its year, set together; {0, 0} clears them.
  std::optional<std::pair<int64_t, int>> population;
  // When set, the change applies only if the region is still at this revision.
  std::optional<int64_t> expected_revision;
};

struct RegionImportCounts {
  int64_t created = 0;
  int64_t renamed = 0;
  int64_t unchanged = 0;
};

// One import, a transaction: nothing is visible to others before Commit(), and nothing is kept
// if the import is destroyed without it or Commit() fails.
class RegionImport {
 public:
  virtual ~RegionImport() = default;

  // Adds regions (code and display_name; both already validated). Errors: database errors.
  virtual absl::Status Add(absl::Span<const Region> regions) = 0;

  // Writes everything added: new codes are created, known ones renamed when their name differs.
  // Errors: INVALID_ARGUMENT when a code was added twice or a region's parent is neither stored
  // nor added (the message names the region); database errors.
  virtual absl::StatusOr<RegionImportCounts> Commit() = 0;
};

class RegionStore {
 public:
  virtual ~RegionStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Region> Get(const std::string& code, absl::Time deadline) = 0;

  // At most `query.limit` regions, ordered by code.
  virtual absl::StatusOr<std::vector<Region>> List(const RegionQuery& query,
                                                   absl::Time deadline) = 0;

  // Applies `change` and returns the region after it. Errors: NOT_FOUND; ABORTED when
  // `expected_revision` is set and differs.
  virtual absl::StatusOr<Region> Update(const std::string& code, const RegionChange& change,
                                        const AuditEntry& audit, absl::Time deadline) = 0;

  // Starts an import that must finish by `deadline`.
  virtual absl::StatusOr<std::unique_ptr<RegionImport>> StartImport(const AuditEntry& audit,
                                                                    absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_REGION_STORE_H_
