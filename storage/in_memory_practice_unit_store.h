// PracticeUnitStore in memory, for handler tests: the same behaviour as
// PostgresPracticeUnitStore (both pass tests/storage/practice_unit_store_contract.h).
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_PRACTICE_UNIT_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_PRACTICE_UNIT_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/practice_unit_store.h"
#include "storage/region_store.h"

namespace zhiyuan::storage {

class InMemoryPracticeUnitStore final : public PracticeUnitStore {
 public:
  // `regions` says which regions exist; it must outlive the store.
  explicit InMemoryPracticeUnitStore(RegionStore& regions, InMemoryAuditLog* audit_log = nullptr)
      : regions_(regions), audit_log_(audit_log) {}

  absl::StatusOr<PracticeUnit> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<PracticeUnitPage> List(const PracticeUnitQuery& query,
                                        absl::Time deadline) override;
  absl::StatusOr<PracticeUnit> Create(const PracticeUnit& unit, const std::string& request_id,
                                      const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<PracticeUnit> Update(int64_t id, const PracticeUnitChange& change,
                                      const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<PracticeUnit> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                      const AuditEntry& audit, absl::Time deadline) override;

 private:
  absl::StatusOr<PracticeUnit*> LockForChange(int64_t id, std::optional<int64_t> expected_revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  RegionStore& regions_;
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, PracticeUnit> units_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_request_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_PRACTICE_UNIT_STORE_H_
