// TeamMemberStore on PostgreSQL: the `team_members` table (migration 0008).
#ifndef ZHIYUAN_STORAGE_POSTGRES_TEAM_MEMBER_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_TEAM_MEMBER_STORE_H_

#include "storage/connection_pool.h"
#include "storage/team_member_store.h"

namespace zhiyuan::storage {

class PostgresTeamMemberStore final : public TeamMemberStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresTeamMemberStore(ConnectionPool& pool) : pool_(pool) {}

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
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_TEAM_MEMBER_STORE_H_
