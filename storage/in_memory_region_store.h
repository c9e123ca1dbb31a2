// RegionStore in memory, for handler tests: the same behaviour as PostgresRegionStore (both pass
// tests/storage/region_store_contract.h), without a database.
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_REGION_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_REGION_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/region_store.h"

namespace zhiyuan::storage {

class InMemoryRegionStore final : public RegionStore {
 public:
  // With `audit_log`, every change is appended to it.
  explicit InMemoryRegionStore(InMemoryAuditLog* audit_log = nullptr) : audit_log_(audit_log) {}

  absl::StatusOr<Region> Get(const std::string& code, absl::Time deadline) override;
  absl::StatusOr<std::vector<Region>> List(const RegionQuery& query, absl::Time deadline) override;
  absl::StatusOr<Region> Update(const std::string& code, const RegionChange& change,
                                const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<std::unique_ptr<RegionImport>> StartImport(const AuditEntry& audit,
                                                            absl::Time deadline) override;

 private:
  class Import;

  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<std::string, Region> regions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_REGION_STORE_H_
