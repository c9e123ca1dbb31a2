// What the compactor's fold of pending record changes does to active_counts: the distinct
// volunteers with a credited record per depth, region, calendar month, quarter or year (China
// time), with no dimension and per program (migration 0016, docs/design/stats.md).
//
// A volunteer's count under a key moves +1 when the records they have there now are their first,
// -1 when the pending changes took their last. The fold gives, per volunteer and (event region,
// program, month), the records the pending changes add (`net`) and the records there now
// (`now`); "before" is now less net, which holds because the compactor takes every pending change
// of a volunteer at once. The expansion to every key is done here, not in SQL: it is tens of
// keys per row, and in SQL that was most of the compactor's time (docs/BENCHMARKS.md).
#ifndef ZHIYUAN_STORAGE_ACTIVE_COUNT_MOVES_H_
#define ZHIYUAN_STORAGE_ACTIVE_COUNT_MOVES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"

namespace zhiyuan::storage {

// A volunteer's credited records under one event region, program (0: none) and China-time month.
struct VolunteerMonth {
  std::string volunteer_number;
  std::string region_code;
  int64_t program_id = 0;
  absl::CivilMonth month;
  int64_t net = 0;  // what the pending changes add (negative: take away)
  int64_t now = 0;  // what the volunteer has there now, the pending changes included
};

// A row of active_counts.
struct ActiveCountKey {
  int dim_kind = 0;     // 0 none, 1 program
  int period_kind = 0;  // 3 month, 4 quarter, 5 year
  int depth = 0;        // 1 province .. 5 village
  std::string region_code;
  absl::CivilDay period;  // the period's first day
  int64_t dim_value = 0;  // the program, or 0

  friend bool operator==(const ActiveCountKey& a, const ActiveCountKey& b) {
    return a.dim_kind == b.dim_kind && a.period_kind == b.period_kind && a.depth == b.depth &&
           a.region_code == b.region_code && a.period == b.period && a.dim_value == b.dim_value;
  }
  template <typename H>
  friend H AbslHashValue(H h, const ActiveCountKey& k) {
    return H::combine(std::move(h), k.dim_kind, k.period_kind, k.depth, k.region_code,
                      k.period.year(), k.period.month(), k.period.day(), k.dim_value);
  }
};

// The moves of active_counts (non-zero only) for `rows`. For each volunteer with a non-zero net
// under a key, their rows must hold every month of that key's period in which they have records.
absl::flat_hash_map<ActiveCountKey, int64_t> ActiveCountMoves(std::vector<VolunteerMonth> rows);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_ACTIVE_COUNT_MOVES_H_
