// ServiceRecordStore on PostgreSQL: `service_records` and `service_record_revisions` (migration
// 0014).
#ifndef ZHIYUAN_STORAGE_POSTGRES_SERVICE_RECORD_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_SERVICE_RECORD_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "storage/connection_pool.h"
#include "storage/service_record_store.h"

namespace zhiyuan::storage {

class PostgresServiceRecordStore final : public ServiceRecordStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresServiceRecordStore(ConnectionPool& pool) : pool_(pool) {}

  absl::Status ApplyBatch(
      const RecordBatchKeys& keys,
      absl::FunctionRef<absl::StatusOr<RecordBatchWrites>(const RecordBatchState&)> plan,
      absl::Time deadline) override;
  absl::StatusOr<ServiceRecord> Get(const std::string& volunteer_number, int64_t id,
                                    absl::Time deadline) override;
  absl::StatusOr<std::vector<ServiceRecord>> List(const RecordQuery& query,
                                                  absl::Time deadline) override;
  absl::StatusOr<std::vector<RecordRevision>> Revisions(const std::string& volunteer_number,
                                                        int64_t id, absl::Time deadline) override;
  absl::StatusOr<Correction> GetCorrection(const std::string& volunteer_number, int64_t id,
                                           absl::Time deadline) override;
  absl::StatusOr<std::vector<Correction>> ListCorrections(const CorrectionQuery& query,
                                                          absl::Time deadline) override;
  absl::StatusOr<Totals> GetTotals(const TotalsQuery& query, absl::Time deadline) override;
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> DueForClose(
      absl::Time now, int limit, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_SERVICE_RECORD_STORE_H_
