// Runs service record writes (services/record_writes.h) as batches through a ServiceRecordStore:
// one transaction per batch, every write with its own result.
#ifndef ZHIYUAN_SERVICES_RECORD_WRITER_H_
#define ZHIYUAN_SERVICES_RECORD_WRITER_H_

#include <functional>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/record_writes.h"
#include "storage/service_record_store.h"

namespace zhiyuan::services {

class RecordWriter {
 public:
  // `store` must outlive the writer; `clock` gives the time writes are decided at.
  explicit RecordWriter(storage::ServiceRecordStore& store,
                        std::function<absl::Time()> clock = absl::Now)
      : store_(store), clock_(std::move(clock)) {}

  // One result per write, in order. When the batch cannot be written at all (the database is
  // unavailable, the deadline passes), every write gets that error and nothing is written.
  std::vector<RecordWriteResult> Write(const std::vector<RecordWrite>& writes,
                                       absl::Time deadline);

  // Closes forgotten check-outs whose time has come, at most `limit`, and returns how many.
  absl::StatusOr<int> CloseDue(int limit, absl::Time deadline);

 private:
  storage::ServiceRecordStore& store_;
  const std::function<absl::Time()> clock_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_RECORD_WRITER_H_
