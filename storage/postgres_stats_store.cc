#include "storage/postgres_stats_store.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/transaction_base>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "storage/active_count_moves.h"
#include "storage/prepared.h"
#include "storage/sql_array.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

// Weekly and quarterly activity rollups are kept down to counties (depth 3). Below, a region's
// rows are sparse and a week's row would mostly repeat one day's, a quarter's one month's: at 100M
// records, the rollups with weeks at every depth did not fit this machine's disk beside the rest
// (docs/BENCHMARKS.md).
constexpr int kMaxWeekAndQuarterDepth = 3;

// The length of a region code at each level (1 province .. 5 village).
constexpr int kCodeLength[] = {0, 2, 4, 6, 9, 12};

// Which dimension an activity rollup row is kept under (activity_rollups.dim_kind).
enum DimKind { kNoDim = 0, kProgramDim = 1, kCategoryDim = 2, kTeamDim = 3, kPostDim = 4 };

// Directory metrics (directory_counts.metric).
enum DirectoryMetric {
  kTeamsMetric = 1,
  kPostsMetric = 2,
  kUnitsMetric = 3,
  kVolunteersMetric = 4,
  kVillagesMetric = 5,
  kStationVillagesMetric = 6,
  kStarredVolunteersMetric = 7,
};
constexpr int kStationKind = 3;

// Only one compactor at a time across all servers (pg_try_advisory_xact_lock). Migration 0021
// takes it by value too, to keep compactors out while it rewrites the quarters.
constexpr int64_t kCompactLockKey = 0x7a79737461747301;  // "zystats\1"

// How reads run. Most statements take a few milliseconds: compiling them (JIT, 100-200 ms at
// 100M records) or starting parallel workers for them took longer than they run. Rollup reads
// are prepared, and their generic plans expect a row per part of the window, so they would
// group by sorting: a county's 1,504 teams over a year that cuts quarters (14,000 rows) took
// 15 ms sorted and grouped, 7 ms hashed. Sorts stay where nothing else can do (ORDER BY, top N).
constexpr char kQuickReads[] =
    "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_sort = off";
// A raw-row activity statement, which may scan millions of records: planned with its
// parameters, with parallel workers, grouping as the planner sees fit.
constexpr char kScanReads[] =
    "SET LOCAL max_parallel_workers_per_gather TO DEFAULT; SET LOCAL enable_sort TO DEFAULT";

// What each pending change of a volunteer's credited records under a key (rows of `nets`:
// volunteer_number, depth, region_code, period and its unit and span, dim_kind and dim_value,
// and net, the records it adds) does to the key's distinct volunteers: 1 when the records the
// volunteer has under the key now are the first, -1 when it took the last, else 0 (column
// `moved`). Each volunteer's records of the periods concerned are read once, counted under every
// key, and joined to the changes.
std::string PeopleMovedSql(absl::string_view nets) {
  return absl::StrCat(
      "SELECT p.*, (coalesce(n.records, 0) > 0)::integer - "
      "(coalesce(n.records, 0) - p.net > 0)::integer AS moved FROM ",
      nets,
      " p LEFT JOIN (SELECT r.volunteer_number, depth.d AS depth, "
      "left(e.region_code, (ARRAY[2, 4, 6, 9, 12])[depth.d]) AS region_code, u.unit, "
      "date_trunc(u.unit, (r.check_in AT TIME ZONE 'Asia/Shanghai')::date)::date AS period, "
      "k.kind AS dim_kind, k.value AS dim_value, count(*) AS records "
      "FROM (SELECT volunteer_number, min(period) AS first, "
      "max(period + span::interval)::date AS last FROM ",
      nets,
      " w GROUP BY 1) w JOIN service_records r ON r.volunteer_number = w.volunteer_number "
      "AND r.state = 2 AND r.check_in >= (w.first::timestamp AT TIME ZONE 'Asia/Shanghai') "
      "AND r.check_in < (w.last::timestamp AT TIME ZONE 'Asia/Shanghai') "
      "JOIN events e ON e.id = r.event_id "
      "CROSS JOIN generate_series(1, 5) AS depth(d) "
      "CROSS JOIN (VALUES ('month'), ('quarter'), ('year')) AS u(unit) "
      "CROSS JOIN LATERAL (VALUES (0, 0::bigint), (1, coalesce(e.program_id, 0))) AS k(kind, value) "
      "GROUP BY 1, 2, 3, 4, 5, 6, 7) n ON n.volunteer_number = p.volunteer_number "
      "AND n.depth = p.depth AND n.region_code = p.region_code AND n.unit = p.unit "
      "AND n.period = p.period AND n.dim_kind = p.dim_kind AND n.dim_value = p.dim_value");
}

// The residence and star level now (rows of volunteer_number, region_code, star) of the
// volunteers in `numbers` (rows of volunteer_number) who are registered. Each is looked up by
// key (`OFFSET 0` keeps the lookup from becoming a hash join that reads every volunteer).
std::string StarsNowSql(absl::string_view numbers) {
  return absl::StrCat(
      "SELECT x.volunteer_number, v.region_code, stats_star_level(l.minutes) AS star FROM ",
      numbers,
      " x CROSS JOIN LATERAL (SELECT residence_region_code AS region_code FROM volunteers v "
      "WHERE v.volunteer_number = x.volunteer_number AND v.delete_time IS NULL OFFSET 0) v "
      "CROSS JOIN LATERAL (SELECT coalesce(sum(r.credited_minutes), 0)::bigint AS minutes "
      "FROM service_records r WHERE r.volunteer_number = x.volunteer_number AND r.state = 2) l");
}

// What the star levels of the volunteers in `numbers` do to the counts of volunteers with
// stars (rows of region_code, star, n): their levels `now` (StarsNowSql's rows), less those
// volunteer_stars holds.
std::string StarMovesSql(absl::string_view now, absl::string_view numbers) {
  return absl::StrCat("SELECT region_code, star, 1 AS n FROM ", now,
                      " now WHERE star > 0 UNION ALL SELECT region_code, star, -1 FROM "
                      "volunteer_stars WHERE volunteer_number IN (SELECT volunteer_number FROM ",
                      numbers, " x)");
}

}  // namespace

std::string ActivityRollupRowsSql(absl::string_view changes) {
  return absl::StrCat(R"sql(
SELECT dim.kind AS dim_kind, p.kind AS period_kind, depth.d AS depth,
       left(g.region_code, (ARRAY[2, 4, 6, 9, 12])[depth.d]) AS region_code,
       CASE p.kind WHEN 1 THEN g.day ELSE date_trunc(p.unit, g.day::timestamp)::date END
         AS period,
       dim.value AS dim_value, sum(g.events) AS events, sum(g.headcount) AS headcount,
       sum(g.headcount_events) AS headcount_events, sum(g.audience) AS audience,
       sum(g.audience_events) AS audience_events,
       sum(g.attendance_records) AS attendance_records,
       sum(g.attendance_minutes) AS attendance_minutes, sum(g.manual_records) AS manual_records,
       sum(g.manual_minutes) AS manual_minutes
FROM )sql", changes, R"sql( g
CROSS JOIN generate_series(1, 5) AS depth(d)
CROSS JOIN (VALUES (1, 'day'), (2, 'month'), (4, 'quarter'), (5, 'year'), (6, 'week'))
  AS p(kind, unit)
CROSS JOIN LATERAL (VALUES (0, 0::bigint), (1, g.program_id), (2, g.category::bigint),
                           (3, g.team_id), (4, g.post_id)) AS dim(kind, value)
WHERE p.kind NOT IN (4, 6) OR depth.d <= )sql", kMaxWeekAndQuarterDepth, R"sql(
GROUP BY 1, 2, 3, 4, 5, 6)sql");
}

