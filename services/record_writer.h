// Runs service record writes (services/record_writes.h) as batches through a ServiceRecordStore:
// one transaction per batch, every write with its own result.
//
// Single writes from concurrent calls are committed together (group commit): a call queues its
// write; while fewer than `max_running` batches are being written, a waiting call takes
// everything queued (up to `max_batch` writes) and writes it as one batch for all of them, so
// concurrent calls share statements and one commit. Each call returns only once the batch that
// holds its write has committed: an acknowledged write is durable. Batches lock their
// volunteers in number order, so concurrent batches never deadlock, and a write's result is
// exactly what it would be alone, decided after the writes queued before it.
#ifndef ZHIYUAN_SERVICES_RECORD_WRITER_H_
#define ZHIYUAN_SERVICES_RECORD_WRITER_H_

#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/record_writes.h"
#include "storage/service_record_store.h"

namespace zhiyuan::services {

class RecordWriter {
 public:
  struct Options {
    int max_batch = 500;  // Writes in one group-committed batch at most.
    int max_running = 4;  // Group-committed batches written at once at most.
  };

  // `store` must outlive the writer; `clock` gives the time writes are decided at.
  explicit RecordWriter(storage::ServiceRecordStore& store,
                        std::function<absl::Time()> clock = absl::Now)
      : RecordWriter(store, Options(), std::move(clock)) {}
  RecordWriter(storage::ServiceRecordStore& store, Options options,
               std::function<absl::Time()> clock = absl::Now)
      : store_(store), options_(options), clock_(std::move(clock)) {}

  // One write, committed together with the writes of concurrent calls (see above). The batch
  // is bounded by the latest deadline among its writes.
  RecordWriteResult WriteOne(const RecordWrite& write, absl::Time deadline);

  // One result per write, in order. When the batch cannot be written at all (the database is
  // unavailable, the deadline passes), every write gets that error and nothing is written.
  std::vector<RecordWriteResult> Write(const std::vector<RecordWrite>& writes, absl::Time deadline);

  // Closes forgotten check-outs whose time has come, at most `limit`, and returns how many.
  absl::StatusOr<int> CloseDue(int limit, absl::Time deadline);

 private:
  struct Pending {
    const RecordWrite* write;
    absl::Time deadline;
    RecordWriteResult result;
    bool done = false;
  };

  storage::ServiceRecordStore& store_;
  const Options options_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  absl::CondVar changed_;
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_RECORD_WRITER_H_
