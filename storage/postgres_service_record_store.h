// ServiceRecordStore on PostgreSQL: `service_records` and `service_record_revisions` (migration
// 0014).
#ifndef ZHIYUAN_STORAGE_POSTGRES_SERVICE_RECORD_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_SERVICE_RECORD_STORE_H_

#include <pqxx/transaction_base>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
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
  // Record ids are taken from the sequence this many at a time and handed out from memory, so
  // that most batches need no round trip for them. Ids are identifiers, not an order: records
  // are ordered by their check-in.
  static constexpr int kIdBlock = 1000;

  std::vector<int64_t> TakeIds(pqxx::transaction_base& txn, int count);

  ConnectionPool& pool_;
  absl::Mutex ids_mu_;
  std::vector<int64_t> spare_ids_ ABSL_GUARDED_BY(ids_mu_);
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_SERVICE_RECORD_STORE_H_