namespace {

// Folds pending activity changes: each into its rows at every depth, for days, months, years and
// (down to counties) weeks and quarters, without a dimension and under each one; and into the
// distinct volunteers per month, quarter and year. A volunteer's changes are folded all at once,
// so that the records as they are now, less the changes, are the records as they were.
std::string CompactActivitySql() {
  return absl::StrCat(R"sql(
WITH sample AS (SELECT ctid, volunteer_number FROM activity_deltas LIMIT $1::bigint),
sampled AS (SELECT DISTINCT volunteer_number FROM sample WHERE volunteer_number <> ''),
-- The sample's own changes without a volunteer (events'), and every change of its volunteers:
-- one scan of the table in all. Two deletes, not one with OR: `ctid = ANY (...)` alone is a TID
-- scan, under OR a linear search of the array for every row of the table.
taken_events AS (
  DELETE FROM activity_deltas
  WHERE ctid = ANY (ARRAY(SELECT ctid FROM sample WHERE volunteer_number = ''))
  RETURNING *),
taken_records AS (
  DELETE FROM activity_deltas
  WHERE volunteer_number IN (SELECT volunteer_number FROM sampled)
  RETURNING *),
taken AS (SELECT * FROM taken_events UNION ALL SELECT * FROM taken_records),
grouped AS (
  SELECT region_code, team_id, program_id, category, post_id, day,
         sum(events) AS events, sum(headcount) AS headcount,
         sum(headcount_events) AS headcount_events, sum(audience) AS audience,
         sum(audience_events) AS audience_events, sum(attendance_records) AS attendance_records,
         sum(attendance_minutes) AS attendance_minutes, sum(manual_records) AS manual_records,
         sum(manual_minutes) AS manual_minutes, count(*) AS deltas
  FROM taken
  GROUP BY region_code, team_id, program_id, category, post_id, day),
folded AS (
  INSERT INTO activity_rollups AS r
    (dim_kind, period_kind, depth, region_code, period, dim_value, events, headcount,
     headcount_events, audience, audience_events, attendance_records, attendance_minutes,
     manual_records, manual_minutes)
)sql", ActivityRollupRowsSql("grouped"), R"sql(
  ON CONFLICT (dim_kind, period_kind, depth, region_code, period, dim_value) DO UPDATE SET
    events = r.events + excluded.events,
    headcount = r.headcount + excluded.headcount,
    headcount_events = r.headcount_events + excluded.headcount_events,
    audience = r.audience + excluded.audience,
    audience_events = r.audience_events + excluded.audience_events,
    attendance_records = r.attendance_records + excluded.attendance_records,
    attendance_minutes = r.attendance_minutes + excluded.attendance_minutes,
    manual_records = r.manual_records + excluded.manual_records,
    manual_minutes = r.manual_minutes + excluded.manual_minutes),
-- Distinct volunteers: per volunteer taken and (event region, program, month), the credited
-- records the changes add and, in the same snapshot, the records there now, over the whole years
-- concerned. ActiveCountMoves turns them into moves of active_counts.
record_nets AS (
  SELECT volunteer_number, region_code, program_id, date_trunc('month', day)::date AS month,
         sum(attendance_records + manual_records) AS net
  FROM taken
  WHERE volunteer_number <> ''
  GROUP BY 1, 2, 3, 4
  HAVING sum(attendance_records + manual_records) <> 0),
records_now AS (
  SELECT r.volunteer_number, e.region_code, coalesce(e.program_id, 0) AS program_id,
         date_trunc('month', r.check_in AT TIME ZONE 'Asia/Shanghai')::date AS month,
         count(*) AS now
  FROM (SELECT volunteer_number, date_trunc('year', min(month)::timestamp) AS first,
               date_trunc('year', max(month)::timestamp) + interval '1 year' AS last
        FROM record_nets GROUP BY 1) w
  JOIN service_records r ON r.volunteer_number = w.volunteer_number AND r.state = 2
   AND r.check_in >= (w.first AT TIME ZONE 'Asia/Shanghai')
   AND r.check_in < (w.last AT TIME ZONE 'Asia/Shanghai')
  JOIN events e ON e.id = r.event_id
  GROUP BY 1, 2, 3, 4),
-- Star levels: every volunteer whose records, residence or registration changed is looked at
-- again; what moved goes to directory_deltas, for CompactDirectorySql to fold.
changed AS (
  DELETE FROM volunteer_changes
  WHERE ctid = ANY (ARRAY(SELECT ctid FROM volunteer_changes LIMIT $1::bigint))
  RETURNING volunteer_number),
restarred AS (SELECT volunteer_number FROM sampled UNION SELECT volunteer_number FROM changed),
stars_now AS ()sql", StarsNowSql("restarred"), R"sql(),
stars_moved AS (
  INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
  SELECT 7, region_code, star, sum(n)
  FROM ()sql", StarMovesSql("stars_now", "restarred"), R"sql() AS moves
  GROUP BY region_code, star
  HAVING sum(n) <> 0),
stars_kept AS (
  INSERT INTO volunteer_stars AS s (volunteer_number, region_code, star)
  SELECT volunteer_number, region_code, star FROM stars_now WHERE star > 0
  ON CONFLICT (volunteer_number) DO UPDATE SET region_code = excluded.region_code,
                                               star = excluded.star),
stars_dropped AS (
  DELETE FROM volunteer_stars
  WHERE volunteer_number IN (SELECT volunteer_number FROM restarred)
    AND volunteer_number NOT IN (SELECT volunteer_number FROM stars_now WHERE star > 0))
-- Every row carries the count of changes folded; the others are null when no volunteer's
-- records changed.
SELECT f.folded, m.volunteer_number, m.region_code, m.program_id, m.month,
       coalesce(m.net, 0) AS net, coalesce(m.now, 0) AS now
FROM (SELECT coalesce(sum(deltas), 0) + (SELECT count(*) FROM changed) AS folded FROM grouped) f
LEFT JOIN (SELECT * FROM record_nets
           FULL JOIN records_now USING (volunteer_number, region_code, program_id, month)) m
  ON true
)sql");
}

// What pending changes to stations (`source`: rows of metric, region_code, sub_kind, n) do to
// the villages with a station: +1 for a village that gets its first, -1 for one that loses its
// last, against the folded counts.
std::string StationTransitionsSql(absl::string_view source) {
  return absl::StrCat(
      "SELECT 6::smallint AS metric, s.region_code, 0::smallint AS sub_kind, "
      "(coalesce(c.n, 0) + s.net > 0)::integer - (coalesce(c.n, 0) > 0)::integer AS n "
      "FROM (SELECT region_code, sum(n) AS net FROM ",
      source,
      " WHERE metric = 3 AND sub_kind = 3 AND length(region_code) = 12 GROUP BY region_code) s "
      "LEFT JOIN directory_counts c ON c.metric = 3 AND c.depth = 5 "
      "AND c.region_code = s.region_code AND c.sub_kind = 3");
}

std::string CompactDirectorySql() {
  return absl::StrCat(
      "WITH taken AS (DELETE FROM directory_deltas "
      "WHERE ctid = ANY (ARRAY(SELECT ctid FROM directory_deltas LIMIT $1::bigint)) "
      "RETURNING metric, region_code, sub_kind, n), "
      "changes AS (SELECT * FROM taken UNION ALL ",
      StationTransitionsSql("taken"),
      "), folded AS (INSERT INTO directory_counts AS c (metric, depth, region_code, sub_kind, n) "
      "SELECT ch.metric, depth.d, left(ch.region_code, (ARRAY[2, 4, 6, 9, 12])[depth.d]), "
      "ch.sub_kind, sum(ch.n) FROM changes ch CROSS JOIN generate_series(1, 5) AS depth(d) "
      "GROUP BY 1, 2, 3, 4 "
      "ON CONFLICT (metric, depth, region_code, sub_kind) DO UPDATE SET n = c.n + excluded.n) "
      "SELECT count(*) FROM taken");
}

// A date as PostgreSQL reads it: the year in four digits, since it reads "1-01-01" as 2001.
std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

