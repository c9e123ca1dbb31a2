// Folds the changes triggers append to the figures' delta tables into the rollups, in the
// background (storage/stats_store.h, docs/design/stats.md). Queries read pending changes too, so
// figures are exact whether or not a fold has run; folding keeps what they read small. Any
// number of zhiyuand may run one: one folds at a time (an advisory lock), the others skip.
#ifndef ZHIYUAN_SERVICES_STATS_COMPACTOR_H_
#define ZHIYUAN_SERVICES_STATS_COMPACTOR_H_

#include <cstdint>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "storage/stats_store.h"

namespace zhiyuan::services {

class StatsCompactor {
 public:
  // `store` must outlive the compactor. Starts at once: folds a batch every `interval`, or, while
  // there is a backlog, batch after batch with a rest three times as long as each batch took.
  StatsCompactor(storage::StatsStore& store, absl::Duration interval);
  // Stops, waiting for a fold under way.
  ~StatsCompactor();

  // Folds everything pending, in batches without rest, until a batch finds nothing (or another
  // server is folding). Returns how many changes it folded.
  static absl::StatusOr<int64_t> CompactAll(storage::StatsStore& store);

 private:
  storage::StatsStore& store_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_STATS_COMPACTOR_H_
