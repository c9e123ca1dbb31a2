// stats_queries: issue 6's query shapes, timed through zhiyuand and checked against the
// straightforward SQL over the raw tables. bench/stats.sh runs it after stats_gen.
//
//   stats_queries --address=HOST:PORT --token=SECRET --database_url=URL
//                 [--iterations=200] [--raw_iterations=200] [--warmup=10] [--sql_iterations=3]
//                 [--only=TEXT]
//
// Each shape runs --warmup calls, then --iterations timed calls of QueryStats (or
// GetRegionSummary; --raw_iterations for the two shapes answered from the raw rows), one at a
// time, each with other parameters: scopes alternating between busy and quiet regions of the
// shape's level (by their events), several windows, programs. When every shape is timed, each
// asks --sql_iterations times the same question as plain SQL over service_records, events and
// the directory (the semantics stats.proto documents, written independently of the store),
// timed, and compared with the API's answer to the same parameters. Prints a Markdown table;
// exits 1 when any answer differs, after printing both. A call the server gives up on at its call
// limit (DEADLINE_EXCEEDED after 30 s; raw-row shapes at 100M) counts with that time and is not
// compared; any other failed call stops the run. --only keeps the shapes whose name holds TEXT,
// --only=-TEXT those whose name does not.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/bearer_channel.h"
#include "zhiyuan/v1/post.pb.h"
#include "zhiyuan/v1/practice_unit.pb.h"
#include "zhiyuan/v1/stats.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "zhiyuand");
ABSL_FLAG(std::string, token, "", "the secret of a system admin token");
ABSL_FLAG(std::string, database_url, "", "zhiyuand's database, for the straightforward SQL");
ABSL_FLAG(int, iterations, 200, "timed API calls per shape");
ABSL_FLAG(int, warmup, 10, "untimed API calls per shape first");
ABSL_FLAG(int, sql_iterations, 3, "straightforward SQL runs per shape, each compared");
ABSL_FLAG(std::string, only, "",
          "time only the shapes whose name contains this (with a leading '-', does not)");
ABSL_FLAG(int, raw_iterations, 200,
          "timed API calls of the shapes answered from the raw rows (seconds each at 100M)");

namespace {

namespace v1 = ::zhiyuan::v1;

// What a row's second figure is.
enum class Second { kNone, kReporting, kDenominator };

// One question: the API request and the same as SQL. The SQL returns the keys (one column per
// dimension in `keys`, raw: codes, ids, numbers, dates as text), the value and the second figure.
struct Case {
  std::variant<v1::QueryStatsRequest, v1::GetRegionSummaryRequest> request;
  std::string sql;
  std::vector<std::string> params;
  std::vector<v1::StatsDimension> keys;
  Second second = Second::kNone;
};

struct Shape {
  std::string name;
  std::function<Case(int)> make;  // The i-th parameters.
  bool raw = false;               // Answered from the raw rows: no dashboard shape.
};

// An answer, comparable: one line per row, sorted.
struct Answer {
  std::vector<std::string> rows;
  std::string source;
  std::string unavailable;
  bool over_deadline = false;  // The server gave up at its call limit (30 s): no rows.
};

std::string Row(const std::vector<std::string>& keys, int64_t value, Second second,
                int64_t figure) {
  std::string row = absl::StrCat(absl::StrJoin(keys, " | "), " = ", value);
  if (second == Second::kReporting) absl::StrAppend(&row, " (", figure, " reporting)");
  if (second == Second::kDenominator) absl::StrAppend(&row, " / ", figure);
  return row;
}

// A raw SQL key in the form the API gives it.
std::string ApiKey(v1::StatsDimension dimension, const std::string& raw) {
  const int number = std::atoi(raw.c_str());
  switch (dimension) {
    case v1::STATS_DIMENSION_REGION:
      return absl::StrCat("regions/", raw);
    case v1::STATS_DIMENSION_PROGRAM:
      return number == 0 ? "" : absl::StrCat("programs/", raw);
    case v1::STATS_DIMENSION_TEAM:
      return absl::StrCat("teams/", raw);
    case v1::STATS_DIMENSION_CATEGORY:
      return v1::ServiceCategory_Name(static_cast<v1::ServiceCategory>(number));
    case v1::STATS_DIMENSION_POST_KIND:
      return number == 0 ? "" : v1::PostHostKind_Name(static_cast<v1::PostHostKind>(number));
    case v1::STATS_DIMENSION_PRACTICE_UNIT_KIND:
      return v1::PracticeUnitKind_Name(static_cast<v1::PracticeUnitKind>(number));
    default:
      return raw;
  }
}

// The summary's figures as "field = value" lines, all single int64 fields (display texts aside).
std::vector<std::string> SummaryRows(const v1::RegionSummary& summary) {
  std::vector<std::string> rows;
  const google::protobuf::Descriptor* descriptor = summary.GetDescriptor();
  const google::protobuf::Reflection* reflection = summary.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    // The star levels (repeated) are compared by a shape of their own.
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT64 ||
        field->is_repeated()) {
      continue;
    }
    rows.push_back(absl::StrCat(field->name(), " = ", reflection->GetInt64(summary, field)));
  }
  return rows;
}

