// TeamMemberStore in memory, for handler tests: the same behaviour as PostgresTeamMemberStore
// (both pass tests/storage/team_member_store_contract.h).
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_TEAM_MEMBER_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_TEAM_MEMBER_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/team_member_store.h"
#include "storage/team_store.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

class InMemoryTeamMemberStore final : public TeamMemberStore {
 public:
  // The stores say which teams and volunteers exist; they must outlive this one.
  InMemoryTeamMemberStore(TeamStore& teams, VolunteerStore& volunteers,
                          InMemoryAuditLog* audit_log = nullptr)
      : teams_(teams), volunteers_(volunteers), audit_log_(audit_log) {}

  absl::StatusOr<TeamMember> Get(int64_t team_id, const std::string& volunteer_number,
                                 absl::Time deadline) override;
  absl::StatusOr<TeamMemberPage> List(const TeamMemberQuery& query, absl::Time deadline) override;
  absl::StatusOr<TeamMember> Create(int64_t team_id, const std::string& volunteer_number, int role,
                                    const std::string& request_id, const AuditEntry& audit,
                                    absl::Time deadline) override;
  absl::StatusOr<TeamMember> UpdateRole(int64_t team_id, const std::string& volunteer_number,
                                        int role, std::optional<int64_t> expected_revision,
                                        const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<TeamMember> Leave(int64_t team_id, const std::string& volunteer_number,
                                   std::optional<int64_t> expected_revision,
                                   const AuditEntry& audit, absl::Time deadline) override;

 private:
  // Appends to the audit log, when there is one, with the team's region.
  void Audit(const AuditEntry& audit, int64_t team_id, const std::string& volunteer_number);

  absl::StatusOr<TeamMember*> Current(int64_t team_id, const std::string& volunteer_number,
                                      std::optional<int64_t> expected_revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  TeamStore& teams_;
  VolunteerStore& volunteers_;
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, TeamMember> members_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, int64_t> by_request_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_TEAM_MEMBER_STORE_H_
