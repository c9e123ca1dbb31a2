#include "services/stats_service.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/grpc_status.h"
#include "services/handler.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"
#include "zhiyuan/v1/post.pb.h"
#include "zhiyuan/v1/practice_unit.pb.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;
using storage::StatsGroup;
using storage::StatsMeasure;

constexpr int kMaxLimit = 100000;
constexpr char kWholeCountry[] = "regions/-";

bool IsActivity(v1::StatsMetric metric) {
  switch (metric) {
    case v1::STATS_METRIC_ACTIVE_VOLUNTEERS:
    case v1::STATS_METRIC_EVENTS:
    case v1::STATS_METRIC_PERSON_TIMES:
    case v1::STATS_METRIC_SERVICE_MINUTES:
    case v1::STATS_METRIC_REPORTED_HEADCOUNT:
    case v1::STATS_METRIC_REPORTED_AUDIENCE:
      return true;
    default:
      return false;
  }
}

bool IsRatio(v1::StatsMetric metric) {
  return metric == v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS ||
         metric == v1::STATS_METRIC_STATION_COVERAGE;
}

absl::StatusOr<StatsMeasure> MeasureOf(const v1::QueryStatsRequest& request) {
  if (request.hour_class() != v1::HOUR_CLASS_UNSPECIFIED &&
      request.metric() != v1::STATS_METRIC_SERVICE_MINUTES) {
    return InvalidField("hour_class", "applies to SERVICE_MINUTES only");
  }
  switch (request.metric()) {
    case v1::STATS_METRIC_TEAMS:
      return StatsMeasure::kTeams;
    case v1::STATS_METRIC_POSTS:
      return StatsMeasure::kPosts;
    case v1::STATS_METRIC_PRACTICE_UNITS:
      return StatsMeasure::kPracticeUnits;
    case v1::STATS_METRIC_REGISTERED_VOLUNTEERS:
    case v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS:
      return StatsMeasure::kRegisteredVolunteers;
    case v1::STATS_METRIC_STATION_COVERAGE:
      return StatsMeasure::kStationCoverage;
    case v1::STATS_METRIC_ACTIVE_VOLUNTEERS:
      return StatsMeasure::kActiveVolunteers;
    case v1::STATS_METRIC_EVENTS:
      return StatsMeasure::kEvents;
    case v1::STATS_METRIC_PERSON_TIMES:
      return StatsMeasure::kPersonTimes;
    case v1::STATS_METRIC_SERVICE_MINUTES:
      switch (request.hour_class()) {
        case v1::HOUR_CLASS_UNSPECIFIED:
          return StatsMeasure::kServiceMinutes;
        case v1::HOUR_CLASS_ATTENDANCE:
          return StatsMeasure::kAttendanceMinutes;
        case v1::HOUR_CLASS_MANUAL:
          return StatsMeasure::kManualMinutes;
        default:
          return InvalidField("hour_class", "is not an HourClass");
      }
    case v1::STATS_METRIC_REPORTED_HEADCOUNT:
      return StatsMeasure::kReportedHeadcount;
    case v1::STATS_METRIC_REPORTED_AUDIENCE:
      return StatsMeasure::kReportedAudience;
    default:
      return InvalidField("metric", "is required: a StatsMetric");
  }
}

// What `dimension` groups `metric` by. Errors: INVALID_ARGUMENT naming the dimension and the
// metric when the metric has no such dimension.
absl::StatusOr<StatsGroup> GroupOf(v1::StatsMetric metric, v1::StatsDimension dimension) {
  const bool activity = IsActivity(metric);
  switch (dimension) {
    case v1::STATS_DIMENSION_REGION:
      return StatsGroup::kRegion;
    case v1::STATS_DIMENSION_PROGRAM:
      if (activity) return StatsGroup::kProgram;
      break;
    case v1::STATS_DIMENSION_CATEGORY:
      if (activity) return StatsGroup::kCategory;
      if (metric == v1::STATS_METRIC_TEAMS) return StatsGroup::kSubKind;
      break;
    case v1::STATS_DIMENSION_TEAM:
      if (activity) return StatsGroup::kTeam;
      break;
    case v1::STATS_DIMENSION_POST_KIND:
      if (activity) return StatsGroup::kPostKind;
      if (metric == v1::STATS_METRIC_POSTS) return StatsGroup::kSubKind;
      break;
    case v1::STATS_DIMENSION_PRACTICE_UNIT_KIND:
      if (metric == v1::STATS_METRIC_PRACTICE_UNITS) return StatsGroup::kSubKind;
      break;
    case v1::STATS_DIMENSION_DAY:
      if (activity) return StatsGroup::kDay;
      break;
    case v1::STATS_DIMENSION_WEEK:
      if (activity) return StatsGroup::kWeek;
      break;
    case v1::STATS_DIMENSION_MONTH:
      if (activity) return StatsGroup::kMonth;
      break;
    case v1::STATS_DIMENSION_QUARTER:
      if (activity) return StatsGroup::kQuarter;
      break;
    case v1::STATS_DIMENSION_YEAR:
      if (activity) return StatsGroup::kYear;
      break;
    case v1::STATS_DIMENSION_STAR_LEVEL:
      if (metric == v1::STATS_METRIC_REGISTERED_VOLUNTEERS) return StatsGroup::kStarLevel;
      break;
    default:
      return InvalidField("group_by", "holds something that is not a StatsDimension");
  }
  return InvalidField("group_by", absl::StrCat(v1::StatsMetric_Name(metric), " has no ",
                                               v1::StatsDimension_Name(dimension), " dimension"));
}

