#include "services/check_out_closer.h"

#include <glog/logging.h>

#include "absl/time/clock.h"

namespace zhiyuan::services {
namespace {

constexpr int kBatch = 500;

}  // namespace

CheckOutCloser::CheckOutCloser(RecordWriter& writer, absl::Duration interval)
    : writer_(writer), interval_(interval), thread_([this] {
        while (!stop_.WaitForNotificationWithTimeout(interval_)) {
          absl::StatusOr<int> closed = CloseAllDue(writer_);
          if (!closed.ok()) {
            LOG(WARNING) << "closing forgotten check-outs: " << closed.status();
          } else if (*closed > 0) {
            LOG(INFO) << "closed " << *closed << " forgotten check-outs";
          }
        }
      }) {}

CheckOutCloser::~CheckOutCloser() {
  stop_.Notify();
  thread_.join();
}

absl::StatusOr<int> CheckOutCloser::CloseAllDue(RecordWriter& writer) {
  int total = 0;
  while (true) {
    absl::StatusOr<int> closed = writer.CloseDue(kBatch, absl::Now() + absl::Seconds(30));
    if (!closed.ok()) return closed.status();
    total += *closed;
    if (*closed < kBatch) return total;
  }
}

}  // namespace zhiyuan::services
