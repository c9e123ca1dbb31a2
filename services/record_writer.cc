#include "services/record_writer.h"

#include <algorithm>

namespace zhiyuan::services {

std::vector<RecordWriteResult> RecordWriter::Write(const std::vector<RecordWrite>& writes,
                                                   absl::Time deadline) {
  std::vector<RecordWriteResult> results;
  if (writes.empty()) return results;
  const absl::Time now = clock_();
  const absl::Status written = store_.ApplyBatch(
      BatchKeys(writes),
      [&](const storage::RecordBatchState& state) {
        return PlanRecordWrites(writes, state, now, results);
      },
      deadline);
  if (!written.ok()) {
    RecordWriteResult failed;
    failed.status = written;
    results.assign(writes.size(), failed);
  }
  return results;
}

RecordWriteResult RecordWriter::WriteOne(const RecordWrite& write, absl::Time deadline) {
  Pending mine{&write, deadline, {}, false};
  absl::MutexLock lock(&mu_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (running_ >= options_.max_running || queue_.empty()) {
      changed_.Wait(&mu_);
      continue;
    }
    // Lead a batch of everything queued, this call's write among it unless another leader
    // already took it.
    std::vector<Pending*> batch;
    while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    ++running_;
    mu_.Unlock();
    std::vector<RecordWrite> writes;
    writes.reserve(batch.size());
    absl::Time batch_deadline = absl::InfinitePast();
    for (const Pending* pending : batch) {
      writes.push_back(*pending->write);
      batch_deadline = std::max(batch_deadline, pending->deadline);
    }
    std::vector<RecordWriteResult> results = Write(writes, batch_deadline);
    mu_.Lock();
    --running_;
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->result = std::move(results[i]);
      batch[i]->done = true;
    }
    changed_.SignalAll();
  }
  return std::move(mine.result);
}

absl::StatusOr<int> RecordWriter::CloseDue(int limit, absl::Time deadline) {
  const absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> due =
      store_.DueForClose(clock_(), limit, deadline);
  if (!due.ok()) return due.status();
  std::vector<RecordWrite> closes;
  for (const auto& [volunteer_number, id] : *due)
    closes.push_back(CloseWrite(volunteer_number, id));
  int closed = 0;
  for (const RecordWriteResult& result : Write(closes, deadline)) {
    if (!result.status.ok() && !absl::IsFailedPrecondition(result.status)) return result.status;
    if (result.status.ok()) ++closed;
  }
  return closed;
}

}  // namespace zhiyuan::services