// When the API could not count a summary's active volunteers, neither side's count is compared.
void MaskActiveVolunteers(std::vector<std::string>& rows) {
  for (std::string& row : rows) {
    if (absl::StartsWith(row, "active_volunteers = ")) row = "active_volunteers = (unavailable)";
  }
}

class Bench {
 public:
  Bench()
      : stub_(v1::StatsService::NewStub(zhiyuan::clients::CreateBearerChannel(
            absl::GetFlag(FLAGS_address), grpc::InsecureChannelCredentials(),
            absl::GetFlag(FLAGS_token)))),
        db_(absl::GetFlag(FLAGS_database_url)) {}

  // The API's answer, and how long it took.
  Answer Api(const Case& c, absl::Duration* took) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    Answer answer;
    grpc::Status status;
    const absl::Time start = absl::Now();
    if (const auto* query = std::get_if<v1::QueryStatsRequest>(&c.request)) {
      v1::QueryStatsResponse response;
      status = stub_->QueryStats(&context, *query, &response);
      *took = absl::Now() - start;
      answer.source = v1::StatsSource_Name(response.source());
      answer.source.erase(0, std::string("STATS_SOURCE_").size());
      answer.unavailable = response.unavailable();
      for (const v1::StatsRow& row : response.rows()) {
        std::vector<std::string> keys;
        for (const v1::StatsKey& key : row.keys()) keys.push_back(key.value());
        answer.rows.push_back(
            Row(keys, row.value(), c.second,
                c.second == Second::kReporting ? row.reporting_events() : row.denominator()));
      }
    } else {
      v1::RegionSummary summary;
      status = stub_->GetRegionSummary(&context, std::get<v1::GetRegionSummaryRequest>(c.request),
                                       &summary);
      *took = absl::Now() - start;
      answer.source = "(summary)";
      answer.unavailable = summary.active_volunteers_unavailable();
      answer.rows = SummaryRows(summary);
      if (!answer.unavailable.empty()) MaskActiveVolunteers(answer.rows);
    }
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      answer.over_deadline = true;
      return answer;
    }
    if (!status.ok()) {
      std::cerr << "call failed: " << status.error_code() << " " << status.error_message() << "\n";
      std::exit(1);
    }
    std::sort(answer.rows.begin(), answer.rows.end());
    return answer;
  }

  // The straightforward SQL's answer, and how long it took.
  Answer Sql(const Case& c, const Answer& api, absl::Duration* took) {
    pqxx::work txn(db_);
    const absl::Time start = absl::Now();
    const pqxx::result result =
        txn.exec_params(c.sql, pqxx::prepare::make_dynamic_params(c.params));
    *took = absl::Now() - start;
    Answer answer;
    if (std::holds_alternative<v1::GetRegionSummaryRequest>(c.request)) {
      for (pqxx::row::size_type i = 0; i < result.columns(); ++i) {
        answer.rows.push_back(
            absl::StrCat(result.column_name(i), " = ", result[0][i].as<int64_t>(0)));
      }
      if (!api.unavailable.empty()) MaskActiveVolunteers(answer.rows);
    } else {
      const int n = static_cast<int>(c.keys.size());
      for (const pqxx::row& row : result) {
        std::vector<std::string> keys;
        for (int i = 0; i < n; ++i) keys.push_back(ApiKey(c.keys[i], row[i].c_str()));
        answer.rows.push_back(
            Row(keys, row[n].as<int64_t>(0), c.second, row[n + 1].as<int64_t>(0)));
      }
    }
    std::sort(answer.rows.begin(), answer.rows.end());
    return answer;
  }

  // Region codes of `length` (2 province .. 9 township) with events: the busiest and some
  // quiet ones, alternating.
  std::vector<std::string> Scopes(int length, int count) {
    pqxx::work txn(db_);
    std::vector<std::string> codes;
    for (const pqxx::row& row :
         txn.exec_params("SELECT left(region_code, $1) FROM events WHERE length(region_code) >= $1 "
                         "GROUP BY 1 ORDER BY count(*) DESC, 1",
                         length)) {
      codes.push_back(row[0].as<std::string>());
    }
    std::vector<std::string> scopes;
    const int half = std::max(1, count / 2);
    for (int i = 0; i < half && !codes.empty(); ++i) {
      scopes.push_back(codes[std::min<size_t>(i, codes.size() - 1)]);
      // Quiet: from the 60th to the 90th percentile of activity.
      scopes.push_back(codes[std::min<size_t>(
          codes.size() - 1, codes.size() * 6 / 10 + i * codes.size() * 3 / 10 / half)]);
    }
    return scopes;
  }

  std::vector<int64_t> Programs() {
    pqxx::work txn(db_);
    std::vector<int64_t> ids;
    for (const pqxx::row& row :
         txn.exec("SELECT program_id FROM events WHERE program_id IS NOT NULL GROUP BY 1 "
                  "ORDER BY count(*) DESC, 1")) {
      ids.push_back(row[0].as<int64_t>());
    }
    return ids;
  }

 private:
  std::unique_ptr<v1::StatsService::Stub> stub_;
  pqxx::connection db_;
};