bool IsTime(StatsGroup group) {
  return group == StatsGroup::kDay || group == StatsGroup::kWeek || group == StatsGroup::kMonth ||
         group == StatsGroup::kQuarter || group == StatsGroup::kYear;
}

// The query a request asks, all but its scope. Errors: INVALID_ARGUMENT naming the field.
absl::StatusOr<storage::StatsQuery> ToQuery(const v1::QueryStatsRequest& request) {
  storage::StatsQuery query;
  ZY_ASSIGN_OR_RETURN(query.measure, MeasureOf(request));
  const bool activity = IsActivity(request.metric());
  absl::flat_hash_set<int> seen;
  bool timed = false;
  for (int dimension : request.group_by()) {
    if (!seen.insert(dimension).second) {
      return InvalidField("group_by", absl::StrCat("names ",
                                                   v1::StatsDimension_Name(
                                                       static_cast<v1::StatsDimension>(dimension)),
                                                   " twice"));
    }
    ZY_ASSIGN_OR_RETURN(const StatsGroup group,
                        GroupOf(request.metric(), static_cast<v1::StatsDimension>(dimension)));
    if (IsTime(group)) {
      if (timed) return InvalidField("group_by", "may hold one time bucket at most");
      timed = true;
    }
    query.group_by.push_back(group);
  }
  const bool by_region = seen.contains(v1::STATS_DIMENSION_REGION);
  if (by_region) {
    if (request.region_level() < v1::REGION_LEVEL_PROVINCE ||
        request.region_level() > v1::REGION_LEVEL_VILLAGE) {
      return InvalidField("region_level", "is required with group_by REGION: a RegionLevel");
    }
    query.region_level = request.region_level();
  } else if (request.region_level() != v1::REGION_LEVEL_UNSPECIFIED) {
    return InvalidField("region_level", "applies only with group_by REGION");
  }
  if (!activity && (!request.start_date().empty() || !request.end_date().empty())) {
    return InvalidField(request.start_date().empty() ? "end_date" : "start_date",
                        absl::StrCat(v1::StatsMetric_Name(request.metric()),
                                     " counts the directory as it stands: it has no window"));
  }
  if (!request.start_date().empty()) {
    ZY_ASSIGN_OR_RETURN(query.first_day, ParseDate("start_date", request.start_date()));
  }
  if (!request.end_date().empty()) {
    ZY_ASSIGN_OR_RETURN(query.last_day, ParseDate("end_date", request.end_date()));
  }
  if (query.first_day.has_value() && query.last_day.has_value() &&
      *query.last_day < *query.first_day) {
    return InvalidField("end_date", "must not be before start_date");
  }
  if (!request.program().empty()) {
    if (!activity) return InvalidField("program", "applies to activity metrics only");
    ZY_ASSIGN_OR_RETURN(query.program_id, ParseIdName("program", "programs", request.program()));
  }
  if (!request.team().empty()) {
    if (!activity) return InvalidField("team", "applies to activity metrics only");
    ZY_ASSIGN_OR_RETURN(query.team_id, ParseIdName("team", "teams", request.team()));
  }
  if (request.category() != v1::SERVICE_CATEGORY_UNSPECIFIED) {
    if (!v1::ServiceCategory_IsValid(request.category())) {
      return InvalidField("category", "is not a ServiceCategory");
    }
    if (!activity && request.metric() != v1::STATS_METRIC_TEAMS) {
      return InvalidField("category", "applies to activity metrics and TEAMS only");
    }
    query.category = request.category();
  }
  switch (request.order_by()) {
    case v1::STATS_ORDER_UNSPECIFIED:
      break;
    case v1::STATS_ORDER_VALUE_DESCENDING:
      query.sort = storage::StatsSort::kValueDescending;
      break;
    case v1::STATS_ORDER_VALUE_ASCENDING:
      query.sort = storage::StatsSort::kValueAscending;
      break;
    default:
      return InvalidField("order_by", "is not a StatsOrder");
  }
  if (request.limit() < 0 || request.limit() > kMaxLimit) {
    return InvalidField("limit", absl::StrCat("must be 0 (all) to ", kMaxLimit));
  }
  query.limit = request.limit();
  return query;
}

