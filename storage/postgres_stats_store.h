// StatsStore on PostgreSQL: rollups that triggers and a compactor keep exact (migration 0016,
// docs/design/stats.md), read together with the changes not yet folded into them; the raw rows
// for what the rollups do not keep.
#ifndef ZHIYUAN_STORAGE_POSTGRES_STATS_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_STATS_STORE_H_

#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "storage/connection_pool.h"
#include "storage/stats_store.h"

namespace zhiyuan::storage {

// The activity_rollups rows (its columns in order, summed per key) that the activity changes in
// `changes` (a table or subquery with activity_deltas' region_code, team_id, program_id,
// category, post_id, day and measures) add: each at every depth, for its day, month and year,
// and its week (from Monday) and quarter down to counties, without a dimension and under each
// one. The compactor adds them to the folded rows; bench/stats_gen writes them at once into an
// empty table.
std::string ActivityRollupRowsSql(absl::string_view changes);

class PostgresStatsStore final : public StatsStore {
 public:
  struct Options {
    // ACTIVE_VOLUNTEERS over a window or dimension active_counts does not keep is counted from
    // the records of the scope's events. A query whose scope and window hold more credited
    // records than max_distinct_records, or whose scope holds more events (matching its
    // filters, over all time) than max_distinct_events, says so instead of counting. The
    // defaults keep the count within 20 ms: at 100M records it took about 7 us per event
    // looked up and 1.7 us per record read, warm, on 2 cores (docs/BENCHMARKS.md).
    int64_t max_distinct_records = 5000;
    int64_t max_distinct_events = 1000;
  };

  // `pool` must outlive the store.
  PostgresStatsStore(ConnectionPool& pool, const Options& options)
      : pool_(pool), options_(options) {}

  absl::StatusOr<StatsResult> Query(const StatsQuery& query, absl::Time deadline) override;
  absl::StatusOr<std::vector<StatsResult>> QueryAll(const std::vector<StatsQuery>& queries,
                                                    absl::Time deadline) override;
  absl::StatusOr<int64_t> Compact(int64_t max_deltas, absl::Time deadline) override;

 private:
  StatsResult QueryIn(pqxx::transaction_base& txn, const StatsQuery& query) const;

  ConnectionPool& pool_;
  const Options options_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_STATS_STORE_H_
