// Closes forgotten check-outs in the background: every `interval`, the open records whose hour
// rules close them by now are closed at their event's scheduled end and flagged (services/
// record_writes.h). Any number of zhiyuand may run one: each close locks its volunteer, and a
// record another instance closed first is left alone. Writes also close their volunteer's due
// records themselves, so this only keeps records that nothing else touches up to date.
#ifndef ZHIYUAN_SERVICES_CHECK_OUT_CLOSER_H_
#define ZHIYUAN_SERVICES_CHECK_OUT_CLOSER_H_

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/record_writer.h"

namespace zhiyuan::services {

class CheckOutCloser {
 public:
  // `writer` must outlive the closer. Starts at once.
  CheckOutCloser(RecordWriter& writer, absl::Duration interval);
  // Stops, waiting for a pass under way.
  ~CheckOutCloser();

  // One pass: closes every record due by now, in batches. Returns how many it closed.
  static absl::StatusOr<int> CloseAllDue(RecordWriter& writer);

 private:
  RecordWriter& writer_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_CHECK_OUT_CLOSER_H_