// A store key as the API gives it.
v1::StatsKey ToKey(v1::StatsDimension dimension, const storage::StatsKeyValue& key) {
  v1::StatsKey proto;
  proto.set_dimension(dimension);
  proto.set_display_name(key.display_name);
  int64_t number = 0;
  const bool numeric = absl::SimpleAtoi(key.value, &number);
  switch (dimension) {
    case v1::STATS_DIMENSION_REGION:
      proto.set_value(RegionName(key.value));
      break;
    case v1::STATS_DIMENSION_PROGRAM:
      if (numeric && number != 0) proto.set_value(IdName("programs", number));
      break;
    case v1::STATS_DIMENSION_TEAM:
      proto.set_value(IdName("teams", number));
      break;
    case v1::STATS_DIMENSION_CATEGORY:
      proto.set_value(v1::ServiceCategory_Name(static_cast<v1::ServiceCategory>(number)));
      break;
    case v1::STATS_DIMENSION_POST_KIND:
      if (numeric && number != 0) {
        proto.set_value(v1::PostHostKind_Name(static_cast<v1::PostHostKind>(number)));
      }
      break;
    case v1::STATS_DIMENSION_PRACTICE_UNIT_KIND:
      proto.set_value(v1::PracticeUnitKind_Name(static_cast<v1::PracticeUnitKind>(number)));
      break;
    default:
      proto.set_value(key.value);
  }
  return proto;
}

double Ratio(int64_t numerator, int64_t denominator, double scale) {
  return denominator == 0 ? 0 : scale * static_cast<double>(numerator) / denominator;
}

// The level of a region code (1 to 5), or 0 for the whole country.
int LevelOf(absl::string_view code) {
  static constexpr size_t kLengths[] = {0, 2, 4, 6, 9, 12};
  for (int level = 0; level <= 5; ++level) {
    if (code.size() == kLengths[level]) return level;
  }
  return 0;
}

}  // namespace

absl::StatusOr<StatsServiceImpl::ScopeRegion> StatsServiceImpl::Scope(
    const Principal& caller, absl::string_view field, const std::string& requested,
    absl::Time deadline) {
  ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
      caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER}, "read figures"));
  ScopeRegion scope;
  ZY_ASSIGN_OR_RETURN(scope.code, Authorizer::NarrowRegion(caller, field, requested));
  if (!scope.code.empty()) {
    absl::StatusOr<storage::Region> region = stores_.regions.Get(scope.code, deadline);
    if (absl::IsNotFound(region.status())) {
      return absl::NotFoundError(
          absl::StrCat(field, ": ", RegionName(scope.code), " does not exist"));
    }
    ZY_RETURN_IF_ERROR(region.status());
    scope.region = *std::move(region);
  }
  return scope;
}