struct Window {
  std::string first;
  std::string last;
};

// A year: calendar years and windows that cut months.
const std::vector<Window> kYears = {{"2025-01-01", "2025-12-31"},
                                    {"2024-03-15", "2025-03-14"},
                                    {"2024-01-01", "2024-12-31"},
                                    {"2025-11-20", "2026-11-19"},
                                    {"2024-07-01", "2025-06-30"}};
// Whole months, quarters, calendar years: the periods distinct volunteers are kept for.
const std::vector<Window> kCalendarYears = {
    {"2025-01-01", "2025-12-31"}, {"2024-01-01", "2024-12-31"}, {"2026-01-01", "2026-12-31"}};
const std::vector<Window> kQuarters = {{"2025-01-01", "2025-03-31"},
                                       {"2024-10-01", "2024-12-31"},
                                       {"2026-07-01", "2026-09-30"},
                                       {"2025-04-01", "2025-06-30"}};
// Windows that are no calendar period.
const std::vector<Window> kOddWindows = {
    {"2025-03-10", "2025-03-29"}, {"2024-11-25", "2024-12-14"}, {"2026-05-01", "2026-05-20"}};
const std::vector<Window> kMonths = {{"2025-03-01", "2025-03-31"},
                                     {"2024-12-01", "2024-12-31"},
                                     {"2026-02-01", "2026-02-28"},
                                     {"2025-10-01", "2025-10-31"},
                                     {"2024-05-01", "2024-05-31"}};

// Credited records of events in scope $1 (a code prefix; '' for all) on days $2 to $3.
constexpr char kRecords[] =
    " FROM service_records r JOIN events e ON e.id = r.event_id"
    " WHERE r.state = 2 AND e.region_code LIKE $1 || '%'"
    " AND (r.check_in AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2::date AND $3::date";
// Events that count (with `joins`), in scope $1, starting on days $2 to $3.
std::string Events(const char* joins = "") {
  return absl::StrCat(
      " FROM events e", joins,
      " WHERE e.status <> 4 AND e.delete_time IS NULL AND e.region_code LIKE $1 || '%'"
      " AND (e.start_time AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2::date AND $3::date");
}
constexpr char kRecordDay[] = "(r.check_in AT TIME ZONE 'Asia/Shanghai')";
constexpr char kEventDay[] = "(e.start_time AT TIME ZONE 'Asia/Shanghai')";

std::string Period(const char* unit, const char* day) {
  return absl::StrCat("to_char(date_trunc('", unit, "', ", day, "), 'YYYY-MM-DD')");
}

v1::QueryStatsRequest Query(v1::StatsMetric metric, std::vector<v1::StatsDimension> group_by,
                            v1::RegionLevel level, const std::string& scope, const Window* window) {
  v1::QueryStatsRequest request;
  request.set_metric(metric);
  for (v1::StatsDimension dimension : group_by) request.add_group_by(dimension);
  request.set_region_level(level);
  if (!scope.empty()) request.set_region(absl::StrCat("regions/", scope));
  if (window != nullptr) {
    request.set_start_date(window->first);
    request.set_end_date(window->last);
  }
  return request;
}

// An activity shape: `metric` grouped by `group_by` within scopes[i] over windows[i].
Case Activity(v1::StatsMetric metric, std::vector<v1::StatsDimension> group_by,
              v1::RegionLevel level, const std::string& scope, const Window& window,
              const std::string& sql) {
  Case c;
  c.request = Query(metric, group_by, level, scope, &window);
  c.sql = sql;
  c.params = {scope, window.first, window.last};
  c.keys = group_by;
  return c;
}

// A directory shape: `metric` per region of `level` within scope, from `sql` ($1 the scope).
Case Directory(v1::StatsMetric metric, std::vector<v1::StatsDimension> group_by,
               v1::RegionLevel level, const std::string& scope, const std::string& sql) {
  Case c;
  c.request = Query(metric, group_by, level, scope, nullptr);
  c.sql = sql;
  c.params = {scope};
  c.keys = group_by;
  return c;
}