// Adds to active_counts the moves of the volunteers' rows CompactActivitySql returned (rows of
// folded, volunteer_number, region_code, program_id, month, net, now).
absl::Status FoldActiveCounts(pqxx::transaction_base& txn, const pqxx::result& rows) {
  std::vector<VolunteerMonth> months;
  months.reserve(rows.size());
  for (const pqxx::row& row : rows) {
    if (row["volunteer_number"].is_null()) continue;
    absl::CivilDay first;
    if (!absl::ParseCivilTime(row["month"].c_str(), &first)) {
      return absl::InternalError(absl::StrCat("folding figures: bad month ", row["month"].c_str()));
    }
    months.push_back({row["volunteer_number"].as<std::string>(),
                      row["region_code"].as<std::string>(), row["program_id"].as<int64_t>(),
                      absl::CivilMonth(first), row["net"].as<int64_t>(),
                      row["now"].as<int64_t>()});
  }
  const absl::flat_hash_map<ActiveCountKey, int64_t> moves = ActiveCountMoves(std::move(months));
  if (moves.empty()) return absl::OkStatus();
  SqlArray dim_kinds, period_kinds, depths, regions, periods, dim_values, people;
  for (const auto& [key, moved] : moves) {
    dim_kinds.Add(int64_t{key.dim_kind});
    period_kinds.Add(int64_t{key.period_kind});
    depths.Add(int64_t{key.depth});
    regions.Add(key.region_code);
    periods.Add(DayText(key.period));
    dim_values.Add(key.dim_value);
    people.Add(moved);
  }
  txn.exec_params0(
      "INSERT INTO active_counts AS a "
      "(dim_kind, period_kind, depth, region_code, period, dim_value, people) "
      "SELECT * FROM unnest($1::smallint[], $2::smallint[], $3::smallint[], $4::text[], "
      "$5::date[], $6::bigint[], $7::bigint[]) "
      "ON CONFLICT (dim_kind, period_kind, depth, region_code, period, dim_value) DO UPDATE SET "
      "people = a.people + excluded.people",
      dim_kinds.str(), period_kinds.str(), depths.str(), regions.str(), periods.str(),
      dim_values.str(), people.str());
  return absl::OkStatus();
}

// Statement parameters, passed as text and cast where they are used.
class Params {
 public:
  std::string Add(std::string value, absl::string_view type) {
    values_.push_back(std::move(value));
    return absl::StrCat("$", values_.size(), "::", type);
  }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
};

bool IsTimeGroup(StatsGroup group) {
  switch (group) {
    case StatsGroup::kDay:
    case StatsGroup::kWeek:
    case StatsGroup::kMonth:
    case StatsGroup::kQuarter:
    case StatsGroup::kYear:
      return true;
    default:
      return false;
  }
}

// The first day of `group`'s period holding the date `column`.
std::string PeriodOf(StatsGroup group, absl::string_view column) {
  switch (group) {
    case StatsGroup::kWeek:
      return absl::StrCat("date_trunc('week', ", column, ")::date");
    case StatsGroup::kMonth:
      return absl::StrCat("date_trunc('month', ", column, ")::date");
    case StatsGroup::kQuarter:
      return absl::StrCat("date_trunc('quarter', ", column, ")::date");
    case StatsGroup::kYear:
      return absl::StrCat("date_trunc('year', ", column, ")::date");
    default:
      return std::string(column);
  }
}

// `column` (a region code) within the scope.
std::string InScope(absl::string_view column, const std::string& scope, Params& params) {
  if (scope.empty()) return "true";
  // Codes are digits, and ':' follows '9': the subtree is [scope, scope + ":").
  return absl::StrCat(column, " >= ", params.Add(scope, "text"), " AND ", column, " < ",
                      params.Add(absl::StrCat(scope, ":"), "text"));
}

// A calendar year's period_kind in activity_rollups and in active_counts.
constexpr int kYearPeriodKind = 5;

// The periods activity_rollups keeps, coarsest first, with their period_kind.
enum class Grain { kYear = kYearPeriodKind, kQuarter = 4, kMonth = 2, kWeek = 6, kDay = 1 };

// The window as days [first, end); open ends become far-off days.
struct Window {
  absl::CivilDay first;
  absl::CivilDay end;
};

// A FROM item of the rows of `table` (activity_rollups or active_counts) of `depth` in the
// scope that `where` selects. When the scope is itself of that depth: the table, with only the
// scope's own code, which lets the index seek the window's first period (after a range of codes
// it would walk every period of each). Deeper: the scope's regions of that depth with a yearly
// row in the table (without a dimension) in the window's years, and each region's rows looked
// up in turn, so that the index seeks each region's window too; a range of codes would read
// every day the provinces ever had to find three. Any row of a region comes with such a yearly
// row: the compactor folds a change into every period and into the rows without a dimension
// at once, and a month's distinct volunteers are among its year's. OFFSET 0 keeps the lookups a
// nested loop: merged with the regions, they would be that walk again.
std::string RollupRowsInScope(absl::string_view table, const std::string& scope, int depth,
                              const Window& window, absl::string_view where, Params& params) {
  if (!scope.empty() && static_cast<int>(scope.size()) == kCodeLength[depth]) {
    return absl::StrCat(table, " WHERE region_code = ", params.Add(scope, "text"), " AND ",
                        where);
  }
  return absl::StrCat(
      "(SELECT DISTINCT region_code AS code FROM ", table, " WHERE dim_kind = ", kNoDim,
      " AND period_kind = ", kYearPeriodKind, " AND depth = ", depth, " AND ",
      InScope("region_code", scope, params), " AND period >= ",
      params.Add(DayText(absl::CivilDay(absl::CivilYear(window.first))), "date"),
      " AND period < ", params.Add(DayText(window.end), "date"),
      ") scope_regions CROSS JOIN LATERAL (SELECT * FROM ", table,
      " WHERE region_code = scope_regions.code AND ", where, " OFFSET 0) r");
}

std::string RegionKey(absl::string_view column, int level) {
  return absl::StrCat("left(", column, ", ", kCodeLength[level], ")");
}

// The depth whose rows a query reads: the grouping level, or the scope's own.
int DepthOf(const StatsQuery& query) {
  for (StatsGroup group : query.group_by) {
    if (group == StatsGroup::kRegion) return query.region_level;
  }
  for (int level = 5; level >= 1; --level) {
    if (static_cast<int>(query.scope.size()) == kCodeLength[level]) return level;
  }
  return 1;
}

// A measure's value, second value and existence count (a group is listed when it is positive),
// as sums over columns of activity_rollups or activity_deltas.
struct MeasureSums {
  std::string value;
  std::string second = "0";
  std::string exists;
};

MeasureSums ActivitySums(StatsMeasure measure) {
  switch (measure) {
    case StatsMeasure::kEvents:
      return {"events", "0", "events"};
    case StatsMeasure::kPersonTimes:
      return {"attendance_records", "0", "attendance_records"};
    case StatsMeasure::kAttendanceMinutes:
      return {"attendance_minutes", "0", "attendance_records"};
    case StatsMeasure::kManualMinutes:
      return {"manual_minutes", "0", "manual_records"};
    case StatsMeasure::kReportedHeadcount:
      return {"headcount", "headcount_events", "headcount_events"};
    case StatsMeasure::kReportedAudience:
      return {"audience", "audience_events", "audience_events"};
    default:  // kServiceMinutes; kActiveVolunteers uses the records it would count.
      return {"attendance_minutes + manual_minutes", "0", "attendance_records + manual_records"};
  }
}

// The dimension an activity query needs the rollups kept under (at most one besides region
// and time), or nullopt when it needs two (the raw rows answer those).
std::optional<DimKind> RollupDim(const StatsQuery& query) {
  std::optional<DimKind> dim;
  auto need = [&dim](DimKind kind) {
    if (dim.has_value() && *dim != kind) return false;
    dim = kind;
    return true;
  };
  for (StatsGroup group : query.group_by) {
    bool ok = true;
    if (group == StatsGroup::kProgram) ok = need(kProgramDim);
    if (group == StatsGroup::kCategory) ok = need(kCategoryDim);
    if (group == StatsGroup::kTeam) ok = need(kTeamDim);
    if (group == StatsGroup::kPostKind) ok = need(kPostDim);
    if (!ok) return std::nullopt;
  }
  if (query.program_id.has_value() && !need(kProgramDim)) return std::nullopt;
  if (query.category.has_value() && !need(kCategoryDim)) return std::nullopt;
  if (query.team_id.has_value() && !need(kTeamDim)) return std::nullopt;
  return dim.value_or(kNoDim);
}

const char* DeltaDimColumn(DimKind dim) {
  switch (dim) {
    case kProgramDim:
      return "program_id";
    case kCategoryDim:
      return "category::bigint";
    case kTeamDim:
      return "team_id";
    case kPostDim:
      return "post_id";
    default:
      return "0::bigint";
  }
}


