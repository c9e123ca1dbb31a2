// Figures over the directory, events and service records (zhiyuan.v1.StatsService): what a
// query may ask, in storage terms, and the store that answers it.
#ifndef ZHIYUAN_STORAGE_STATS_STORE_H_
#define ZHIYUAN_STORAGE_STATS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace zhiyuan::storage {

// What a query counts. Directory measures count current rows; activity measures count events
// and credited records on their day in China time.
enum class StatsMeasure {
  kTeams,                 // Directory, by home region; sub-kind: category.
  kPosts,                 // Directory; sub-kind: host kind.
  kPracticeUnits,         // Directory; sub-kind: unit kind.
  kRegisteredVolunteers,  // Directory, by residence.
  kStationCoverage,       // Directory: villages with a station, and (second) villages.
  kEvents,                // Activity.
  kPersonTimes,           // Activity: credited attendance records.
  kAttendanceMinutes,     // Activity.
  kManualMinutes,         // Activity.
  kServiceMinutes,        // Activity: both classes.
  kReportedHeadcount,     // Activity: the sum, and (second) the events that reported one.
  kReportedAudience,      // Activity: as kReportedHeadcount.
  kActiveVolunteers,      // Activity: distinct volunteers with a credited record.
};

inline bool IsDirectoryMeasure(StatsMeasure measure) {
  switch (measure) {
    case StatsMeasure::kTeams:
    case StatsMeasure::kPosts:
    case StatsMeasure::kPracticeUnits:
    case StatsMeasure::kRegisteredVolunteers:
    case StatsMeasure::kStationCoverage:
      return true;
    default:
      return false;
  }
}

// What a query groups by. kSubKind is a directory measure's sub-kind (team category, post host
// kind, unit kind).
enum class StatsGroup {
  kRegion,
  kProgram,
  kCategory,
  kTeam,
  kPostKind,
  kSubKind,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kStarLevel,  // kRegisteredVolunteers only: 0 to 5 stars.
};

enum class StatsSort { kKeys, kValueDescending, kValueAscending };

struct StatsQuery {
  StatsMeasure measure = StatsMeasure::kEvents;
  std::vector<StatsGroup> group_by;
  // kRegion's level: 1 (province) to 5 (village), at or below the scope's.
  int region_level = 0;
  // A region code: only its subtree. Empty for everything.
  std::string scope;
  // Activity only: the first and last day counted (China time), both inclusive.
  std::optional<absl::CivilDay> first_day;
  std::optional<absl::CivilDay> last_day;
  // Filters: activity by the event's program, category or team; kTeams by category.
  std::optional<int64_t> program_id;
  std::optional<int> category;
  std::optional<int64_t> team_id;
  StatsSort sort = StatsSort::kKeys;
  int64_t limit = 0;  // 0: every row.
};

// One group key: the value in its dimension's form (a region code, a program, team or post
// kind number with 0 for none, a category or sub-kind number, a period's first day
// "YYYY-MM-DD"), and for regions, programs and teams their display name.
struct StatsKeyValue {
  std::string value;
  std::string display_name;
  std::optional<int64_t> population;  // Regions only.
};

struct StatsRowValue {
  std::vector<StatsKeyValue> keys;  // One per group_by.
  int64_t value = 0;
  int64_t second = 0;  // kReportedHeadcount/Audience: reporting events; kStationCoverage: villages.
};

enum class StatsSourceKind { kRollups, kRawRows };

struct StatsResult {
  std::vector<StatsRowValue> rows;
  StatsSourceKind source = StatsSourceKind::kRollups;
  // Set when the figure was not counted because it could not be counted in time exactly.
  std::string unavailable;
};

class StatsStore {
 public:
  virtual ~StatsStore() = default;

  // Answers `query`, including every committed write. Errors: DEADLINE_EXCEEDED; UNAVAILABLE.
  virtual absl::StatusOr<StatsResult> Query(const StatsQuery& query, absl::Time deadline) = 0;

  // Answers each of `queries`, all from one snapshot, in one round of the database's.
  virtual absl::StatusOr<std::vector<StatsResult>> QueryAll(
      const std::vector<StatsQuery>& queries, absl::Time deadline) = 0;

  // Folds up to `max_deltas` pending changes into the rollups, unless another server is doing
  // so. Returns how many it folded. Errors: DEADLINE_EXCEEDED; UNAVAILABLE.
  virtual absl::StatusOr<int64_t> Compact(int64_t max_deltas, absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_STATS_STORE_H_