// The summary's figures, named as RegionSummary's fields.
std::string SummarySql() {
  auto in_scope = [](const char* column) { return absl::StrCat(column, " LIKE $1 || '%'"); };
  auto units = [&](int kind) {
    return absl::StrCat(
        "(SELECT count(*) FROM practice_units WHERE delete_time IS NULL AND kind = ", kind, " AND ",
        in_scope("region_code"), ")");
  };
  return absl::StrCat(
      "SELECT (SELECT count(*) FROM teams WHERE delete_time IS NULL AND ",
      in_scope("home_region_code"), ") AS teams, ",
      "(SELECT count(*) FROM posts WHERE delete_time IS NULL AND ", in_scope("region_code"),
      ") AS posts, ", units(1), " AS practice_centers, ", units(2), " AS practice_institutes, ",
      units(3), " AS practice_stations, ", units(4), " AS practice_points, ",
      "(SELECT count(*) FROM volunteers WHERE delete_time IS NULL AND ",
      in_scope("residence_region_code"), ") AS registered_volunteers, ",
      "(SELECT coalesce(population, 0) FROM regions WHERE code = $1) AS population, ",
      "(SELECT count(*) FROM regions WHERE length(code) = 12 AND ", in_scope("code"),
      ") AS villages, ",
      "(SELECT count(DISTINCT region_code) FROM practice_units WHERE kind = 3 AND "
      "delete_time IS NULL AND length(region_code) = 12 AND ",
      in_scope("region_code"), ") AS villages_with_station, ",
      "ev.events, ev.reported_headcount, ev.headcount_reporting_events, ev.reported_audience, "
      "ev.audience_reporting_events, rec.person_times, rec.attendance_minutes, "
      "rec.manual_minutes, rec.active_volunteers "
      "FROM (SELECT count(*) AS events, coalesce(sum(e.headcount), 0) AS reported_headcount, "
      "count(e.headcount) AS headcount_reporting_events, "
      "coalesce(sum(e.audience), 0) AS reported_audience, "
      "count(e.audience) AS audience_reporting_events",
      Events(), ") ev, ",
      "(SELECT count(*) FILTER (WHERE r.hour_class = 1) AS person_times, "
      "coalesce(sum(r.credited_minutes) FILTER (WHERE r.hour_class = 1), 0) "
      "AS attendance_minutes, "
      "coalesce(sum(r.credited_minutes) FILTER (WHERE r.hour_class = 2), 0) AS manual_minutes, "
      "count(DISTINCT r.volunteer_number) AS active_volunteers",
      kRecords, ") rec");
}