Window WindowOf(const StatsQuery& query) {
  return {query.first_day.value_or(absl::CivilDay(1, 1, 1)),
          query.last_day.has_value() ? *query.last_day + 1 : absl::CivilDay(9999, 1, 1)};
}

std::optional<StatsGroup> TimeGroupOf(const StatsQuery& query) {
  for (StatsGroup group : query.group_by) {
    if (IsTimeGroup(group)) return group;
  }
  return std::nullopt;
}

// The value the query's one filtered dimension must have, if it has one.
std::optional<int64_t> DimFilter(const StatsQuery& query) {
  if (query.program_id.has_value()) return *query.program_id;
  if (query.category.has_value()) return *query.category;
  if (query.team_id.has_value()) return *query.team_id;
  return std::nullopt;
}

// One row per source row, keyed k0..kN by `key(group)`, with columns v, s and e.
std::string KeyedRows(const StatsQuery& query, const std::function<std::string(StatsGroup)>& key,
                      const MeasureSums& sums, absl::string_view from_where) {
  std::vector<std::string> columns;
  for (size_t i = 0; i < query.group_by.size(); ++i) {
    columns.push_back(absl::StrCat(key(query.group_by[i]), " AS k", i));
  }
  columns.push_back(absl::StrCat(sums.value, " AS v"));
  columns.push_back(absl::StrCat(sums.second, " AS s"));
  columns.push_back(absl::StrCat(sums.exists, " AS e"));
  return absl::StrCat("SELECT ", absl::StrJoin(columns, ", "), " FROM ", from_where);
}

// The grains kept at `depth` whose periods each lie within one bucket of `time_group`, coarsest
// first. Weeks cross months and years, but CoverWindow never takes a period across the start of
// a coarser grain's period, so they serve between a month's edges.
std::vector<Grain> GrainsFor(std::optional<StatsGroup> time_group, int depth) {
  const bool weeks_and_quarters = depth <= kMaxWeekAndQuarterDepth;
  const StatsGroup group = time_group.value_or(StatsGroup::kYear);
  std::vector<Grain> grains;
  if (group == StatsGroup::kYear) grains.push_back(Grain::kYear);
  if (weeks_and_quarters && (group == StatsGroup::kYear || group == StatsGroup::kQuarter)) {
    grains.push_back(Grain::kQuarter);
  }
  if (group == StatsGroup::kYear || group == StatsGroup::kQuarter || group == StatsGroup::kMonth) {
    grains.push_back(Grain::kMonth);
  }
  if (weeks_and_quarters && group != StatsGroup::kDay) grains.push_back(Grain::kWeek);
  grains.push_back(Grain::kDay);
  return grains;
}

// The first day of the calendar quarter of `day`.
absl::CivilDay QuarterOf(absl::CivilDay day) {
  return absl::CivilDay(day.year(), 1 + (day.month() - 1) / 3 * 3, 1);
}

// The first day of the last period of `grain` that starts on or before `day`.
absl::CivilDay PeriodStartUntil(Grain grain, absl::CivilDay day) {
  switch (grain) {
    case Grain::kYear:
      return absl::CivilDay(absl::CivilYear(day));
    case Grain::kQuarter:
      return QuarterOf(day);
    case Grain::kMonth:
      return absl::CivilDay(absl::CivilMonth(day));
    case Grain::kWeek:
      return absl::PrevWeekday(day + 1, absl::Weekday::monday);
    case Grain::kDay:
      break;
  }
  return day;
}

// The first day of the period of `grain` after the one starting on `day`.
absl::CivilDay NextStart(Grain grain, absl::CivilDay day) {
  switch (grain) {
    case Grain::kYear:
      return absl::CivilDay(absl::CivilYear(day) + 1);
    case Grain::kQuarter:
      return absl::CivilDay(absl::CivilMonth(day) + 3);
    case Grain::kMonth:
      return absl::CivilDay(absl::CivilMonth(day) + 1);
    case Grain::kWeek:
      return day + 7;
    case Grain::kDay:
      break;
  }
  return day + 1;
}

// The first day of the first period of `grain` that starts on or after `day`.
absl::CivilDay PeriodStartFrom(Grain grain, absl::CivilDay day) {
  const absl::CivilDay start = PeriodStartUntil(grain, day);
  return start < day ? NextStart(grain, start) : start;
}

// Covers the days [first, end) with ranges of whole periods, `rollup(period_kind, from, to)`
// each: the whole periods of the coarsest grain in the middle, and the edges with the finer ones
// in turn, so that a calendar year is one row per key and a window that cuts months reads at
// most six days either side of its weeks. No period taken crosses the start of a period of a
// coarser grain of `grains`, which ends with days.
void CoverWindow(absl::CivilDay first, absl::CivilDay end, absl::Span<const Grain> grains,
                 const std::function<void(int, absl::CivilDay, absl::CivilDay)>& rollup) {
  if (first >= end) return;
  const Grain grain = grains.front();
  if (grain == Grain::kDay) {
    rollup(static_cast<int>(grain), first, end);
    return;
  }
  const absl::CivilDay whole_from = PeriodStartFrom(grain, first);
  const absl::CivilDay whole_to = PeriodStartUntil(grain, end);
  if (whole_from > whole_to) {  // no period of this grain starts within [first, end]
    CoverWindow(first, end, grains.subspan(1), rollup);
    return;
  }
  if (whole_from == whole_to) {  // one starts, and no finer period may cross it
    CoverWindow(first, whole_from, grains.subspan(1), rollup);
    CoverWindow(whole_from, end, grains.subspan(1), rollup);
    return;
  }
  rollup(static_cast<int>(grain), whole_from, whole_to);
  CoverWindow(first, whole_from, grains.subspan(1), rollup);
  CoverWindow(whole_to, end, grains.subspan(1), rollup);
}

// The rows per key CoverWindow is expected to read, in thirtieths of a row: a key (a team, a
// program, a region) has a row for a month, quarter or year it was active in, which is nearly
// every one, but rows for only some of its weeks and days; as if it were active once a month.
// At 100M records the busiest county's 1,504 teams had 4,444 quarterly rows over three quarters,
// and 169 daily rows over one day.
int64_t RowsToCover(absl::CivilDay first, absl::CivilDay end, absl::Span<const Grain> grains) {
  int64_t rows = 0;
  CoverWindow(first, end, grains, [&rows](int period_kind, absl::CivilDay from,
                                          absl::CivilDay to) {
    switch (static_cast<Grain>(period_kind)) {
      case Grain::kYear:
        rows += 30 * (absl::CivilYear(to) - absl::CivilYear(from));
        break;
      case Grain::kQuarter:
        rows += 30 * (absl::CivilMonth(to) - absl::CivilMonth(from)) / 3;
        break;
      case Grain::kMonth:
        rows += 30 * (absl::CivilMonth(to) - absl::CivilMonth(from));
        break;
      case Grain::kWeek:
      case Grain::kDay:
        rows += to - from;
        break;
    }
  });
  return rows;
}

// CoverWindow for figures that add up, `rollup(period_kind, from, to, sign)` each: a calendar
// year that the window covers most of is read, when that takes fewer rows (RowsToCover), as the
// whole year less (`sign` -1) the parts the window leaves out. Of a year from 2 January, the
// year is read as the year less a day; of a township's year from mid-March, as the year less two
// months and the days of half of March, rather than as nine months and the other half's days.
void CoverWindowBySums(
    absl::CivilDay first, absl::CivilDay end, absl::Span<const Grain> grains,
    const std::function<void(int, absl::CivilDay, absl::CivilDay, int)>& rollup) {
  auto add = [&rollup](int sign) {
    return [&rollup, sign](int period_kind, absl::CivilDay from, absl::CivilDay to) {
      rollup(period_kind, from, to, sign);
    };
  };
  if (first >= end || grains.front() != Grain::kYear) {
    CoverWindow(first, end, grains, add(1));
    return;
  }
  const absl::Span<const Grain> finer = grains.subspan(1);
  // Days [from, to) within one calendar year.
  auto part_of_year = [&](absl::CivilDay from, absl::CivilDay to) {
    const absl::CivilDay year{absl::CivilYear(from)};
    const absl::CivilDay next{absl::CivilYear(from) + 1};
    if (30 + RowsToCover(year, from, finer) + RowsToCover(to, next, finer) <
        RowsToCover(from, to, finer)) {
      rollup(static_cast<int>(Grain::kYear), year, next, 1);
      CoverWindow(year, from, finer, add(-1));
      CoverWindow(to, next, finer, add(-1));
    } else {
      CoverWindow(from, to, finer, add(1));
    }
  };
  const absl::CivilDay whole_from = PeriodStartFrom(Grain::kYear, first);
  const absl::CivilDay whole_to = PeriodStartUntil(Grain::kYear, end);
  if (whole_from > whole_to) {  // within one year
    part_of_year(first, end);
    return;
  }
  if (first < whole_from) part_of_year(first, whole_from);
  if (whole_from < whole_to) rollup(static_cast<int>(Grain::kYear), whole_from, whole_to, 1);
  if (whole_to < end) part_of_year(whole_to, end);
}

