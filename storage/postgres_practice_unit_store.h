// PracticeUnitStore on PostgreSQL: the `practice_units` table (migration 0003).
#ifndef ZHIYUAN_STORAGE_POSTGRES_PRACTICE_UNIT_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_PRACTICE_UNIT_STORE_H_

#include "storage/connection_pool.h"
#include "storage/practice_unit_store.h"

namespace zhiyuan::storage {

class PostgresPracticeUnitStore final : public PracticeUnitStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresPracticeUnitStore(ConnectionPool& pool) : pool_(pool) {}

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
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_PRACTICE_UNIT_STORE_H_
