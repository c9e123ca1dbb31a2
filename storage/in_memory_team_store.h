// TeamStore in memory, for handler tests: the same behaviour as PostgresTeamStore (both pass
// tests/storage/team_store_contract.h).
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_TEAM_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_TEAM_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/practice_unit_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

class InMemoryTeamStore final : public TeamStore {
 public:
  // The stores say what teams may refer to; they must outlive this one.
  InMemoryTeamStore(RegionStore& regions, PracticeUnitStore& units, VolunteerStore& volunteers,
                    InMemoryAuditLog* audit_log = nullptr)
      : regions_(regions), units_(units), volunteers_(volunteers), audit_log_(audit_log) {}

  absl::StatusOr<Team> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<TeamPage> List(const TeamQuery& query, absl::Time deadline) override;
  absl::StatusOr<Team> Create(const Team& team, const std::string& request_id,
                              const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Team> Update(int64_t id, const TeamChange& change, const AuditEntry& audit,
                              absl::Time deadline) override;
  absl::StatusOr<Team> Delete(int64_t id, std::optional<int64_t> expected_revision,
                              const AuditEntry& audit, absl::Time deadline) override;

 private:
  absl::Status CheckReferences(int64_t practice_unit_id, const std::string& leader,
                               absl::Time deadline);
  absl::StatusOr<Team*> LockForChange(int64_t id, std::optional<int64_t> expected_revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  RegionStore& regions_;
  PracticeUnitStore& units_;
  VolunteerStore& volunteers_;
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, Team> teams_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_request_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_TEAM_STORE_H_
