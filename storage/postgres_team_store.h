// TeamStore on PostgreSQL: the `teams` table (migration 0005).
#ifndef ZHIYUAN_STORAGE_POSTGRES_TEAM_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_TEAM_STORE_H_

#include "storage/connection_pool.h"
#include "storage/team_store.h"

namespace zhiyuan::storage {

class PostgresTeamStore final : public TeamStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresTeamStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<Team> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<TeamPage> List(const TeamQuery& query, absl::Time deadline) override;
  absl::StatusOr<Team> Create(const Team& team, const std::string& request_id,
                              const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Team> Update(int64_t id, const TeamChange& change, const AuditEntry& audit,
                              absl::Time deadline) override;
  absl::StatusOr<Team> Delete(int64_t id, std::optional<int64_t> expected_revision,
                              const AuditEntry& audit, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_TEAM_STORE_H_