std::vector<Shape> Shapes(Bench& bench) {
  using D = v1::StatsDimension;
  const std::vector<std::string> provinces = bench.Scopes(2, 8);
  const std::vector<std::string> cities = bench.Scopes(4, 8);
  const std::vector<std::string> counties = bench.Scopes(6, 8);
  const std::vector<std::string> townships = bench.Scopes(9, 8);
  const std::vector<int64_t> programs = bench.Programs();
  auto at = [](const auto& list, int i) -> const auto& { return list[i % list.size()]; };
  const D region = v1::STATS_DIMENSION_REGION;
  std::vector<Shape> shapes;

  shapes.push_back({"person-times per county of a city, by month, 1 year", [=](int i) {
                      return Activity(
                          v1::STATS_METRIC_PERSON_TIMES, {region, v1::STATS_DIMENSION_MONTH},
                          v1::REGION_LEVEL_COUNTY, at(cities, i), at(kYears, i),
                          absl::StrCat("SELECT left(e.region_code, 6), ",
                                       Period("month", kRecordDay), ", count(*), 0", kRecords,
                                       " AND r.hour_class = 1 GROUP BY 1, 2"));
                    }});
  shapes.push_back({"service minutes per program in a province, 1 year", [=](int i) {
                      return Activity(v1::STATS_METRIC_SERVICE_MINUTES,
                                      {v1::STATS_DIMENSION_PROGRAM}, v1::REGION_LEVEL_UNSPECIFIED,
                                      at(provinces, i), at(kYears, i),
                                      absl::StrCat("SELECT coalesce(e.program_id, 0), "
                                                   "sum(r.credited_minutes), 0",
                                                   kRecords, " GROUP BY 1"));
                    }});
  shapes.push_back({"events per month in a county, 1 year", [=](int i) {
                      return Activity(v1::STATS_METRIC_EVENTS, {v1::STATS_DIMENSION_MONTH},
                                      v1::REGION_LEVEL_UNSPECIFIED, at(counties, i), at(kYears, i),
                                      absl::StrCat("SELECT ", Period("month", kEventDay),
                                                   ", count(*), 0", Events(), " GROUP BY 1"));
                    }});
  shapes.push_back({"person-times per province (national), 1 year", [=](int i) {
                      return Activity(v1::STATS_METRIC_PERSON_TIMES, {region},
                                      v1::REGION_LEVEL_PROVINCE, "", at(kYears, i),
                                      absl::StrCat("SELECT left(e.region_code, 2), count(*), 0",
                                                   kRecords, " AND r.hour_class = 1 GROUP BY 1"));
                    }});
  shapes.push_back({"person-times per village of a township, 1 year", [=](int i) {
                      return Activity(v1::STATS_METRIC_PERSON_TIMES, {region},
                                      v1::REGION_LEVEL_VILLAGE, at(townships, i), at(kYears, i),
                                      absl::StrCat("SELECT left(e.region_code, 12), count(*), 0",
                                                   kRecords, " AND r.hour_class = 1 GROUP BY 1"));
                    }});
  shapes.push_back({"person-times per team in a county, 1 year, top 10", [=](int i) {
                      Case c =
                          Activity(v1::STATS_METRIC_PERSON_TIMES, {v1::STATS_DIMENSION_TEAM},
                                   v1::REGION_LEVEL_UNSPECIFIED, at(counties, i), at(kYears, i),
                                   absl::StrCat("SELECT e.organizer_team_id, count(*), 0", kRecords,
                                                " AND r.hour_class = 1 GROUP BY 1 "
                                                "ORDER BY count(*) DESC, 1 LIMIT 10"));
                      auto& request = std::get<v1::QueryStatsRequest>(c.request);
                      request.set_order_by(v1::STATS_ORDER_VALUE_DESCENDING);
                      request.set_limit(10);
                      return c;
                    }});
  shapes.push_back({"events per category and quarter in a city, 1 year", [=](int i) {
                      return Activity(
                          v1::STATS_METRIC_EVENTS,
                          {v1::STATS_DIMENSION_CATEGORY, v1::STATS_DIMENSION_QUARTER},
                          v1::REGION_LEVEL_UNSPECIFIED, at(cities, i), at(kYears, i),
                          absl::StrCat("SELECT e.category, ", Period("quarter", kEventDay),
                                       ", count(*), 0", Events(), " GROUP BY 1, 2"));
                    }});
  shapes.push_back({"person-times per day in a county, 1 month", [=](int i) {
                      return Activity(
                          v1::STATS_METRIC_PERSON_TIMES, {v1::STATS_DIMENSION_DAY},
                          v1::REGION_LEVEL_UNSPECIFIED, at(counties, i), at(kMonths, i),
                          absl::StrCat("SELECT ", Period("day", kRecordDay), ", count(*), 0",
                                       kRecords, " AND r.hour_class = 1 GROUP BY 1"));
                    }});
  shapes.push_back({"active volunteers in a county, 1 month", [=](int i) {
                      return Activity(
                          v1::STATS_METRIC_ACTIVE_VOLUNTEERS, {}, v1::REGION_LEVEL_UNSPECIFIED,
                          at(counties, i), at(kMonths, i),
                          absl::StrCat("SELECT count(DISTINCT r.volunteer_number), 0", kRecords));
                    }});
  shapes.push_back({"active volunteers per month in a city, 1 calendar year", [=](int i) {
                      return Activity(v1::STATS_METRIC_ACTIVE_VOLUNTEERS,
                                      {v1::STATS_DIMENSION_MONTH}, v1::REGION_LEVEL_UNSPECIFIED,
                                      at(cities, i), at(kCalendarYears, i),
                                      absl::StrCat("SELECT ", Period("month", kRecordDay),
                                                   ", count(DISTINCT r.volunteer_number), 0",
                                                   kRecords, " GROUP BY 1"));
                    }});
  shapes.push_back({"active volunteers per county of a province, 1 calendar year", [=](int i) {
                      return Activity(v1::STATS_METRIC_ACTIVE_VOLUNTEERS, {region},
                                      v1::REGION_LEVEL_COUNTY, at(provinces, i),
                                      at(kCalendarYears, i),
                                      absl::StrCat("SELECT left(e.region_code, 6), "
                                                   "count(DISTINCT r.volunteer_number), 0",
                                                   kRecords, " GROUP BY 1"));
                    }});
  shapes.push_back(
      {"active volunteers of a program in a province, 1 quarter", [=](int i) {
         Case c = Activity(v1::STATS_METRIC_ACTIVE_VOLUNTEERS, {}, v1::REGION_LEVEL_UNSPECIFIED,
                           at(provinces, i), at(kQuarters, i),
                           absl::StrCat("SELECT count(DISTINCT r.volunteer_number), 0", kRecords,
                                        " AND e.program_id = $4::bigint"));
         const int64_t program = at(programs, i * 3);
         std::get<v1::QueryStatsRequest>(c.request).set_program(absl::StrCat("programs/", program));
         c.params.push_back(absl::StrCat(program));
         return c;
       }});
  shapes.push_back({"active volunteers in a county, 20 days (no calendar period)", [=](int i) {
                      return Activity(
                          v1::STATS_METRIC_ACTIVE_VOLUNTEERS, {}, v1::REGION_LEVEL_UNSPECIFIED,
                          at(counties, i), at(kOddWindows, i),
                          absl::StrCat("SELECT count(DISTINCT r.volunteer_number), 0", kRecords));
                    },
                    /*raw=*/true});
  shapes.push_back(
      {"person-times of a program per county of a province, 1 year", [=](int i) {
         Case c = Activity(v1::STATS_METRIC_PERSON_TIMES, {region}, v1::REGION_LEVEL_COUNTY,
                           at(provinces, i), at(kYears, i),
                           absl::StrCat("SELECT left(e.region_code, 6), count(*), 0", kRecords,
                                        " AND r.hour_class = 1 AND e.program_id = "
                                        "$4::bigint GROUP BY 1"));
         const int64_t program = at(programs, i * 7);
         std::get<v1::QueryStatsRequest>(c.request).set_program(absl::StrCat("programs/", program));
         c.params.push_back(absl::StrCat(program));
         return c;
       }});
  shapes.push_back({"reported headcount per county of a city, 1 year", [=](int i) {
                      Case c = Activity(
                          v1::STATS_METRIC_REPORTED_HEADCOUNT, {region}, v1::REGION_LEVEL_COUNTY,
                          at(cities, i), at(kYears, i),
                          absl::StrCat("SELECT left(e.region_code, 6), "
                                       "sum(coalesce(e.headcount, 0)), "
                                       "count(e.headcount)",
                                       Events(), " GROUP BY 1 HAVING count(e.headcount) > 0"));
                      c.second = Second::kReporting;
                      return c;
                    }});
  shapes.push_back({"events per post kind in a province, 1 year", [=](int i) {
                      return Activity(v1::STATS_METRIC_EVENTS, {v1::STATS_DIMENSION_POST_KIND},
                                      v1::REGION_LEVEL_UNSPECIFIED, at(provinces, i), at(kYears, i),
                                      absl::StrCat("SELECT coalesce(p.host_kind, 0), count(*), 0",
                                                   Events(" LEFT JOIN posts p ON p.id = e.post_id"),
                                                   " GROUP BY 1"));
                    }});
  shapes.push_back({"person-times per program and category in a county, 1 year (raw)", [=](int i) {
                      return Activity(
                          v1::STATS_METRIC_PERSON_TIMES,
                          {v1::STATS_DIMENSION_PROGRAM, v1::STATS_DIMENSION_CATEGORY},
                          v1::REGION_LEVEL_UNSPECIFIED, at(counties, i), at(kYears, i),
                          absl::StrCat("SELECT coalesce(e.program_id, 0), e.category, count(*), 0",
                                       kRecords, " AND r.hour_class = 1 GROUP BY 1, 2"));
                    },
                    /*raw=*/true});
  auto directory = [&](const char* name, v1::StatsMetric metric, const char* table,
                       const char* column) {
    shapes.push_back({name, [=](int i) {
                        return Directory(metric, {region}, v1::REGION_LEVEL_COUNTY,
                                         at(provinces, i),
                                         absl::StrCat("SELECT left(", column,
                                                      ", 6), count(*), 0 "
                                                      "FROM ",
                                                      table, " WHERE delete_time IS NULL AND ",
                                                      column, " LIKE $1 || '%' GROUP BY 1"));
                      }});
  };
  directory("teams per county of a province", v1::STATS_METRIC_TEAMS, "teams", "home_region_code");
  directory("posts per county of a province", v1::STATS_METRIC_POSTS, "posts", "region_code");
  directory("practice units per county of a province", v1::STATS_METRIC_PRACTICE_UNITS,
            "practice_units", "region_code");
  shapes.push_back({"teams per category in a city", [=](int i) {
                      return Directory(v1::STATS_METRIC_TEAMS, {v1::STATS_DIMENSION_CATEGORY},
                                       v1::REGION_LEVEL_UNSPECIFIED, at(cities, i),
                                       "SELECT c, count(*), 0 FROM teams, unnest(categories) c "
                                       "WHERE delete_time IS NULL AND home_region_code LIKE "
                                       "$1 || '%' GROUP BY 1");
                    }});
  shapes.push_back({"practice units per kind in a county", [=](int i) {
                      return Directory(v1::STATS_METRIC_PRACTICE_UNITS,
                                       {v1::STATS_DIMENSION_PRACTICE_UNIT_KIND},
                                       v1::REGION_LEVEL_UNSPECIFIED, at(counties, i),
                                       "SELECT kind, count(*), 0 FROM practice_units "
                                       "WHERE delete_time IS NULL AND region_code LIKE "
                                       "$1 || '%' GROUP BY 1");
                    }});
  shapes.push_back({"registered volunteers per city (national)", [=](int) {
                      return Directory(v1::STATS_METRIC_REGISTERED_VOLUNTEERS, {region},
                                       v1::REGION_LEVEL_CITY, "",
                                       "SELECT left(residence_region_code, 4), count(*), 0 "
                                       "FROM volunteers WHERE delete_time IS NULL AND "
                                       "residence_region_code LIKE $1 || '%' GROUP BY 1");
                    }});
  shapes.push_back({"registered volunteers per star level in a province", [=](int i) {
                      return Directory(
                          v1::STATS_METRIC_REGISTERED_VOLUNTEERS,
                          {v1::STATS_DIMENSION_STAR_LEVEL}, v1::REGION_LEVEL_UNSPECIFIED,
                          at(provinces, i),
                          "SELECT CASE WHEN m >= 90000 THEN 5 WHEN m >= 60000 THEN 4 "
                          "WHEN m >= 36000 THEN 3 WHEN m >= 18000 THEN 2 WHEN m >= 6000 THEN 1 "
                          "ELSE 0 END, count(*), 0 FROM (SELECT coalesce((SELECT "
                          "sum(credited_minutes) FROM service_records r WHERE "
                          "r.volunteer_number = v.volunteer_number AND r.state = 2), 0) AS m "
                          "FROM volunteers v WHERE v.delete_time IS NULL AND "
                          "v.residence_region_code LIKE $1 || '%') x GROUP BY 1");
                    }});
  shapes.push_back({"volunteers per 100 residents per county of a province", [=](int i) {
                      Case c = Directory(
                          v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS, {region},
                          v1::REGION_LEVEL_COUNTY, at(provinces, i),
                          "SELECT x.k, x.n, g.population FROM (SELECT "
                          "left(residence_region_code, 6) AS k, count(*) AS n FROM volunteers "
                          "WHERE delete_time IS NULL AND residence_region_code LIKE $1 || '%' "
                          "GROUP BY 1) x JOIN regions g ON g.code = x.k "
                          "WHERE g.population IS NOT NULL");
                      c.second = Second::kDenominator;
                      return c;
                    }});
  shapes.push_back({"station coverage per county of a province", [=](int i) {
                      Case c = Directory(
                          v1::STATS_METRIC_STATION_COVERAGE, {region}, v1::REGION_LEVEL_COUNTY,
                          at(provinces, i),
                          "SELECT left(v.code, 6), count(s.code), count(*) FROM regions v "
                          "LEFT JOIN (SELECT DISTINCT region_code AS code FROM practice_units "
                          "WHERE kind = 3 AND delete_time IS NULL) s ON s.code = v.code "
                          "WHERE length(v.code) = 12 AND v.code LIKE $1 || '%' GROUP BY 1");
                      c.second = Second::kDenominator;
                      return c;
                    }});
  auto summary = [&](const char* name, const std::vector<std::string>& scopes) {
    shapes.push_back({name, [=](int i) {
                        Case c;
                        v1::GetRegionSummaryRequest request;
                        request.set_region(absl::StrCat("regions/", at(scopes, i)));
                        request.set_start_date(at(kYears, i).first);
                        request.set_end_date(at(kYears, i).last);
                        c.request = request;
                        c.sql = SummarySql();
                        c.params = {at(scopes, i), at(kYears, i).first, at(kYears, i).last};
                        return c;
                      }});
  };
  summary("region summary of a county, 1 year", counties);
  summary("region summary of a province, 1 year", provinces);
  return shapes;
}