// A part of a window with more periods than this is read as a range of periods, which walks the
// rows of every region in them: a record dated centuries back would otherwise make a long window
// grouped by day list hundreds of thousands of days, since the years the rollups hold
// (RollupWindow) would then bound it no more.
constexpr int kMaxListedPeriods = 2000;

// The first days of the periods of `grain` in [from, to), as a date[] literal, unless they are
// more than kMaxListedPeriods.
std::optional<std::string> PeriodStarts(Grain grain, absl::CivilDay from, absl::CivilDay to) {
  SqlArray starts;
  int listed = 0;
  for (absl::CivilDay day = from; day < to; day = NextStart(grain, day)) {
    if (++listed > kMaxListedPeriods) return std::nullopt;
    starts.Add(DayText(day));
  }
  return starts.str();
}

// Windows up to this many days list their periods as they are; longer ones are cut to the years
// the rollups hold first (RollupWindow).
constexpr int64_t kMaxListedDays = 4 * 366;

// The window whose periods ActivityRollupRows lists for a query filtered by a dimension: the
// query's, or, when it is longer than kMaxListedDays (an open one would list every year, or
// every day, since year 1), the part of it within the calendar years the rollups hold. Every
// rollup row comes with yearly rows of its province without a dimension for the years of its
// days (the compactor folds a change into all of them at once), so those years hold every day
// the rollups have figures for; read in the query's own snapshot, they are the years of the rows
// it reads. (A week's row may start in the December before them, and its days are read from the
// days' rows instead.)
Window RollupWindow(pqxx::transaction_base& txn, const StatsQuery& query) {
  Window window = WindowOf(query);
  if (!DimFilter(query).has_value() || window.end - window.first <= kMaxListedDays) return window;
  const pqxx::row years = txn.exec1(absl::StrCat(
      "SELECT extract(year FROM min(period))::int, extract(year FROM max(period))::int + 1 "
      "FROM activity_rollups WHERE dim_kind = ",
      kNoDim, " AND period_kind = ", kYearPeriodKind, " AND depth = 1"));
  if (years[0].is_null()) return {window.first, window.first};
  const absl::CivilDay first{absl::CivilYear(years[0].as<int>())};
  const absl::CivilDay end{absl::CivilYear(years[1].as<int>())};
  window.first = std::max(window.first, first);
  window.end = std::max(window.first, std::min(window.end, end));
  return window;
}

// Rows (k0..kN, v, s, e) of an activity query from the rollups kept under `dim` in `window`
// (RollupWindow), and from the changes not yet folded into them. Post kinds come out as post
// ids (GroupRows maps them).
//
// Unfiltered, a part of the window is read in the primary key's order, region by region
// (RollupRowsInScope). Filtered by a dimension's value, through activity_rollups_dim_value,
// which lists a value's rows period by period: each period of the part is one seek to the
// scope's regions, which lie together (a program's figures per county of a province over a
// year: about 30 seeks, where region by region took about 8 per county). The periods are an
// array joined LATERAL, OFFSET 0 keeping it a nested loop: as `period = ANY(array)`, the
// generic plan made the array a filter and read every period of the value.
std::string ActivityRollupRows(const StatsQuery& query, DimKind dim, const MeasureSums& sums,
                               const Window& rollup_window, Params& params) {
  const int depth = DepthOf(query);
  const std::optional<StatsGroup> time_group = TimeGroupOf(query);
  const std::optional<int64_t> dim_filter = DimFilter(query);
  const Window window = WindowOf(query);

  auto rollup_key = [](StatsGroup group) -> std::string {
    if (group == StatsGroup::kRegion) return "region_code";
    if (IsTimeGroup(group)) return PeriodOf(group, "period");
    return "dim_value";
  };
  std::string where = absl::StrCat("dim_kind = ", static_cast<int>(dim), " AND depth = ", depth);
  // One parameter for the rollups and the deltas: a window may take no rollup rows at all.
  const std::string dim_value =
      dim_filter.has_value() ? params.Add(absl::StrCat(*dim_filter), "bigint") : "";
  if (dim_filter.has_value()) absl::StrAppend(&where, " AND dim_value = ", dim_value);
  MeasureSums less = sums;
  for (std::string* sum : {&less.value, &less.second, &less.exists}) *sum = "-(" + *sum + ")";
  std::vector<std::string> parts;
  auto rollup = [&](int period_kind, absl::CivilDay from, absl::CivilDay to, int sign) {
    const std::string part = absl::StrCat(where, " AND period_kind = ", period_kind);
    const std::optional<std::string> starts =
        dim_filter.has_value() ? PeriodStarts(static_cast<Grain>(period_kind), from, to)
                               : std::nullopt;
    auto period_range = [&] {
      return absl::StrCat(" AND period >= ", params.Add(DayText(from), "date"), " AND period < ",
                          params.Add(DayText(to), "date"));
    };
    std::string rows;
    if (starts.has_value()) {
      rows = absl::StrCat("unnest(", params.Add(*starts, "date[]"),
                          ") listed (first_day) CROSS JOIN LATERAL (SELECT * FROM activity_rollups "
                          "WHERE ",
                          part, " AND period = listed.first_day AND ",
                          InScope("region_code", query.scope, params), " OFFSET 0) r");
    } else if (dim_filter.has_value()) {
      rows = absl::StrCat("activity_rollups WHERE ", part, period_range(), " AND ",
                          InScope("region_code", query.scope, params));
    } else {
      rows = RollupRowsInScope("activity_rollups", query.scope, depth, window,
                               part + period_range(), params);
    }
    parts.push_back(KeyedRows(query, rollup_key, sign > 0 ? sums : less, rows));
  };
  CoverWindowBySums(rollup_window.first, rollup_window.end, GrainsFor(time_group, depth), rollup);

  auto delta_key = [depth, dim](StatsGroup group) -> std::string {
    if (group == StatsGroup::kRegion) return RegionKey("region_code", depth);
    if (IsTimeGroup(group)) return PeriodOf(group, "day");
    return DeltaDimColumn(dim);
  };
  std::string delta_where =
      absl::StrCat("activity_deltas WHERE ", InScope("region_code", query.scope, params),
                   " AND day >= ", params.Add(DayText(window.first), "date"), " AND day < ",
                   params.Add(DayText(window.end), "date"));
  if (dim_filter.has_value()) {
    absl::StrAppend(&delta_where, " AND ", DeltaDimColumn(dim), " = ", dim_value);
  }
  parts.push_back(KeyedRows(query, delta_key, sums, delta_where));
  return absl::StrJoin(parts, " UNION ALL ");
}

// Groups rows (k0..kN, v, s, e) into one row per group with something counted; with
// `post_ids`, post-kind keys are post ids, mapped to their posts' host kinds.
std::string GroupRows(const StatsQuery& query, const std::string& rows, bool post_ids) {
  std::vector<std::string> keys;
  std::vector<std::string> columns;
  std::string joins;
  for (size_t i = 0; i < query.group_by.size(); ++i) {
    std::string key = absl::StrCat("x.k", i);
    if (post_ids && query.group_by[i] == StatsGroup::kPostKind) {
      absl::StrAppend(&joins, " LEFT JOIN posts p", i, " ON p", i, ".id = x.k", i);
      key = absl::StrCat("coalesce(p", i, ".host_kind, 0)::bigint");
    }
    columns.push_back(absl::StrCat(key, " AS k", i));
    keys.push_back(key);
  }
  columns.push_back("sum(x.v) AS v");
  columns.push_back("sum(x.s) AS s");
  return absl::StrCat("SELECT ", absl::StrJoin(columns, ", "), " FROM (", rows, ") x", joins,
                      keys.empty() ? "" : " GROUP BY ", absl::StrJoin(keys, ", "),
                      " HAVING sum(x.e) > 0");
}