grpc::Status StatsServiceImpl::QueryStats(grpc::ServerContext* context,
                                          const v1::QueryStatsRequest* request,
                                          v1::QueryStatsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(storage::StatsQuery query, ToQuery(*request));
    std::string requested;
    if (!request->region().empty()) {
      ZY_ASSIGN_OR_RETURN(requested, ParseRegionName("region", request->region()));
    }
    ZY_ASSIGN_OR_RETURN(const ScopeRegion scope, Scope(caller, "region", requested, deadline));
    query.scope = scope.code;
    if (query.region_level != 0 && query.region_level < LevelOf(query.scope)) {
      return InvalidField("region_level", absl::StrCat("must be at or below the level of ",
                                                       RegionName(query.scope)));
    }
    if (query.program_id.has_value()) {
      const absl::Status found = stores_.programs.Get(*query.program_id, deadline).status();
      if (absl::IsNotFound(found)) {
        return absl::NotFoundError(absl::StrCat("program: ", request->program(), " does not exist"));
      }
      ZY_RETURN_IF_ERROR(found);
    }
    if (query.team_id.has_value()) {
      const absl::Status found =
          authorizer_.stores().teams.Get(*query.team_id, deadline).status();
      if (absl::IsNotFound(found)) {
        return absl::NotFoundError(absl::StrCat("team: ", request->team(), " does not exist"));
      }
      ZY_RETURN_IF_ERROR(found);
    }
    const bool ratio = IsRatio(request->metric());
    const bool per_100 = request->metric() == v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS;
    // Ratios are sorted and cut here, by the ratio.
    const storage::StatsSort sort = query.sort;
    const int64_t limit = query.limit;
    if (ratio) {
      query.sort = storage::StatsSort::kKeys;
      query.limit = 0;
    }
    ZY_ASSIGN_OR_RETURN(storage::StatsResult result, stores_.stats.Query(query, deadline));
    response->set_source(result.source == storage::StatsSourceKind::kRollups
                             ? v1::STATS_SOURCE_ROLLUPS
                             : v1::STATS_SOURCE_RAW_ROWS);
    if (!result.unavailable.empty()) {
      response->set_unavailable(result.unavailable);
      return absl::OkStatus();
    }
    if (result.rows.empty() && query.group_by.empty()) result.rows.emplace_back();
    // Without group_by, per-100 figures are the scope region's.
    std::optional<int64_t> scope_population;
    if (per_100 && query.group_by.empty() && scope.region.has_value() &&
        scope.region->population_year != 0) {
      scope_population = scope.region->population;
    }
    for (const storage::StatsRowValue& row : result.rows) {
      v1::StatsRow proto;
      std::optional<int64_t> population = scope_population;
      for (size_t i = 0; i < row.keys.size(); ++i) {
        const auto dimension = static_cast<v1::StatsDimension>(request->group_by(i));
        *proto.add_keys() = ToKey(dimension, row.keys[i]);
        if (dimension == v1::STATS_DIMENSION_REGION) population = row.keys[i].population;
      }
      proto.set_value(row.value);
      if (per_100) {
        if (!population.has_value()) continue;
        proto.set_denominator(*population);
        proto.set_ratio(Ratio(row.value, *population, 100));
      } else if (ratio) {
        proto.set_denominator(row.second);
        proto.set_ratio(Ratio(row.value, row.second, 1));
      } else if (query.measure == StatsMeasure::kReportedHeadcount ||
                 query.measure == StatsMeasure::kReportedAudience) {
        proto.set_reporting_events(row.second);
      }
      *response->add_rows() = std::move(proto);
    }
    if (ratio && sort != storage::StatsSort::kKeys) {
      auto* rows = response->mutable_rows();
      std::stable_sort(rows->begin(), rows->end(),
                       [sort](const v1::StatsRow& a, const v1::StatsRow& b) {
                         return sort == storage::StatsSort::kValueDescending
                                    ? a.ratio() > b.ratio()
                                    : a.ratio() < b.ratio();
                       });
    }
    if (ratio && limit > 0 && response->rows_size() > limit) {
      response->mutable_rows()->DeleteSubrange(static_cast<int>(limit),
                                               response->rows_size() - static_cast<int>(limit));
    }
    return absl::OkStatus();
  });
}

