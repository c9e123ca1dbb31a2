// VolunteerStore on PostgreSQL: `volunteers`, `volunteer_identities` and
// `volunteer_create_requests` (migration 0004).
#ifndef ZHIYUAN_STORAGE_POSTGRES_VOLUNTEER_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_VOLUNTEER_STORE_H_

#include "storage/connection_pool.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

class PostgresVolunteerStore final : public VolunteerStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresVolunteerStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<Volunteer> Get(const std::string& number, absl::Time deadline) override;
  absl::StatusOr<VolunteerPage> List(const VolunteerQuery& query, absl::Time deadline) override;
  absl::StatusOr<Volunteer> Create(const Volunteer& volunteer, const std::string& id_number_hash,
                                   absl::FunctionRef<std::string(int64_t)> mint,
                                   const std::string& request_id, const AuditEntry& audit,
                                   absl::Time deadline) override;
  absl::StatusOr<Volunteer> Update(const std::string& number, const VolunteerChange& change,
                                   const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Volunteer> Delete(const std::string& number,
                                   std::optional<int64_t> expected_revision,
                                   const AuditEntry& audit, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_VOLUNTEER_STORE_H_