bool CountsRecords(StatsMeasure measure) {
  return measure != StatsMeasure::kEvents && measure != StatsMeasure::kReportedHeadcount &&
         measure != StatsMeasure::kReportedAudience;
}

// The measure's sums over the raw rows (records r of events e, or events e).
MeasureSums RawSums(StatsMeasure measure) {
  switch (measure) {
    case StatsMeasure::kEvents:
    case StatsMeasure::kPersonTimes:
      return {"count(*)", "0", "count(*)"};
    case StatsMeasure::kReportedHeadcount:
      return {"sum(coalesce(e.headcount, 0))", "count(e.headcount)", "count(e.headcount)"};
    case StatsMeasure::kReportedAudience:
      return {"sum(coalesce(e.audience, 0))", "count(e.audience)", "count(e.audience)"};
    case StatsMeasure::kActiveVolunteers:
      return {"count(DISTINCT r.volunteer_number)", "0", "count(*)"};
    default:  // Minutes.
      return {"sum(r.credited_minutes)", "0", "count(*)"};
  }
}

// The query's program, category and team filters on its events `e`, each as " AND ...".
std::string EventFilters(const StatsQuery& query, Params& params) {
  std::string sql;
  if (query.program_id.has_value()) {
    absl::StrAppend(&sql, " AND e.program_id = ",
                    params.Add(absl::StrCat(*query.program_id), "bigint"));
  }
  if (query.category.has_value()) {
    absl::StrAppend(&sql, " AND e.category = ",
                    params.Add(absl::StrCat(*query.category), "smallint"));
  }
  if (query.team_id.has_value()) {
    absl::StrAppend(&sql, " AND e.organizer_team_id = ",
                    params.Add(absl::StrCat(*query.team_id), "bigint"));
  }
  return sql;
}

// FROM and WHERE of an activity query over the raw rows: credited records and their events,
// or the events that count.
std::string RawActivityFromWhere(const StatsQuery& query, Params& params) {
  const bool records = CountsRecords(query.measure);
  const Window window = WindowOf(query);
  const char* time = records ? "r.check_in" : "e.start_time";
  std::string sql =
      records ? "service_records r JOIN events e ON e.id = r.event_id" : "events e";
  for (StatsGroup group : query.group_by) {
    if (group == StatsGroup::kPostKind) sql += " LEFT JOIN posts p ON p.id = e.post_id";
  }
  absl::StrAppend(&sql, " WHERE ",
                  records ? "r.state = 2" : "e.status <> 4 AND e.delete_time IS NULL", " AND ",
                  InScope("e.region_code", query.scope, params), " AND ", time, " >= (",
                  params.Add(DayText(window.first), "date"),
                  "::timestamp AT TIME ZONE 'Asia/Shanghai') AND ", time, " < (",
                  params.Add(DayText(window.end), "date"),
                  "::timestamp AT TIME ZONE 'Asia/Shanghai')");
  if (query.measure == StatsMeasure::kPersonTimes ||
      query.measure == StatsMeasure::kAttendanceMinutes) {
    sql += " AND r.hour_class = 1";
  }
  if (query.measure == StatsMeasure::kManualMinutes) sql += " AND r.hour_class = 2";
  return sql + EventFilters(query, params);
}

// An activity query grouped over the raw rows: (k0..kN, v, s), one row per group.
std::string RawActivityGroups(const StatsQuery& query, Params& params) {
  const int depth = DepthOf(query);
  const std::string day = CountsRecords(query.measure)
                              ? "(r.check_in AT TIME ZONE 'Asia/Shanghai')::date"
                              : "(e.start_time AT TIME ZONE 'Asia/Shanghai')::date";
  std::vector<std::string> keys;
  for (StatsGroup group : query.group_by) {
    switch (group) {
      case StatsGroup::kRegion:
        keys.push_back(RegionKey("e.region_code", depth));
        break;
      case StatsGroup::kProgram:
        keys.push_back("coalesce(e.program_id, 0)");
        break;
      case StatsGroup::kCategory:
        keys.push_back("e.category::bigint");
        break;
      case StatsGroup::kTeam:
        keys.push_back("e.organizer_team_id");
        break;
      case StatsGroup::kPostKind:
        keys.push_back("coalesce(p.host_kind, 0)::bigint");
        break;
      default:
        keys.push_back(PeriodOf(group, day));
    }
  }
  const MeasureSums sums = RawSums(query.measure);
  std::vector<std::string> columns;
  for (size_t i = 0; i < keys.size(); ++i) columns.push_back(absl::StrCat(keys[i], " AS k", i));
  columns.push_back(absl::StrCat(sums.value, " AS v"));
  columns.push_back(absl::StrCat(sums.second, " AS s"));
  return absl::StrCat("SELECT ", absl::StrJoin(columns, ", "), " FROM ",
                      RawActivityFromWhere(query, params), keys.empty() ? "" : " GROUP BY ",
                      absl::StrJoin(keys, ", "), " HAVING ", sums.exists, " > 0");
}

// A directory query: (k0..kN, v, s), one row per group, from the folded counts and the
// changes not yet folded.
std::string DirectoryGroups(const StatsQuery& query, Params& params) {
  const int depth = DepthOf(query);
  const bool coverage = query.measure == StatsMeasure::kStationCoverage;
  int metric = kTeamsMetric;
  if (query.measure == StatsMeasure::kPosts) metric = kPostsMetric;
  if (query.measure == StatsMeasure::kPracticeUnits) metric = kUnitsMetric;
  if (query.measure == StatsMeasure::kRegisteredVolunteers) metric = kVolunteersMetric;
  const std::string metrics =
      coverage ? absl::StrCat("metric IN (", kStationVillagesMetric, ", ", kVillagesMetric, ")")
               : absl::StrCat("metric = ", metric);
  bool by_sub_kind = false;
  bool by_star = false;
  for (StatsGroup group : query.group_by) {
    by_sub_kind |= group == StatsGroup::kSubKind;
    by_star |= group == StatsGroup::kStarLevel;
  }
  std::string sub_kind = "sub_kind = 0";
  if (query.category.has_value()) {
    sub_kind =
        absl::StrCat("sub_kind = ", params.Add(absl::StrCat(*query.category), "smallint"));
  } else if (by_sub_kind) {
    sub_kind = "sub_kind <> 0";
  }
  const std::string villages = absl::StrCat("CASE WHEN metric = ", kVillagesMetric, " THEN n ELSE 0 END");
  const MeasureSums sums =
      coverage ? MeasureSums{absl::StrCat("CASE WHEN metric = ", kStationVillagesMetric,
                                          " THEN n ELSE 0 END"),
                             villages, villages}
               : MeasureSums{"n", "0", "n"};
  // Registered volunteers by star level count at level 0 here; those with stars move below.
  const std::string other_key = by_star ? "0::bigint" : "sub_kind::bigint";
  auto counts_key = [&other_key](StatsGroup group) -> std::string {
    return group == StatsGroup::kRegion ? "region_code" : other_key;
  };
  auto delta_key = [depth, &other_key](StatsGroup group) -> std::string {
    return group == StatsGroup::kRegion ? RegionKey("region_code", depth) : other_key;
  };
  const std::string scope = InScope("region_code", query.scope, params);
  const std::string pending =
      coverage ? absl::StrCat("(SELECT metric, region_code, sub_kind, n FROM directory_deltas "
                              "UNION ALL ",
                              StationTransitionsSql("directory_deltas"), ") d")
               : "directory_deltas";
  std::string rows = absl::StrCat(
      KeyedRows(query, counts_key, sums,
                absl::StrCat("directory_counts WHERE ", metrics, " AND depth = ", depth, " AND ",
                             scope, " AND ", sub_kind)),
      " UNION ALL ",
      KeyedRows(query, delta_key, sums,
                absl::StrCat(pending, " WHERE ", metrics, " AND ", scope, " AND ", sub_kind)));
  if (by_star) {
    // Volunteers with stars (region_code, star, n): the folded counts, the moves not yet folded
    // into them, and the moves of the volunteers with changes the compactor has not looked at.
    // Each counts at its level and is taken from level 0.
    // Those volunteers, as far as they live in the scope now or did when last looked at.
    std::string changed =
        "(SELECT volunteer_number FROM activity_deltas WHERE volunteer_number <> '' "
        "UNION SELECT volunteer_number FROM volunteer_changes)";
    if (!query.scope.empty()) {
      changed = absl::StrCat(
          "(SELECT c.volunteer_number FROM ", changed,
          " c WHERE EXISTS (SELECT 1 FROM volunteers v WHERE v.volunteer_number = "
          "c.volunteer_number AND ",
          InScope("v.residence_region_code", query.scope, params),
          ") OR EXISTS (SELECT 1 FROM volunteer_stars s WHERE s.volunteer_number = "
          "c.volunteer_number AND ",
          InScope("s.region_code", query.scope, params), "))");
    }
    const std::string starred = absl::StrCat(
        "SELECT region_code, sub_kind AS star, n FROM directory_counts WHERE metric = ",
        kStarredVolunteersMetric, " AND depth = ", depth, " AND ", scope,
        " UNION ALL SELECT ", RegionKey("region_code", depth),
        ", sub_kind, n FROM directory_deltas WHERE metric = ", kStarredVolunteersMetric, " AND ",
        scope, " UNION ALL SELECT ", RegionKey("region_code", depth), ", star, n FROM (",
        StarMovesSql(absl::StrCat("(", StarsNowSql(changed), ")"), changed), ") m WHERE ",
        scope);
    auto star_key = [](StatsGroup group) -> std::string {
      return group == StatsGroup::kRegion ? "st.region_code" : "k.star";
    };
    absl::StrAppend(&rows, " UNION ALL ",
                    KeyedRows(query, star_key, {"k.n", "0", "k.n"},
                              absl::StrCat("(", starred,
                                           ") st CROSS JOIN LATERAL (VALUES (st.star::bigint, "
                                           "st.n::bigint), (0, -st.n::bigint)) AS k(star, n)")));
  }
  return GroupRows(query, rows, /*post_ids=*/false);
}

