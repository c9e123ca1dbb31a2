#include "services/stats_compactor.h"

#include <glog/logging.h>

#include "absl/time/clock.h"

namespace zhiyuan::services {
namespace {

constexpr int64_t kBatch = 20000;

}  // namespace

StatsCompactor::StatsCompactor(storage::StatsStore& store, absl::Duration interval)
    : store_(store), interval_(interval), thread_([this] {
        while (!stop_.WaitForNotificationWithTimeout(interval_)) {
          if (absl::StatusOr<int64_t> folded = CompactAll(store_); !folded.ok()) {
            LOG(WARNING) << "folding figures: " << folded.status();
          }
        }
      }) {}

StatsCompactor::~StatsCompactor() {
  stop_.Notify();
  thread_.join();
}

absl::StatusOr<int64_t> StatsCompactor::CompactAll(storage::StatsStore& store) {
  int64_t total = 0;
  while (true) {
    absl::StatusOr<int64_t> folded = store.Compact(kBatch, absl::Now() + absl::Seconds(30));
    if (!folded.ok()) return folded.status();
    total += *folded;
    if (*folded < kBatch) return total;
  }
}

}  // namespace zhiyuan::services
