#include "services/stats_compactor.h"

#include <glog/logging.h>

#include "absl/time/clock.h"

namespace zhiyuan::services {
namespace {

// Changes per batch: the volunteers of this many record changes, with all their changes, and as
// many event and directory changes. A batch of a large backlog (a bulk load) takes a few
// seconds, well within its 30 s.
constexpr int64_t kBatch = 2000;

// After a batch that folded something, the compactor rests this many times as long as the batch
// took before the next: folding takes at most a quarter of one core from the writers, however
// large the backlog (a bulk load). Figures stay exact meanwhile; queries read more pending
// changes. With a third of a core (a rest of twice the batch), COPY lost 26% of its rows a second
// to the figures (docs/BENCHMARKS.md).
constexpr int kRestPerBatch = 3;

}  // namespace

StatsCompactor::StatsCompactor(storage::StatsStore& store, absl::Duration interval)
    : store_(store), interval_(interval), thread_([this] {
        absl::Duration rest = interval_;
        while (!stop_.WaitForNotificationWithTimeout(rest)) {
          const absl::Time start = absl::Now();
          const absl::StatusOr<int64_t> folded =
              store_.Compact(kBatch, start + absl::Seconds(30));
          if (!folded.ok()) LOG(WARNING) << "folding figures: " << folded.status();
          rest = folded.ok() && *folded > 0 ? kRestPerBatch * (absl::Now() - start) : interval_;
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
    if (*folded == 0) break;
  }
  return total;
}

}  // namespace zhiyuan::services