// The whole statement: the groups with their keys as text, the names of regions, programs and
// teams (and regions' populations), sorted and cut.
std::string Presented(const StatsQuery& query, const std::string& grouped, Params& params) {
  std::vector<std::string> columns;
  std::vector<std::string> order;
  std::string joins;
  for (size_t i = 0; i < query.group_by.size(); ++i) {
    const StatsGroup group = query.group_by[i];
    const std::string key = absl::StrCat("g.k", i);
    const std::string table = group == StatsGroup::kRegion    ? "regions"
                              : group == StatsGroup::kProgram ? "programs"
                              : group == StatsGroup::kTeam    ? "teams"
                                                              : "";
    std::string text = IsTimeGroup(group) ? absl::StrCat("to_char(", key, ", 'YYYY-MM-DD')")
                                          : absl::StrCat(key, "::text");
    std::string name = "''";
    if (!table.empty()) {
      absl::StrAppend(&joins, " LEFT JOIN ", table, " n", i, " ON n", i,
                      group == StatsGroup::kRegion ? ".code = " : ".id = ", key);
      name = absl::StrCat("coalesce(n", i, ".display_name, '')");
    }
    columns.push_back(absl::StrCat(text, ", ", name, ", ",
                                   group == StatsGroup::kRegion
                                       ? absl::StrCat("n", i, ".population")
                                       : std::string("NULL::bigint")));
    order.push_back(key);
  }
  columns.push_back("g.v::bigint");
  columns.push_back("g.s::bigint");
  if (query.sort == StatsSort::kValueDescending) order.insert(order.begin(), "g.v DESC");
  if (query.sort == StatsSort::kValueAscending) order.insert(order.begin(), "g.v");
  const std::string order_by =
      order.empty() ? "" : absl::StrCat(" ORDER BY ", absl::StrJoin(order, ", "));
  // A top N is cut before the names are looked up (a county's teams are thousands).
  const std::string groups =
      query.limit > 0
          ? absl::StrCat("SELECT * FROM (", grouped, ") g", order_by, " LIMIT ",
                         params.Add(absl::StrCat(query.limit), "bigint"))
          : grouped;
  return absl::StrCat("SELECT ", absl::StrJoin(columns, ", "), " FROM (", groups, ") g", joins,
                      order_by);
}

// How a statement is run: the rollups' statements prepared, once per connection and text, so
// that PostgreSQL plans each shape once (planning is most of a rollup query's time: the
// statements join many small parts); the raw rows' planned for their parameters, which decide
// how many rows they read.
enum class Planning { kPrepared, kEachTime };

pqxx::result Exec(pqxx::transaction_base& txn, const std::string& sql, const Params& params,
                  Planning planning) {
  if (planning == Planning::kPrepared) {
    return ExecPrepared(txn, sql, pqxx::prepare::make_dynamic_params(params.values()));
  }
  return txn.exec_params(sql, pqxx::prepare::make_dynamic_params(params.values()));
}

StatsResult ToResult(const StatsQuery& query, const pqxx::result& rows, StatsSourceKind source) {
  StatsResult result;
  result.source = source;
  const int keys = static_cast<int>(query.group_by.size());
  for (const pqxx::row& row : rows) {
    StatsRowValue value;
    for (int i = 0; i < keys; ++i) {
      StatsKeyValue key;
      key.value = row[3 * i].as<std::string>();
      key.display_name = row[3 * i + 1].as<std::string>();
      if (!row[3 * i + 2].is_null()) key.population = row[3 * i + 2].as<int64_t>();
      value.keys.push_back(std::move(key));
    }
    value.value = row[3 * keys].as<int64_t>(0);
    value.second = row[3 * keys + 1].as<int64_t>(0);
    result.rows.push_back(std::move(value));
  }
  return result;
}

// A calendar period whose distinct volunteers active_counts keeps.
struct PeoplePeriod {
  int kind;  // active_counts.period_kind.
  const char* unit;
  const char* span;
  StatsGroup group;
};
constexpr PeoplePeriod kPeoplePeriods[] = {{3, "month", "1 month", StatsGroup::kMonth},
                                           {4, "quarter", "3 months", StatsGroup::kQuarter},
                                           {5, "year", "1 year", StatsGroup::kYear}};

bool StartsPeriod(absl::CivilDay day, const PeoplePeriod& period) {
  if (day.day() != 1) return false;
  if (period.kind == 4) return (day.month() - 1) % 3 == 0;
  if (period.kind == 5) return day.month() == 1;
  return true;
}

absl::CivilDay NextPeriod(absl::CivilDay day, const PeoplePeriod& period) {
  if (period.kind == 5) return absl::CivilDay(absl::CivilYear(day) + 1);
  return absl::CivilDay(absl::CivilMonth(day) + (period.kind == 4 ? 3 : 1));
}

// The period whose kept counts answer an ACTIVE_VOLUNTEERS query, if any: one grouped by month,
// quarter or year over whole periods, or ungrouped over exactly one, by nothing but region and
// program. Distinct counts do not add up, so other windows are counted from the records.
std::optional<PeoplePeriod> PeoplePeriodOf(const StatsQuery& query, std::optional<DimKind> dim) {
  if (!dim.has_value() || (*dim != kNoDim && *dim != kProgramDim)) return std::nullopt;
  const Window window = WindowOf(query);
  const std::optional<StatsGroup> time_group = TimeGroupOf(query);
  for (const PeoplePeriod& period : kPeoplePeriods) {
    if (!StartsPeriod(window.first, period)) continue;
    if (time_group.has_value() ? *time_group == period.group && StartsPeriod(window.end, period)
                               : window.end == NextPeriod(window.first, period)) {
      return period;
    }
  }
  return std::nullopt;
}

