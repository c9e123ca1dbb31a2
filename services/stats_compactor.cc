#include "services/stats_compactor.h"

#include <glog/logging.h>

#include "absl/time/clock.h"

namespace zhiyuan::services {
namespace {

// Changes per batch: the volunteers of this many record changes, with all their changes, and as
// many event and directory changes. A batch of a large backlog (a bulk load) takes a few
// seconds, well within its 30 s; under a steady load, batches follow each other until nothing
// is left, so the compactor keeps up as long as a batch folds faster than writers append.
constexpr int64_t kBatch = 2000;

}  // namespace

StatsCompactor::StatsCompactor(storage::StatsStore& store, absl::Duration interval)
    : store_(store), interval_(interval), thread_([this] {
        while (!stop_.WaitForNotificationWithTimeout(interval_)) {
          if (absl::StatusOr<int64_t> folded = CompactAll(store_, &stop_); !folded.ok()) {
            LOG(WARNING) << "folding figures: " << folded.status();
          }
        }
      }) {}

StatsCompactor::~StatsCompactor() {
  stop_.Notify();
  thread_.join();
}

absl::StatusOr<int64_t> StatsCompactor::CompactAll(storage::StatsStore& store,
                                                    const absl::Notification* stop) {
  int64_t total = 0;
  while (stop == nullptr || !stop->HasBeenNotified()) {
    absl::StatusOr<int64_t> folded = store.Compact(kBatch, absl::Now() + absl::Seconds(30));
    if (!folded.ok()) return folded.status();
    total += *folded;
    if (*folded == 0) break;
  }
  return total;
}

}  // namespace zhiyuan::services
