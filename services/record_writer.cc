#include "services/record_writer.h"

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

absl::StatusOr<int> RecordWriter::CloseDue(int limit, absl::Time deadline) {
  const absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> due =
      store_.DueForClose(clock_(), limit, deadline);
  if (!due.ok()) return due.status();
  std::vector<RecordWrite> closes;
  for (const auto& [volunteer_number, id] : *due) {
    RecordWrite& close = closes.emplace_back();
    close.kind = RecordWrite::Kind::kClose;
    close.volunteer_number = volunteer_number;
    close.record_id = id;
    close.audit.method = "zhiyuand.CloseForgottenCheckOuts";
    close.audit.field_paths = {"check_out_time", "auto_closed", "credited_minutes"};
  }
  int closed = 0;
  for (const RecordWriteResult& result : Write(closes, deadline)) {
    if (!result.status.ok() && !absl::IsFailedPrecondition(result.status)) return result.status;
    if (result.status.ok()) ++closed;
  }
  return closed;
}

}  // namespace zhiyuan::services