// Rows (k0..kN, v, s, e) of distinct volunteers from active_counts, and what the changes not yet
// folded into them move.
std::string PeopleRows(const StatsQuery& query, DimKind dim, const PeoplePeriod& period,
                       Params& params) {
  const int depth = DepthOf(query);
  const Window window = WindowOf(query);
  const std::optional<int64_t> dim_filter = DimFilter(query);
  auto key = [](StatsGroup group) -> std::string {
    if (group == StatsGroup::kRegion) return "region_code";
    if (IsTimeGroup(group)) return "period";
    return "dim_value";
  };
  const std::string first = params.Add(DayText(window.first), "date");
  const std::string end = params.Add(DayText(window.end), "date");
  std::string counts_where = absl::StrCat("dim_kind = ", static_cast<int>(dim),
                                          " AND period_kind = ", period.kind, " AND depth = ",
                                          depth, " AND period >= ", first, " AND period < ", end);
  std::string pending = absl::StrCat(
      "activity_deltas WHERE volunteer_number <> '' AND ",
      InScope("region_code", query.scope, params), " AND day >= ", first, " AND day < ", end);
  if (dim_filter.has_value()) {
    const std::string value = params.Add(absl::StrCat(*dim_filter), "bigint");
    absl::StrAppend(&counts_where, " AND dim_value = ", value);
    absl::StrAppend(&pending, " AND program_id = ", value);
  }
  const std::string counts =
      RollupRowsInScope("active_counts", query.scope, depth, window, counts_where, params);
  const std::string nets = absl::StrCat(
      "(SELECT volunteer_number, ", depth, " AS depth, ", RegionKey("region_code", depth),
      " AS region_code, '", period.unit, "'::text AS unit, '", period.span,
      "'::text AS span, date_trunc('", period.unit, "', day)::date AS period, ",
      static_cast<int>(dim), " AS dim_kind, ", DeltaDimColumn(dim),
      " AS dim_value, sum(attendance_records + manual_records) AS net FROM ", pending,
      " GROUP BY 1, 3, 6, 8 HAVING sum(attendance_records + manual_records) <> 0)");
  return absl::StrCat(
      KeyedRows(query, key, {"people", "0", "people"}, counts), " UNION ALL ",
      KeyedRows(query, key, {"moved", "0", "moved"},
                absl::StrCat("(", PeopleMovedSql(nets), ") moves")));
}

// What a budget's count stops at: one past it, enough to tell that it is exceeded (a budget of
// the largest int64 is no budget).
int64_t OnePast(int64_t limit) {
  return limit < std::numeric_limits<int64_t>::max() ? limit + 1 : limit;
}

// How many credited records ACTIVE_VOLUNTEERS would read: from the rollups when they keep the
// query's dimension, else from the records, counting no further than `limit` + 1.
int64_t RecordsToCount(pqxx::transaction_base& txn, const StatsQuery& query,
                       std::optional<DimKind> dim, int64_t limit) {
  StatsQuery total = query;
  total.group_by.clear();
  Params params;
  std::string sql;
  if (dim.has_value()) {
    MeasureSums sums = ActivitySums(StatsMeasure::kServiceMinutes);
    sums.value = sums.exists;
    sql = absl::StrCat("SELECT coalesce(sum(v), 0)::bigint FROM (",
                       ActivityRollupRows(total, *dim, sums, RollupWindow(txn, total), params),
                       ") x");
  } else {
    sql = absl::StrCat("SELECT count(*) FROM (SELECT 1 FROM ",
                       RawActivityFromWhere(total, params), " LIMIT ", OnePast(limit), ") x");
  }
  return Exec(txn, sql, params, dim.has_value() ? Planning::kPrepared : Planning::kEachTime)[0][0]
      .as<int64_t>();
}

// How many events of the scope, matching the query's filters, counting distinct volunteers from
// the records looks up the records of (whatever the window: a record's check-in is not bound to
// its event's times), counting no further than `limit` + 1.
int64_t EventsToVisit(pqxx::transaction_base& txn, const StatsQuery& query, int64_t limit) {
  Params params;
  const std::string sql =
      absl::StrCat("SELECT count(*) FROM (SELECT 1 FROM events e WHERE ",
                   InScope("e.region_code", query.scope, params), EventFilters(query, params),
                   " LIMIT ", OnePast(limit), ") x");
  return Exec(txn, sql, params, Planning::kEachTime)[0][0].as<int64_t>();
}

}  // namespace

StatsResult PostgresStatsStore::QueryIn(pqxx::transaction_base& txn,
                                        const StatsQuery& query) const {
  Params params;
  if (IsDirectoryMeasure(query.measure)) {
    const std::string sql = Presented(query, DirectoryGroups(query, params), params);
    return ToResult(query, Exec(txn, sql, params, Planning::kPrepared), StatsSourceKind::kRollups);
  }
  const std::optional<DimKind> dim = RollupDim(query);
  if (query.measure == StatsMeasure::kActiveVolunteers) {
    if (const std::optional<PeoplePeriod> period = PeoplePeriodOf(query, dim)) {
      const std::string sql = Presented(
          query, GroupRows(query, PeopleRows(query, *dim, *period, params), /*post_ids=*/false),
          params);
      return ToResult(query, Exec(txn, sql, params, Planning::kPrepared),
                      StatsSourceKind::kRollups);
    }
    StatsResult unavailable;
    unavailable.source = StatsSourceKind::kRawRows;
    const int64_t events = options_.max_distinct_events;
    if (EventsToVisit(txn, query, events) > events) {
      unavailable.unavailable = absl::StrCat(
          "the scope holds more than ", events,
          " events, too many to look up the records of and count distinct volunteers exactly in "
          "time; ask for whole calendar months, quarters or years, or a smaller region");
      return unavailable;
    }
    const int64_t records = options_.max_distinct_records;
    if (RecordsToCount(txn, query, dim, records) > records) {
      unavailable.unavailable = absl::StrCat(
          "the scope and window hold more than ", records,
          " credited records, too many to count distinct volunteers exactly in time; ask for a "
          "smaller region or a shorter window");
      return unavailable;
    }
  } else if (dim.has_value()) {
    const std::string rows = ActivityRollupRows(query, *dim, ActivitySums(query.measure),
                                                RollupWindow(txn, query), params);
    const std::string sql = Presented(query, GroupRows(query, rows, /*post_ids=*/true), params);
    return ToResult(query, Exec(txn, sql, params, Planning::kPrepared), StatsSourceKind::kRollups);
  }
  // A scan of raw rows may take seconds: it alone gets kScanReads, for its own statement.
  txn.exec0(kScanReads);
  const std::string sql = Presented(query, RawActivityGroups(query, params), params);
  StatsResult result =
      ToResult(query, Exec(txn, sql, params, Planning::kEachTime), StatsSourceKind::kRawRows);
  txn.exec0(kQuickReads);
  return result;
}

absl::StatusOr<StatsResult> PostgresStatsStore::Query(const StatsQuery& query,
                                                      absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(std::vector<StatsResult> results, QueryAll({query}, deadline));
  return std::move(results.front());
}

absl::StatusOr<std::vector<StatsResult>> PostgresStatsStore::QueryAll(
    const std::vector<StatsQuery>& queries, absl::Time deadline) {
  std::vector<StatsResult> results;
  auto read = [&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec0(absl::StrCat("SET LOCAL jit = off; ", kQuickReads));
    results.clear();
    for (const StatsQuery& query : queries) results.push_back(QueryIn(txn, query));
    return absl::OkStatus();
  };
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading figures", Access::kReadOnly, read));
  return results;
}

absl::StatusOr<int64_t> PostgresStatsStore::Compact(int64_t max_deltas, absl::Time deadline) {
  int64_t folded = 0;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "folding figures", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        // The fold's statements are planned each time and run in a fraction of a second:
        // compiling them (JIT) took longer than some ran.
        txn.exec0("SET LOCAL jit = off");
        if (!txn.exec_params1("SELECT pg_try_advisory_xact_lock($1)", kCompactLockKey)[0]
                 .as<bool>()) {
          return absl::OkStatus();
        }
        const pqxx::result activity = txn.exec_params(CompactActivitySql(), max_deltas);
        folded = activity[0][0].as<int64_t>();
        ZY_RETURN_IF_ERROR(FoldActiveCounts(txn, activity));
        folded += txn.exec_params1(CompactDirectorySql(), max_deltas)[0].as<int64_t>();
        return absl::OkStatus();
      }));
  return folded;
}

}  // namespace zhiyuan::storage
