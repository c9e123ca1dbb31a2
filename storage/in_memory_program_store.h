// ProgramStore in memory, for handler tests: the same behaviour as PostgresProgramStore (both
// pass tests/storage/program_store_contract.h).
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_PROGRAM_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_PROGRAM_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/practice_unit_store.h"
#include "storage/program_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"

namespace zhiyuan::storage {

class InMemoryProgramStore final : public ProgramStore {
 public:
  // The stores say what programs may belong to; they must outlive this one.
  InMemoryProgramStore(RegionStore& regions, PracticeUnitStore& units, TeamStore& teams,
                       InMemoryAuditLog* audit_log = nullptr)
      : regions_(regions), units_(units), teams_(teams), audit_log_(audit_log) {}

  absl::StatusOr<Program> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<ProgramPage> List(const ProgramQuery& query, absl::Time deadline) override;
  absl::StatusOr<Program> Create(const Program& program, const std::string& request_id,
                                 const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Program> Update(int64_t id, const ProgramChange& change, const AuditEntry& audit,
                                 absl::Time deadline) override;
  absl::StatusOr<Program> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                 const AuditEntry& audit, absl::Time deadline) override;

 private:
  absl::StatusOr<std::string> OwnerRegion(const ProgramOwner& owner, absl::Time deadline);
  absl::StatusOr<Program*> LockForChange(int64_t id, std::optional<int64_t> expected_revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  RegionStore& regions_;
  PracticeUnitStore& units_;
  TeamStore& teams_;
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, Program> programs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_request_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_PROGRAM_STORE_H_
