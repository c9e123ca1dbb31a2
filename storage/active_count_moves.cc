#include "storage/active_count_moves.h"

#include <algorithm>
#include <utility>

namespace zhiyuan::storage {
namespace {

// The length of a region code at each depth (1 province .. 5 village); a shorter code is its
// own key at the deeper depths, as SQL's left() gives it.
constexpr int kCodeLength[] = {0, 2, 4, 6, 9, 12};

// Every active_counts key a volunteer's records under `row` count under: each depth, the month,
// its quarter and its year, with no dimension and under the program.
template <typename Visit>
void ForEachKey(const VolunteerMonth& row, Visit visit) {
  const absl::CivilDay month(row.month);
  const absl::CivilDay quarter(row.month.year(), (row.month.month() - 1) / 3 * 3 + 1, 1);
  const absl::CivilDay year(row.month.year(), 1, 1);
  const std::pair<int, absl::CivilDay> periods[] = {{3, month}, {4, quarter}, {5, year}};
  const std::pair<int, int64_t> dims[] = {{0, 0}, {1, row.program_id}};
  for (int depth = 1; depth <= 5; ++depth) {
    const std::string region = row.region_code.substr(0, kCodeLength[depth]);
    for (const auto& [period_kind, period] : periods) {
      for (const auto& [dim_kind, dim_value] : dims) {
        visit(ActiveCountKey{dim_kind, period_kind, depth, region, period, dim_value});
      }
    }
  }
}

}  // namespace

absl::flat_hash_map<ActiveCountKey, int64_t> ActiveCountMoves(std::vector<VolunteerMonth> rows) {
  std::sort(rows.begin(), rows.end(), [](const VolunteerMonth& a, const VolunteerMonth& b) {
    return a.volunteer_number < b.volunteer_number;
  });
  absl::flat_hash_map<ActiveCountKey, int64_t> moves;
  // Per key of one volunteer: the records the pending changes add, and the records now.
  absl::flat_hash_map<ActiveCountKey, std::pair<int64_t, int64_t>> sums;
  for (auto first = rows.begin(); first != rows.end();) {
    auto last = std::find_if(first, rows.end(), [&](const VolunteerMonth& row) {
      return row.volunteer_number != first->volunteer_number;
    });
    sums.clear();
    for (auto row = first; row != last; ++row) {
      ForEachKey(*row, [&](ActiveCountKey key) {
        auto& [net, now] = sums[std::move(key)];
        net += row->net;
        now += row->now;
      });
    }
    for (const auto& [key, sum] : sums) {
      const auto [net, now] = sum;
      if (net == 0) continue;
      const int moved = static_cast<int>(now > 0) - static_cast<int>(now - net > 0);
      if (moved != 0) moves[key] += moved;
    }
    first = last;
  }
  absl::erase_if(moves, [](const auto& move) { return move.second == 0; });
  return moves;
}

}  // namespace zhiyuan::storage