double Percentile(std::vector<absl::Duration> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const size_t at = std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()));
  return absl::ToDoubleMilliseconds(samples[at]);
}

void PrintDifference(const std::string& shape, const Case& c, const Answer& api,
                     const Answer& sql) {
  std::cerr << "MISMATCH in \"" << shape << "\"\nSQL (params " << absl::StrJoin(c.params, ", ")
            << "): " << c.sql << "\n";
  if (const auto* query = std::get_if<v1::QueryStatsRequest>(&c.request)) {
    std::cerr << "request: " << query->ShortDebugString() << "\n";
  } else {
    std::cerr << "request: " << std::get<v1::GetRegionSummaryRequest>(c.request).ShortDebugString()
              << "\n";
  }
  std::vector<std::string> only_api;
  std::vector<std::string> only_sql;
  std::set_difference(api.rows.begin(), api.rows.end(), sql.rows.begin(), sql.rows.end(),
                      std::back_inserter(only_api));
  std::set_difference(sql.rows.begin(), sql.rows.end(), api.rows.begin(), api.rows.end(),
                      std::back_inserter(only_sql));
  std::cerr << "API: " << api.rows.size() << " rows, SQL: " << sql.rows.size() << " rows\n";
  for (size_t i = 0; i < std::min<size_t>(only_api.size(), 20); ++i) {
    std::cerr << "  API only: " << only_api[i] << "\n";
  }
  for (size_t i = 0; i < std::min<size_t>(only_sql.size(), 20); ++i) {
    std::cerr << "  SQL only: " << only_sql[i] << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  Bench bench;
  const int iterations = absl::GetFlag(FLAGS_iterations);
  const int raw_iterations = absl::GetFlag(FLAGS_raw_iterations);
  const int warmup = absl::GetFlag(FLAGS_warmup);
  const int sql_iterations = absl::GetFlag(FLAGS_sql_iterations);
  bool all_equal = true;
  // Every shape timed first, then every shape compared: the straightforward SQL reads the raw
  // tables, more than memory holds at 100M records, and would otherwise push the next shape's
  // rollups out of the cache before it is timed.
  struct Timed {
    std::vector<absl::Duration> api_times;
    std::set<std::string> sources;
    int unavailable = 0;
    int over_deadline = 0;
  };
  std::vector<Shape> shapes = Shapes(bench);
  const std::string only = absl::GetFlag(FLAGS_only);
  // "-TEXT" keeps the shapes whose name does not hold TEXT.
  const bool exclude = absl::StartsWith(only, "-");
  const std::string text = exclude ? only.substr(1) : only;
  auto other = [&](const Shape& shape) {
    return absl::StrContains(shape.name, text) == exclude;
  };
  shapes.erase(std::remove_if(shapes.begin(), shapes.end(), other), shapes.end());
  std::vector<Timed> timed(shapes.size());
  for (size_t s = 0; s < shapes.size(); ++s) {
    const Shape& shape = shapes[s];
    Timed& t = timed[s];
    absl::Duration took;
    for (int i = 0; i < warmup; ++i) bench.Api(shape.make(i), &took);
    for (int i = 0; i < (shape.raw ? raw_iterations : iterations); ++i) {
      const Answer answer = bench.Api(shape.make(i), &took);
      t.api_times.push_back(took);
      if (answer.over_deadline) {
        ++t.over_deadline;
        continue;
      }
      t.sources.insert(answer.source);
      if (!answer.unavailable.empty()) ++t.unavailable;
    }
    std::cerr << absl::StrFormat("timed %s: p50 %.1f ms, p99 %.1f ms\n", shape.name,
                                 Percentile(t.api_times, 0.5), Percentile(t.api_times, 0.99));
  }
  std::vector<std::string> lines;
  for (size_t s = 0; s < shapes.size(); ++s) {
    const Shape& shape = shapes[s];
    const Timed& t = timed[s];
    absl::Duration took;
    std::vector<absl::Duration> sql_times;
    int equal = 0;
    int compared = 0;
    for (int i = 0; i < sql_iterations; ++i) {
      const Case c = shape.make(i);
      const Answer api = bench.Api(c, &took);
      const Answer sql = bench.Sql(c, api, &took);
      sql_times.push_back(took);
      if (api.over_deadline ||
          (!api.unavailable.empty() && std::holds_alternative<v1::QueryStatsRequest>(c.request))) {
        continue;  // Nothing to compare.
      }
      ++compared;
      if (api.rows == sql.rows) {
        ++equal;
      } else {
        all_equal = false;
        PrintDifference(shape.name, c, api, sql);
      }
    }
    std::string verdict = compared == 0       ? "n/a"
                          : equal == compared ? absl::StrCat("yes (", equal, ")")
                                              : absl::StrCat("NO (", equal, "/", compared, ")");
    if (t.unavailable > 0) {
      absl::StrAppend(&verdict, "; unavailable in ", t.unavailable, "/", t.api_times.size(),
                      " calls");
    }
    if (t.over_deadline > 0) {
      absl::StrAppend(&verdict, "; over the server's 30 s call limit in ", t.over_deadline, "/",
                      t.api_times.size(), " calls (timed as such)");
    }
    const std::string sql_p50 = sql_times.empty()
                                    ? std::string("not run")
                                    : absl::StrFormat("%.0f", Percentile(sql_times, 0.5));
    lines.push_back(absl::StrFormat("| %s | %.1f | %.1f | %s | %s | %s |", shape.name,
                                    Percentile(t.api_times, 0.5), Percentile(t.api_times, 0.99),
                                    sql_p50, absl::StrJoin(t.sources, "+"), verdict));
    std::cerr << lines.back() << "\n";
  }
  std::cout << "| shape | API p50 ms | API p99 ms | straightforward SQL p50 ms | source | equal? "
               "|\n|---|---|---|---|---|---|\n";
  for (const std::string& line : lines) std::cout << line << "\n";
  return all_equal ? 0 : 1;
}
