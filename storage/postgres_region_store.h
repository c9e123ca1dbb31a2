// RegionStore on PostgreSQL: the `regions` table (migration 0002).
#ifndef ZHIYUAN_STORAGE_POSTGRES_REGION_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_REGION_STORE_H_

#include "storage/connection_pool.h"
#include "storage/region_store.h"

namespace zhiyuan::storage {

class PostgresRegionStore final : public RegionStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresRegionStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<Region> Get(const std::string& code, absl::Time deadline) override;
  absl::StatusOr<std::vector<Region>> List(const RegionQuery& query, absl::Time deadline) override;
  absl::StatusOr<Region> Update(const std::string& code, const RegionChange& change,
                                const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<std::unique_ptr<RegionImport>> StartImport(const AuditEntry& audit,
                                                            absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_REGION_STORE_H_