grpc::Status StatsServiceImpl::GetRegionSummary(grpc::ServerContext* context,
                                                const v1::GetRegionSummaryRequest* request,
                                                v1::RegionSummary* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    const absl::Time deadline = Deadline(*context);
    std::string requested;
    if (request->region() != kWholeCountry) {
      ZY_ASSIGN_OR_RETURN(requested, ParseRegionName("region", request->region()));
    }
    ZY_ASSIGN_OR_RETURN(const ScopeRegion scope, Scope(caller, "region", requested, deadline));
    storage::StatsQuery base;
    base.scope = scope.code;
    const absl::CivilDay today = absl::ToCivilDay(now_(), absl::FixedTimeZone(8 * 3600));
    if (request->start_date().empty() && request->end_date().empty()) {
      base.first_day = absl::CivilDay(absl::CivilYear(today));
      base.last_day = absl::CivilDay(absl::CivilYear(today) + 1) - 1;
    } else {
      if (!request->start_date().empty()) {
        ZY_ASSIGN_OR_RETURN(base.first_day, ParseDate("start_date", request->start_date()));
      }
      if (!request->end_date().empty()) {
        ZY_ASSIGN_OR_RETURN(base.last_day, ParseDate("end_date", request->end_date()));
      }
      if (base.first_day.has_value() && base.last_day.has_value() &&
          *base.last_day < *base.first_day) {
        return InvalidField("end_date", "must not be before start_date");
      }
    }
    response->set_region(scope.code.empty() ? kWholeCountry : RegionName(scope.code));
    if (!scope.region.has_value()) {
      response->set_display_name("全国");
    } else {
      response->set_display_name(scope.region->display_name);
      response->set_population(scope.region->population);
    }
    if (base.first_day.has_value()) response->set_start_date(absl::FormatCivilTime(*base.first_day));
    if (base.last_day.has_value()) response->set_end_date(absl::FormatCivilTime(*base.last_day));

    // Every figure of the whole scope, from one snapshot: the directory's as it stands, the
    // activity's in the window.
    enum Figure { kTeams, kPosts, kUnits, kStars, kCoverage, kEvents, kPersonTimes, kAttendance,
                  kManual, kActive, kHeadcount, kAudience, kFigures };
    const StatsMeasure measures[kFigures] = {
        StatsMeasure::kTeams,           StatsMeasure::kPosts,
        StatsMeasure::kPracticeUnits,   StatsMeasure::kRegisteredVolunteers,
        StatsMeasure::kStationCoverage, StatsMeasure::kEvents,
        StatsMeasure::kPersonTimes,     StatsMeasure::kAttendanceMinutes,
        StatsMeasure::kManualMinutes,   StatsMeasure::kActiveVolunteers,
        StatsMeasure::kReportedHeadcount, StatsMeasure::kReportedAudience};
    std::vector<storage::StatsQuery> queries(kFigures, base);
    for (int figure = 0; figure < kFigures; ++figure) {
      storage::StatsQuery& query = queries[figure];
      query.measure = measures[figure];
      if (storage::IsDirectoryMeasure(query.measure)) {
        query.first_day.reset();
        query.last_day.reset();
      }
    }
    queries[kUnits].group_by = {StatsGroup::kSubKind};
    queries[kStars].group_by = {StatsGroup::kStarLevel};
    ZY_ASSIGN_OR_RETURN(const std::vector<storage::StatsResult> results,
                        stores_.stats.QueryAll(queries, deadline));
    // An ungrouped figure's (value, second).
    auto total = [&results](Figure figure) {
      const std::vector<storage::StatsRowValue>& rows = results[figure].rows;
      return rows.empty() ? storage::StatsRowValue() : rows.front();
    };
    // A grouped figure's values by their (numeric) key, keys 0 to `size` - 1.
    auto by_key = [&results](Figure figure, int size) {
      std::vector<int64_t> values(size);
      for (const storage::StatsRowValue& row : results[figure].rows) {
        int key = 0;
        if (absl::SimpleAtoi(row.keys.front().value, &key) && key >= 0 && key < size) {
          values[key] = row.value;
        }
      }
      return values;
    };
    response->set_teams(total(kTeams).value);
    response->set_posts(total(kPosts).value);
    const std::vector<int64_t> units = by_key(kUnits, v1::PracticeUnitKind_ARRAYSIZE);
    response->set_practice_centers(units[v1::PRACTICE_UNIT_KIND_CENTER]);
    response->set_practice_institutes(units[v1::PRACTICE_UNIT_KIND_INSTITUTE]);
    response->set_practice_stations(units[v1::PRACTICE_UNIT_KIND_STATION]);
    response->set_practice_points(units[v1::PRACTICE_UNIT_KIND_POINT]);
    int64_t registered = 0;
    for (int64_t volunteers : by_key(kStars, 6)) {
      response->add_volunteers_by_star_level(volunteers);
      registered += volunteers;
    }
    response->set_registered_volunteers(registered);
    response->set_volunteers_per_100_residents(Ratio(registered, response->population(), 100));
    response->set_villages_with_station(total(kCoverage).value);
    response->set_villages(total(kCoverage).second);
    response->set_events(total(kEvents).value);
    response->set_person_times(total(kPersonTimes).value);
    response->set_attendance_minutes(total(kAttendance).value);
    response->set_manual_minutes(total(kManual).value);
    response->set_active_volunteers(total(kActive).value);
    response->set_active_volunteers_unavailable(results[kActive].unavailable);
    response->set_reported_headcount(total(kHeadcount).value);
    response->set_headcount_reporting_events(total(kHeadcount).second);
    response->set_reported_audience(total(kAudience).value);
    response->set_audience_reporting_events(total(kAudience).second);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
