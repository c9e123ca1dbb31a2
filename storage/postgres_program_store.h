// ProgramStore on PostgreSQL: the `programs` table (migration 0007).
#ifndef ZHIYUAN_STORAGE_POSTGRES_PROGRAM_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_PROGRAM_STORE_H_

#include "storage/connection_pool.h"
#include "storage/program_store.h"

namespace zhiyuan::storage {

class PostgresProgramStore final : public ProgramStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresProgramStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<Program> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<ProgramPage> List(const ProgramQuery& query, absl::Time deadline) override;
  absl::StatusOr<Program> Create(const Program& program, const std::string& request_id,
                                 const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Program> Update(int64_t id, const ProgramChange& change, const AuditEntry& audit,
                                 absl::Time deadline) override;
  absl::StatusOr<Program> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                 const AuditEntry& audit, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_PROGRAM_STORE_H_
