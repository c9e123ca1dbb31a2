// StatsService end to end, as a property: the real zhiyuand on PostgreSQL builds a random
// directory, events and service records through the API (with updates, deletions, corrections,
// manual hours, rule recomputes and events that cross midnight), and every figure QueryStats
// returns, for random metrics, dimensions, scopes, windows and filters, equals what this test
// counts itself from the raw rows, right after the writes and after the rollups fold them.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "clients/bearer_channel.h"
#include "services/server.h"
#include "services/stats_compactor.h"
#include "storage/connection_pool.h"
#include "storage/migrations.h"
#include "storage/postgres_stats_store.h"
#include "tests/testing/database_tokens.h"
#include "tests/testing/generic_calls.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"
#include "zhiyuan/v1/post.pb.h"
#include "zhiyuan/v1/practice_unit.pb.h"
#include "zhiyuan/v1/stats.grpc.pb.h"
#include "zhiyuan/v1/token.pb.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::testing::TestDatabaseUrl;

const std::string kMasterKey(32, 'k');
const absl::TimeZone kChina = absl::FixedTimeZone(8 * 3600);
constexpr size_t kCodeLength[] = {0, 2, 4, 6, 9, 12};

std::string IdNumber(const std::string& first17) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

absl::Time China(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), kChina);
}

// ---------------------------------------------------------------------------------------------
// The oracle: raw rows, read with plain SELECTs, counted here.

struct RawEvent {
  int64_t id;
  std::string region;
  int64_t team;
  int64_t program;  // 0: none.
  int category;
  int64_t post;  // 0: none.
  int status;
  bool deleted;
  absl::Time start;
  std::optional<int64_t> headcount;
  std::optional<int64_t> audience;
};

struct RawRecord {
  std::string volunteer;
  int64_t event;
  int hour_class;
  int state;
  absl::Time check_in;
  int64_t credited;
};

struct Raw {
  std::map<std::string, std::optional<int64_t>> regions;  // Code → population.
  std::vector<std::pair<std::string, std::vector<int>>> teams;  // Live: region, categories.
  std::map<int64_t, int> post_kinds;                       // Every post.
  std::vector<std::pair<std::string, int>> posts;          // Live: region, host kind.
  std::vector<std::pair<std::string, int>> units;          // Live: region, kind.
  std::vector<std::pair<std::string, int>> volunteers;     // Live: residence, star level.
  std::map<int64_t, RawEvent> events;
  std::vector<RawRecord> records;
};

Raw ReadRaw() {
  Raw raw;
  pqxx::connection connection(TestDatabaseUrl());
  pqxx::nontransaction txn(connection);
  for (const auto& row : txn.exec("SELECT code, population FROM regions")) {
    raw.regions[row[0].as<std::string>()] =
        row[1].is_null() ? std::nullopt : std::make_optional(row[1].as<int64_t>());
  }
  for (const auto& row :
       txn.exec("SELECT home_region_code, array_to_string(categories, ',') FROM teams "
                "WHERE delete_time IS NULL")) {
    std::vector<int> categories;
    for (absl::string_view part : absl::StrSplit(row[1].as<std::string>(), ',', absl::SkipEmpty())) {
      int category = 0;
      EXPECT_TRUE(absl::SimpleAtoi(part, &category));
      categories.push_back(category);
    }
    raw.teams.emplace_back(row[0].as<std::string>(), categories);
  }
  for (const auto& row : txn.exec("SELECT id, region_code, host_kind, delete_time IS NULL FROM posts")) {
    raw.post_kinds[row[0].as<int64_t>()] = row[2].as<int>();
    if (row[3].as<bool>()) raw.posts.emplace_back(row[1].as<std::string>(), row[2].as<int>());
  }
  for (const auto& row :
       txn.exec("SELECT region_code, kind FROM practice_units WHERE delete_time IS NULL")) {
    raw.units.emplace_back(row[0].as<std::string>(), row[1].as<int>());
  }
  std::map<std::string, std::string> residences;  // Live volunteers by number.
  for (const auto& row : txn.exec(
           "SELECT volunteer_number, residence_region_code FROM volunteers "
           "WHERE delete_time IS NULL")) {
    residences[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  for (const auto& row : txn.exec(
           "SELECT id, region_code, organizer_team_id, coalesce(program_id, 0), category, "
           "coalesce(post_id, 0), status, delete_time IS NOT NULL, "
           "extract(epoch FROM start_time)::bigint, headcount, audience FROM events")) {
    RawEvent event{row[0].as<int64_t>(),
                   row[1].as<std::string>(),
                   row[2].as<int64_t>(),
                   row[3].as<int64_t>(),
                   row[4].as<int>(),
                   row[5].as<int64_t>(),
                   row[6].as<int>(),
                   row[7].as<bool>(),
                   absl::FromUnixSeconds(row[8].as<int64_t>()),
                   row[9].is_null() ? std::nullopt : std::make_optional(row[9].as<int64_t>()),
                   row[10].is_null() ? std::nullopt : std::make_optional(row[10].as<int64_t>())};
    raw.events[event.id] = event;
  }
  for (const auto& row : txn.exec(
           "SELECT volunteer_number, event_id, hour_class, state, "
           "(extract(epoch FROM check_in) * 1000000)::bigint, credited_minutes "
           "FROM service_records")) {
    raw.records.push_back({row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int>(),
                           row[3].as<int>(), absl::FromUnixMicros(row[4].as<int64_t>()),
                           row[5].as<int64_t>()});
  }
  // Star levels as GetServiceTotals gives them: 100, 300, 600, 1,000 and 1,500 lifetime hours.
  std::map<std::string, int64_t> lifetimes;
  for (const RawRecord& record : raw.records) {
    if (record.state == v1::SERVICE_RECORD_STATE_CREDITED) {
      lifetimes[record.volunteer] += record.credited;
    }
  }
  for (const auto& [number, residence] : residences) {
    int stars = 0;
    for (int64_t hours : {100, 300, 600, 1000, 1500}) stars += lifetimes[number] >= hours * 60;
    raw.volunteers.emplace_back(residence, stars);
  }
  return raw;
}

bool InScope(const std::string& region, const std::string& scope) {
  return region.compare(0, scope.size(), scope) == 0;
}

// The region a row of `level` counts `region` under: its ancestor at that level, or itself
// when it lies above it.
std::string RegionKey(const std::string& region, int level) {
  return region.substr(0, std::min(region.size(), kCodeLength[level]));
}

std::string PeriodKey(v1::StatsDimension dimension, absl::CivilDay day) {
  switch (dimension) {
    case v1::STATS_DIMENSION_WEEK: {
      const int from_monday = (static_cast<int>(absl::GetWeekday(day)) -
                               static_cast<int>(absl::Weekday::monday) + 7) % 7;
      return absl::FormatCivilTime(day - from_monday);
    }
    case v1::STATS_DIMENSION_MONTH:
      return absl::FormatCivilTime(absl::CivilDay(absl::CivilMonth(day)));
    case v1::STATS_DIMENSION_QUARTER:
      return absl::FormatCivilTime(
          absl::CivilDay(day.year(), (day.month() - 1) / 3 * 3 + 1, 1));
    case v1::STATS_DIMENSION_YEAR:
      return absl::FormatCivilTime(absl::CivilDay(absl::CivilYear(day)));
    default:
      return absl::FormatCivilTime(day);
  }
}

struct Figure {
  int64_t value = 0;
  int64_t second = 0;  // Reporting events, or the denominator.
  int64_t exists = 0;
  std::set<std::string> people;
};
using Figures = std::map<std::vector<std::string>, Figure>;

// What an activity item (an event, or a record of an event) is keyed by.
std::vector<std::vector<std::string>> ActivityKeys(const v1::QueryStatsRequest& request,
                                                   const Raw& raw, const RawEvent& event,
                                                   absl::CivilDay day) {
  std::vector<std::string> keys;
  for (int dimension : request.group_by()) {
    switch (dimension) {
      case v1::STATS_DIMENSION_REGION:
        keys.push_back(absl::StrCat("regions/", RegionKey(event.region, request.region_level())));
        break;
      case v1::STATS_DIMENSION_PROGRAM:
        keys.push_back(event.program == 0 ? "" : absl::StrCat("programs/", event.program));
        break;
      case v1::STATS_DIMENSION_CATEGORY:
        keys.push_back(v1::ServiceCategory_Name(static_cast<v1::ServiceCategory>(event.category)));
        break;
      case v1::STATS_DIMENSION_TEAM:
        keys.push_back(absl::StrCat("teams/", event.team));
        break;
      case v1::STATS_DIMENSION_POST_KIND:
        keys.push_back(event.post == 0 ? ""
                                       : v1::PostHostKind_Name(static_cast<v1::PostHostKind>(
                                             raw.post_kinds.at(event.post))));
        break;
      default:
        keys.push_back(PeriodKey(static_cast<v1::StatsDimension>(dimension), day));
    }
  }
  return {keys};
}

bool ActivityMatches(const v1::QueryStatsRequest& request, const std::string& scope,
                     const RawEvent& event, absl::CivilDay day) {
  if (!InScope(event.region, scope)) return false;
  if (!request.start_date().empty() && absl::FormatCivilTime(day) < request.start_date()) {
    return false;
  }
  if (!request.end_date().empty() && absl::FormatCivilTime(day) > request.end_date()) return false;
  if (!request.program().empty() && absl::StrCat("programs/", event.program) != request.program()) {
    return false;
  }
  if (request.category() != 0 && event.category != request.category()) return false;
  if (!request.team().empty() && absl::StrCat("teams/", event.team) != request.team()) return false;
  return true;
}

// Directory keys of an item in `region` with sub-kinds `subs` (one key set per sub-kind when
// the request groups by one).
std::vector<std::vector<std::string>> DirectoryKeys(const v1::QueryStatsRequest& request,
                                                    const std::string& region,
                                                    const std::vector<std::string>& subs) {
  std::vector<std::vector<std::string>> all = {{}};
  for (int dimension : request.group_by()) {
    std::vector<std::vector<std::string>> next;
    for (const auto& keys : all) {
      if (dimension == v1::STATS_DIMENSION_REGION) {
        auto more = keys;
        more.push_back(absl::StrCat("regions/", RegionKey(region, request.region_level())));
        next.push_back(more);
      } else {
        for (const std::string& sub : subs) {
          auto more = keys;
          more.push_back(sub);
          next.push_back(more);
        }
      }
    }
    all = next;
  }
  return all;
}

Figures Expected(const v1::QueryStatsRequest& request, const std::string& scope, const Raw& raw) {
  Figures figures;
  auto add = [&figures](const std::vector<std::vector<std::string>>& key_sets, int64_t value,
                        int64_t second, int64_t exists, const std::string& person = "") {
    for (const auto& keys : key_sets) {
      Figure& figure = figures[keys];
      figure.value += value;
      figure.second += second;
      figure.exists += exists;
      if (!person.empty()) figure.people.insert(person);
    }
  };
  switch (request.metric()) {
    case v1::STATS_METRIC_TEAMS:
      for (const auto& [region, categories] : raw.teams) {
        if (!InScope(region, scope)) continue;
        if (request.category() != 0 &&
            std::find(categories.begin(), categories.end(), request.category()) ==
                categories.end()) {
          continue;
        }
        std::vector<std::string> subs;
        for (int category : categories) {
          if (request.category() == 0 || category == request.category()) {
            subs.push_back(v1::ServiceCategory_Name(static_cast<v1::ServiceCategory>(category)));
          }
        }
        add(DirectoryKeys(request, region, subs), 1, 0, 1);
      }
      break;
    case v1::STATS_METRIC_POSTS:
      for (const auto& [region, kind] : raw.posts) {
        if (!InScope(region, scope)) continue;
        add(DirectoryKeys(request, region,
                          {v1::PostHostKind_Name(static_cast<v1::PostHostKind>(kind))}),
            1, 0, 1);
      }
      break;
    case v1::STATS_METRIC_PRACTICE_UNITS:
      for (const auto& [region, kind] : raw.units) {
        if (!InScope(region, scope)) continue;
        add(DirectoryKeys(request, region,
                          {v1::PracticeUnitKind_Name(static_cast<v1::PracticeUnitKind>(kind))}),
            1, 0, 1);
      }
      break;
    case v1::STATS_METRIC_REGISTERED_VOLUNTEERS:
    case v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS:
      for (const auto& [region, stars] : raw.volunteers) {
        if (InScope(region, scope)) {
          add(DirectoryKeys(request, region, {absl::StrCat(stars)}), 1, 0, 1);
        }
      }
      break;
    case v1::STATS_METRIC_STATION_COVERAGE: {
      std::set<std::string> covered;
      for (const auto& [region, kind] : raw.units) {
        if (kind == v1::PRACTICE_UNIT_KIND_STATION && region.size() == 12) covered.insert(region);
      }
      for (const auto& [code, population] : raw.regions) {
        if (code.size() != 12 || !InScope(code, scope)) continue;
        add(DirectoryKeys(request, code, {}), covered.count(code) != 0 ? 1 : 0, 1, 1);
      }
      break;
    }
    case v1::STATS_METRIC_EVENTS:
    case v1::STATS_METRIC_REPORTED_HEADCOUNT:
    case v1::STATS_METRIC_REPORTED_AUDIENCE:
      for (const auto& [id, event] : raw.events) {
        if (event.status == v1::EVENT_STATUS_CANCELLED || event.deleted) continue;
        const absl::CivilDay day = absl::ToCivilDay(event.start, kChina);
        if (!ActivityMatches(request, scope, event, day)) continue;
        const auto keys = ActivityKeys(request, raw, event, day);
        if (request.metric() == v1::STATS_METRIC_EVENTS) {
          add(keys, 1, 0, 1);
        } else {
          const std::optional<int64_t>& figure =
              request.metric() == v1::STATS_METRIC_REPORTED_HEADCOUNT ? event.headcount
                                                                      : event.audience;
          if (figure.has_value()) add(keys, *figure, 1, 1);
        }
      }
      break;
    default:  // Records.
      for (const RawRecord& record : raw.records) {
        if (record.state != v1::SERVICE_RECORD_STATE_CREDITED) continue;
        const RawEvent& event = raw.events.at(record.event);
        const absl::CivilDay day = absl::ToCivilDay(record.check_in, kChina);
        if (!ActivityMatches(request, scope, event, day)) continue;
        const auto keys = ActivityKeys(request, raw, event, day);
        switch (request.metric()) {
          case v1::STATS_METRIC_PERSON_TIMES:
            if (record.hour_class == v1::HOUR_CLASS_ATTENDANCE) add(keys, 1, 0, 1);
            break;
          case v1::STATS_METRIC_SERVICE_MINUTES:
            if (request.hour_class() == 0 || request.hour_class() == record.hour_class) {
              add(keys, record.credited, 0, 1);
            }
            break;
          default:  // ACTIVE_VOLUNTEERS.
            add(keys, 0, 0, 1, record.volunteer);
        }
      }
  }
  Figures listed;
  for (auto& [keys, figure] : figures) {
    if (figure.exists == 0) continue;
    if (request.metric() == v1::STATS_METRIC_ACTIVE_VOLUNTEERS) {
      figure.value = static_cast<int64_t>(figure.people.size());
    }
    if (request.metric() == v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS) {
      // Keyed by the region (or, ungrouped, the scope): those with a population only.
      std::string region = scope;
      for (int i = 0; i < request.group_by_size(); ++i) {
        if (request.group_by(i) == v1::STATS_DIMENSION_REGION) {
          region = std::string(absl::StripPrefix(keys[i], "regions/"));
        }
      }
      const auto it = raw.regions.find(region);
      if (it == raw.regions.end() || !it->second.has_value()) continue;
      figure.second = *it->second;
    }
    listed[keys] = figure;
  }
  if (listed.empty() && request.group_by().empty() &&
      request.metric() != v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS) {
    listed[{}] = Figure();
  }
  return listed;
}

Figures Actual(const v1::QueryStatsResponse& response, v1::StatsMetric metric) {
  Figures figures;
  for (const v1::StatsRow& row : response.rows()) {
    std::vector<std::string> keys;
    for (const v1::StatsKey& key : row.keys()) keys.push_back(key.value());
    Figure& figure = figures[keys];
    figure.value = row.value();
    figure.second = metric == v1::STATS_METRIC_REPORTED_HEADCOUNT ||
                            metric == v1::STATS_METRIC_REPORTED_AUDIENCE
                        ? row.reporting_events()
                        : row.denominator();
  }
  return figures;
}

std::string Describe(const Figures& figures) {
  std::vector<std::string> lines;
  for (const auto& [keys, figure] : figures) {
    lines.push_back(absl::StrCat("[", absl::StrJoin(keys, ","), "] ", figure.value, "/",
                                 figure.second));
  }
  return absl::StrJoin(lines, "\n");
}

// ---------------------------------------------------------------------------------------------

class StatsServiceTest : public ::zhiyuan::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    {
      pqxx::connection connection(TestDatabaseUrl());
      pqxx::nontransaction(connection)
          .exec(
              "TRUNCATE audit_log, api_tokens, service_record_corrections, "
              "service_record_revisions, service_records, events, team_members, teams, posts, "
              "programs, practice_units, volunteers, volunteer_identities, "
              "volunteer_create_requests, regions, activity_deltas, activity_rollups, "
              "directory_deltas, directory_counts, active_counts, volunteer_stars, volunteer_changes "
              "CASCADE");
      pqxx::nontransaction(connection).exec("DELETE FROM hour_rule_sets WHERE region_code <> ''");
    }
    StartServer(storage::PostgresStatsStore::Options());
    admin_ = ::zhiyuan::testing::MintDatabaseAdminToken(TestDatabaseUrl());
    auto pool = storage::ConnectionPool::Create({TestDatabaseUrl(), 1, "stats-test"});
    ASSERT_THAT(pool, IsOk());
    pool_ = *std::move(pool);
    compact_store_ = std::make_unique<storage::PostgresStatsStore>(
        *pool_, storage::PostgresStatsStore::Options());
    const char* seed = std::getenv("ZHIYUAN_STATS_SEED");
    seed_ = seed != nullptr ? std::strtoul(seed, nullptr, 10) : 20261128;
    random_.seed(seed_);
  }

  void StartServer(const storage::PostgresStatsStore::Options& budget) {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.database_url = TestDatabaseUrl();
    options.migrations = storage::BuiltinMigrations();
    options.personal_data_key = kMasterKey;
    options.token_cache_ttl = absl::ZeroDuration();
    options.close_check_outs_interval = absl::Hours(1);
    // Folds run only when the test asks, so that figures are checked both ways.
    options.compact_stats_interval = absl::Hours(1);
    options.max_distinct_records = budget.max_distinct_records;
    options.max_distinct_events = budget.max_distinct_events;
    auto server = Server::Start(options);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    address_ = absl::StrCat("127.0.0.1:", server_->port());
    generic_ = std::make_unique<grpc::GenericStub>(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  }

  std::unique_ptr<v1::StatsService::Stub> Stats(const std::string& secret) {
    return v1::StatsService::NewStub(
        clients::CreateBearerChannel(address_, grpc::InsecureChannelCredentials(), secret));
  }

  // Calls `method` as `secret` with a text-proto request. Returns the status; the reply's "name"
  // goes to `name` when given.
  grpc::Status Call(const std::string& secret, const std::string& method,
                    const std::string& request, std::string* name = nullptr,
                    google::protobuf::Message* reply_out = nullptr) {
    const google::protobuf::MethodDescriptor* descriptor = ::zhiyuan::testing::FindMethod(method);
    EXPECT_NE(descriptor, nullptr) << method;
    std::unique_ptr<google::protobuf::Message> message =
        ::zhiyuan::testing::NewRequest(*descriptor);
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(request, message.get())) << request;
    std::unique_ptr<google::protobuf::Message> reply = ::zhiyuan::testing::NewReply(*descriptor);
    google::protobuf::Message* into = reply_out != nullptr ? reply_out : reply.get();
    const grpc::Status status =
        ::zhiyuan::testing::CallMethod(*generic_, secret, *descriptor, *message, into);
    if (status.ok() && name != nullptr) {
      const auto* field = into->GetDescriptor()->FindFieldByName("name");
      if (field != nullptr) *name = into->GetReflection()->GetString(*into, field);
    }
    return status;
  }

  // As Call, as the admin, expecting success; returns the reply's name.
  std::string Make(const std::string& method, const std::string& request,
                   google::protobuf::Message* reply = nullptr) {
    std::string name;
    const grpc::Status status = Call(admin_, method, request, &name, reply);
    EXPECT_TRUE(status.ok()) << method << " " << request << ": " << status.error_message();
    return name;
  }

  // As Make, but a refusal for a reason of the data (an overlap, a state) is fine.
  bool Try(const std::string& secret, const std::string& method, const std::string& request,
           std::string* name = nullptr) {
    const grpc::Status status = Call(secret, method, request, name);
    EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
        << method << " " << request << ": " << status.error_message();
    return status.ok();
  }

  std::string MakeToken(const std::string& token) {
    v1::CreateTokenResponse reply;
    Make("zhiyuan.v1.TokenService.CreateToken", absl::StrCat("token { ", token, " }"), &reply);
    return reply.secret();
  }

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(random_); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Uniform(0, static_cast<int>(items.size()) - 1)];
  }

  // A province with two cities, each with two or three counties of two townships of two or
  // three villages; some with populations. Centers, institutes, stations (not in every village,
  // some villages with two) and points.
  void MakeDirectory() {
    std::string regions = "regions { name: 'regions/14' display_name: '山西省' population: 34000000 population_year: 2025 } ";
    for (const std::string city : {"1411", "1401"}) {
      absl::StrAppend(&regions, "regions { name: 'regions/", city, "' display_name: '市", city,
                      "' } ");
      codes_.push_back(city);
      for (int c = 1; c <= Uniform(2, 3); ++c) {
        const std::string county = absl::StrFormat("%s%02d", city, 20 + c);
        absl::StrAppend(&regions, "regions { name: 'regions/", county, "' display_name: '县",
                        county, "' ",
                        Chance(0.6) ? absl::StrCat("population: ", Uniform(50000, 900000),
                                                   " population_year: 2025")
                                    : "",
                        " } ");
        codes_.push_back(county);
        counties_.push_back(county);
        for (int t = 1; t <= 2; ++t) {
          const std::string township = absl::StrFormat("%s%03d", county, t);
          absl::StrAppend(&regions, "regions { name: 'regions/", township, "' display_name: '镇",
                          township, "' } ");
          codes_.push_back(township);
          townships_.push_back(township);
          for (int v = 1; v <= Uniform(2, 3); ++v) {
            const std::string village = absl::StrFormat("%s%03d", township, v);
            absl::StrAppend(&regions, "regions { name: 'regions/", village,
                            "' display_name: '村", village, "' ",
                            Chance(0.3) ? absl::StrCat("population: ", Uniform(300, 3000),
                                                       " population_year: 2025")
                                        : "",
                            " } ");
            codes_.push_back(village);
            villages_.push_back(village);
          }
        }
      }
    }
    Make("zhiyuan.v1.RegionService.ImportRegions", regions);
    for (const std::string& county : counties_) {
      const std::string center =
          Make("zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
               absl::StrCat("practice_unit { display_name: '中心", county,
                            "' kind: PRACTICE_UNIT_KIND_CENTER region: 'regions/", county, "' }"));
      for (const std::string& township : townships_) {
        if (township.rfind(county, 0) != 0) continue;
        const std::string institute = Make(
            "zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
            absl::StrCat("practice_unit { display_name: '所", township,
                         "' kind: PRACTICE_UNIT_KIND_INSTITUTE parent: '", center,
                         "' region: 'regions/", township, "' }"));
        for (const std::string& village : villages_) {
          if (village.rfind(township, 0) != 0) continue;
          for (int s = Uniform(0, 2); s > 0; --s) {
            stations_.push_back(Make(
                "zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
                absl::StrCat("practice_unit { display_name: '站", village, "-", s,
                             "' kind: PRACTICE_UNIT_KIND_STATION parent: '", institute,
                             "' region: 'regions/", village, "' }")));
          }
          if (Chance(0.2)) {
            Make("zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
                 absl::StrCat("practice_unit { display_name: '点", village,
                              "' kind: PRACTICE_UNIT_KIND_POINT parent: '", institute,
                              "' region: 'regions/", village, "' }"));
          }
        }
      }
    }
    std::vector<std::string> team_regions = counties_;
    team_regions.insert(team_regions.end(), townships_.begin(), townships_.end());
    team_regions.insert(team_regions.end(), villages_.begin(), villages_.end());
    for (int i = 0; i < 12; ++i) {
      std::string categories;
      std::set<int> picked;
      for (int c = Uniform(0, 3); c > 0; --c) picked.insert(Uniform(1, 10));
      for (int category : picked) absl::StrAppend(&categories, " categories: ", category);
      teams_.push_back(Make("zhiyuan.v1.TeamService.CreateTeam",
                            absl::StrCat("team { display_name: '队", i, "' home_region: 'regions/",
                                         Pick(team_regions), "'", categories, " }")));
    }
    for (int i = 0; i < 10; ++i) {
      const std::string region = Pick(team_regions);
      posts_.push_back(Make(
          "zhiyuan.v1.PostService.CreatePost",
          absl::StrCat("post { display_name: '岗", i, "' host_organization: '单位", i,
                       "' host_kind: ", Uniform(1, 10), " region: 'regions/", region, "' }")));
      post_regions_.push_back(region);
    }
    for (int i = 0; i < 3; ++i) {
      programs_.push_back(Make(
          "zhiyuan.v1.ProgramService.CreateProgram",
          absl::StrCat("program { display_name: '项目", i, "' category: ", Uniform(1, 10),
                       " owner: 'regions/", Pick(counties_), "' start_date: '2025-01-01' }")));
    }
    for (int i = 0; i < 30; ++i) {
      const std::string residence = Chance(0.8) ? Pick(villages_) : Pick(counties_);
      volunteers_.push_back(Make(
          "zhiyuan.v1.VolunteerService.CreateVolunteer",
          absl::StrCat("volunteer { display_name: '志愿者", i,
                       "' birth_date: '1990-01-01' residence_region: 'regions/", residence,
                       "' id_number: '", IdNumber(absl::StrFormat("14112419900101%03d", i)),
                       "' }")));
    }
    second_admin_ = MakeToken("display_name: '另一位管理员' role: ROLE_SYSTEM_ADMIN");
  }

  // An event somewhere in the tree: most last two hours on a day between June 2025 and
  // October 2026; some run across midnight (China time), some across a month's or year's end.
  void MakeEvent() {
    absl::Time start;
    int minutes = 120;
    if (Chance(0.3)) {
      const absl::CivilDay edges[] = {absl::CivilDay(2025, 12, 31), absl::CivilDay(2026, 1, 31),
                                      absl::CivilDay(2026, 3, 31), absl::CivilDay(2026, 6, 30)};
      const absl::CivilDay day = edges[Uniform(0, 3)];
      start = China(day.year(), day.month(), day.day(), 22, 30);
      minutes = 180;
    } else {
      const absl::CivilDay day = absl::CivilDay(2025, 6, 1) + Uniform(0, 500);
      start = China(day.year(), day.month(), day.day(), Uniform(7, 20), 0);
    }
    std::vector<std::string> places = villages_;
    places.insert(places.end(), townships_.begin(), townships_.end());
    places.insert(places.end(), counties_.begin(), counties_.end());
    const std::string region = Pick(places);
    std::string event = absl::StrCat(
        "event { title: '活动' organizer: '", Pick(teams_), "' region: 'regions/", region,
        "' start_time { seconds: ", absl::ToUnixSeconds(start), " } end_time { seconds: ",
        absl::ToUnixSeconds(start + absl::Minutes(minutes)), " } category: ", Uniform(1, 10),
        " status: ", Chance(0.5) ? "EVENT_STATUS_ONGOING" : "EVENT_STATUS_COMPLETED");
    if (Chance(0.6)) absl::StrAppend(&event, " program: '", Pick(programs_), "'");
    if (const std::string post = PostWithin(region); !post.empty() && Chance(0.7)) {
      absl::StrAppend(&event, " post: '", post, "'");
    }
    if (Chance(0.5)) {
      absl::StrAppend(&event, " reported_headcount { value: ", Uniform(1, 60),
                      " qualifier: FIGURE_QUALIFIER_AT_LEAST }");
    }
    if (Chance(0.3)) {
      absl::StrAppend(&event, " reported_audience { value: ", Uniform(10, 2000),
                      " qualifier: FIGURE_QUALIFIER_ABOUT }");
    }
    events_.push_back({Make("zhiyuan.v1.EventService.CreateEvent", event + " }"), region, start,
                       start + absl::Minutes(minutes)});
  }

  // A post in `region`'s subtree (an event's post must be), or "" when there is none.
  std::string PostWithin(const std::string& region) {
    std::vector<std::string> within;
    for (size_t i = 0; i < posts_.size(); ++i) {
      if (post_regions_[i].rfind(region, 0) == 0) within.push_back(posts_[i]);
    }
    return within.empty() ? "" : Pick(within);
  }

  struct Made {
    std::string name;
    std::string region;
    absl::Time start;
    absl::Time end;
  };

  // An organiser's entry for a random volunteer at a random event, within its time.
  void MakeRecord() {
    const Made& event = Pick(events_);
    const int64_t span = (event.end - event.start) / absl::Minutes(1);
    const int in = Uniform(0, static_cast<int>(span) - 10);
    const int out = Uniform(in + 1, static_cast<int>(span));
    std::string name;
    if (Try(admin_, "zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
            absl::StrCat("parent: '", Pick(volunteers_), "' service_record { event: '",
                         event.name, "' check_in_time { seconds: ",
                         absl::ToUnixSeconds(event.start + absl::Minutes(in)),
                         " } check_out_time { seconds: ",
                         absl::ToUnixSeconds(event.start + absl::Minutes(out)), " } }"),
            &name)) {
      records_.push_back({name, event});
    }
  }

  // Manual minutes, approved or rejected by another person, or left pending; by default a few
  // hours for anyone, else many hours (up to 333) for a volunteer with stars.
  void MakeManualHours(bool veteran = false) {
    const int fate = Uniform(0, 2);
    AddManualHours(veteran ? Pick(veterans_) : Pick(volunteers_),
                   veteran ? Uniform(1000, 20000) : Uniform(10, 600),
                   fate == 0 ? "true" : fate == 1 ? "false" : "");
  }

  // Manual minutes for `volunteer`, then approved ("true"), rejected ("false") or left ("").
  void AddManualHours(const std::string& volunteer, int minutes, const std::string& approve) {
    const Made& event = Pick(events_);
    std::string name;
    if (!Try(admin_, "zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
             absl::StrCat("parent: '", volunteer, "' service_record { event: '", event.name,
                          "' hour_class: HOUR_CLASS_MANUAL credited_minutes: ", minutes,
                          " check_in_time { seconds: ",
                          absl::ToUnixSeconds(event.start + absl::Minutes(5)), " } }"),
             &name) ||
        approve.empty()) {
      return;
    }
    Try(second_admin_, "zhiyuan.v1.ServiceRecordService.ReviewServiceRecord",
        absl::StrCat("name: '", name, "' approve: ", approve, " reason: '核实'"));
  }

  // Later changes: corrections (new times, withdrawals), events moved to another program,
  // category or post, new rules and a recompute, cancelled and deleted events, directory edits.
  void Mutate() {
    for (int i = 0; i < 6 && !records_.empty(); ++i) {
      const auto& [record, event] = Pick(records_);
      std::string correction;
      const std::string body =
          Chance(0.4) ? "withdraw: true"
                      : absl::StrCat("check_in_time { seconds: ",
                                     absl::ToUnixSeconds(event.start + absl::Minutes(1)),
                                     " } check_out_time { seconds: ",
                                     absl::ToUnixSeconds(event.end), " }");
      if (!Try(admin_, "zhiyuan.v1.ServiceRecordService.CreateCorrection",
               absl::StrCat("parent: '", record, "' correction { ", body, " reason: '更正' }"),
               &correction)) {
        continue;
      }
      Try(second_admin_, "zhiyuan.v1.ServiceRecordService.ReviewCorrection",
          absl::StrCat("name: '", correction, "' approve: true"));
    }
    for (int i = 0; i < 5; ++i) {
      const Made& event = Pick(events_);
      std::vector<std::string> paths;
      std::string fields;
      if (Chance(0.5)) {
        paths.push_back("program");
        absl::StrAppend(&fields, Chance(0.7) ? absl::StrCat(" program: '", Pick(programs_), "'")
                                             : "");
      }
      if (Chance(0.5)) {
        paths.push_back("category");
        absl::StrAppend(&fields, " category: ", Uniform(1, 10));
      }
      if (Chance(0.5)) {
        paths.push_back("post");
        const std::string post = PostWithin(event.region);
        absl::StrAppend(&fields, Chance(0.7) && !post.empty() ? absl::StrCat(" post: '", post, "'") : "");
      }
      if (Chance(0.3)) {
        paths.push_back("reported_headcount");
        absl::StrAppend(&fields, " reported_headcount { value: ", Uniform(1, 99),
                        " qualifier: FIGURE_QUALIFIER_EXACT }");
      }
      if (paths.empty()) continue;
      Try(admin_, "zhiyuan.v1.EventService.UpdateEvent",
          absl::StrCat("event { name: '", event.name, "'", fields, " } update_mask { paths: '",
                       absl::StrJoin(paths, "' paths: '"), "' }"));
    }
    // A county's own rules, and its events credited again under them.
    const std::string county = Pick(counties_);
    Make("zhiyuan.v1.HourRuleService.CreateHourRuleSet",
         absl::StrCat("hour_rule_set { region: 'regions/", county,
                      "' bands { up_to_minutes: 0 credit_minutes: 0 } bands { up_to_minutes: 59 "
                      "credit_minutes: 60 } grace_minutes: 15 auto_close_minutes: 120 }"));
    for (const Made& event : events_) {
      Try(admin_, "zhiyuan.v1.ServiceRecordService.RecomputeServiceRecords",
          absl::StrCat("event: '", event.name, "' reason: '新办法'"));
    }
    // Planned events, then cancelled or deleted (neither counts).
    for (int i = 0; i < 4; ++i) {
      const absl::Time start = China(2026, 5, Uniform(1, 28), 9, 0);
      const std::string event = Make(
          "zhiyuan.v1.EventService.CreateEvent",
          absl::StrCat("event { title: '计划' organizer: '", Pick(teams_), "' region: 'regions/",
                       Pick(villages_), "' start_time { seconds: ", absl::ToUnixSeconds(start),
                       " } end_time { seconds: ", absl::ToUnixSeconds(start + absl::Hours(1)),
                       " } category: 1 status: EVENT_STATUS_PLANNED }"));
      if (i % 2 == 0) {
        Make("zhiyuan.v1.EventService.UpdateEvent",
             absl::StrCat("event { name: '", event,
                          "' status: EVENT_STATUS_CANCELLED } update_mask { paths: 'status' }"));
      } else if (i == 1) {
        Make("zhiyuan.v1.EventService.DeleteEvent", absl::StrCat("name: '", event, "'"));
      }
    }
    // The directory: a team and a post deleted, a post's kind changed, a station removed, a
    // volunteer moved and one deleted.
    Try(admin_, "zhiyuan.v1.TeamService.DeleteTeam", absl::StrCat("name: '", Pick(teams_), "'"));
    Try(admin_, "zhiyuan.v1.PostService.UpdatePost",
        absl::StrCat("post { name: '", Pick(posts_), "' host_kind: ", Uniform(1, 10),
                     " } update_mask { paths: 'host_kind' }"));
    Try(admin_, "zhiyuan.v1.PostService.DeletePost", absl::StrCat("name: '", Pick(posts_), "'"));
    if (!stations_.empty()) {
      Try(admin_, "zhiyuan.v1.PracticeUnitService.DeletePracticeUnit",
          absl::StrCat("name: '", Pick(stations_), "'"));
    }
    // Veterans: one moved, one gone, the others' stars changed by more hours.
    Try(admin_, "zhiyuan.v1.VolunteerService.UpdateVolunteer",
        absl::StrCat("volunteer { name: '", veterans_[0], "' residence_region: 'regions/",
                     Pick(villages_), "' } update_mask { paths: 'residence_region' }"));
    const std::string leaving = veterans_.back();
    Try(admin_, "zhiyuan.v1.VolunteerService.DeleteVolunteer",
        absl::StrCat("name: '", leaving, "'"));
    volunteers_.erase(std::find(volunteers_.begin(), volunteers_.end(), leaving));
    veterans_.erase(std::remove(veterans_.begin(), veterans_.end(), leaving), veterans_.end());
    for (int i = 0; i < 8; ++i) MakeManualHours(/*veteran=*/true);
  }

  // A random query of a random metric.
  v1::QueryStatsRequest RandomQuery(std::string* scope) {
    static const std::vector<v1::StatsMetric> kMetrics = {
        v1::STATS_METRIC_TEAMS,
        v1::STATS_METRIC_POSTS,
        v1::STATS_METRIC_PRACTICE_UNITS,
        v1::STATS_METRIC_REGISTERED_VOLUNTEERS,
        // Thrice: distinct counts have the most ways to go wrong.
        v1::STATS_METRIC_ACTIVE_VOLUNTEERS,
        v1::STATS_METRIC_ACTIVE_VOLUNTEERS,
        v1::STATS_METRIC_ACTIVE_VOLUNTEERS,
        v1::STATS_METRIC_EVENTS,
        v1::STATS_METRIC_PERSON_TIMES,
        v1::STATS_METRIC_SERVICE_MINUTES,
        v1::STATS_METRIC_REPORTED_HEADCOUNT,
        v1::STATS_METRIC_REPORTED_AUDIENCE,
        v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS,
        v1::STATS_METRIC_STATION_COVERAGE,
    };
    v1::QueryStatsRequest request;
    request.set_metric(Pick(kMetrics));
    const bool activity = request.metric() >= v1::STATS_METRIC_ACTIVE_VOLUNTEERS &&
                          request.metric() <= v1::STATS_METRIC_REPORTED_AUDIENCE;
    std::vector<std::string> scopes = {"", "14"};
    scopes.push_back(Pick(codes_));
    scopes.push_back(Pick(counties_));
    *scope = Pick(scopes);
    if (!scope->empty()) request.set_region(absl::StrCat("regions/", *scope));
    int scope_level = 0;
    for (int level = 1; level <= 5; ++level) {
      if (scope->size() == kCodeLength[level]) scope_level = level;
    }
    std::vector<v1::StatsDimension> others;
    if (activity) {
      others = {v1::STATS_DIMENSION_PROGRAM, v1::STATS_DIMENSION_CATEGORY,
                v1::STATS_DIMENSION_TEAM, v1::STATS_DIMENSION_POST_KIND};
    } else if (request.metric() == v1::STATS_METRIC_TEAMS) {
      others = {v1::STATS_DIMENSION_CATEGORY};
    } else if (request.metric() == v1::STATS_METRIC_POSTS) {
      others = {v1::STATS_DIMENSION_POST_KIND};
    } else if (request.metric() == v1::STATS_METRIC_PRACTICE_UNITS) {
      others = {v1::STATS_DIMENSION_PRACTICE_UNIT_KIND};
    } else if (request.metric() == v1::STATS_METRIC_REGISTERED_VOLUNTEERS) {
      others = {v1::STATS_DIMENSION_STAR_LEVEL};
    }
    std::vector<v1::StatsDimension> dimensions;
    if (Chance(0.6)) dimensions.push_back(v1::STATS_DIMENSION_REGION);
    std::shuffle(others.begin(), others.end(), random_);
    const int count = others.empty() ? 0 : Uniform(0, Chance(0.2) ? 2 : 1);
    for (int i = 0; i < count && i < static_cast<int>(others.size()); ++i) {
      dimensions.push_back(others[i]);
    }
    if (activity && Chance(0.5)) {
      dimensions.push_back(static_cast<v1::StatsDimension>(
          Uniform(v1::STATS_DIMENSION_DAY, v1::STATS_DIMENSION_YEAR)));
    }
    std::shuffle(dimensions.begin(), dimensions.end(), random_);
    for (v1::StatsDimension dimension : dimensions) request.add_group_by(dimension);
    if (std::find(dimensions.begin(), dimensions.end(), v1::STATS_DIMENSION_REGION) !=
        dimensions.end()) {
      request.set_region_level(static_cast<v1::RegionLevel>(Uniform(std::max(1, scope_level), 5)));
    }
    if (activity) {
      switch (Uniform(0, 6)) {
        case 0:
          break;
        case 1:
          request.set_start_date("2026-01-01");
          request.set_end_date("2026-12-31");
          break;
        case 2: {
          const absl::CivilDay first = absl::CivilDay(2025, 6, 1) + Uniform(0, 400);
          request.set_start_date(absl::FormatCivilTime(first));
          request.set_end_date(absl::FormatCivilTime(first + Uniform(0, 120)));
          break;
        }
        case 3:
          request.set_start_date(Chance(0.5) ? "2026-01-01" : "2025-12-31");
          request.set_end_date(request.start_date());
          break;
        case 4: {
          const absl::CivilMonth month = absl::CivilMonth(2025, 6) + Uniform(0, 16);
          request.set_start_date(absl::FormatCivilTime(absl::CivilDay(month)));
          request.set_end_date(absl::FormatCivilTime(absl::CivilDay(month + 1) - 1));
          break;
        }
        case 5: {  // Most of a calendar year at times: read as the year less its edges.
          const absl::CivilDay first = absl::CivilDay(2025, 1, 1) + Uniform(0, 500);
          request.set_start_date(absl::FormatCivilTime(first));
          request.set_end_date(absl::FormatCivilTime(first + Uniform(200, 400)));
          break;
        }
        default:
          request.set_start_date(absl::FormatCivilTime(absl::CivilDay(2025, 6, 1) + Uniform(0, 500)));
      }
      if (Chance(0.25)) request.set_program(Pick(programs_));
      if (Chance(0.2)) request.set_category(static_cast<v1::ServiceCategory>(Uniform(1, 10)));
      if (Chance(0.15)) request.set_team(Pick(teams_));
      if (request.metric() == v1::STATS_METRIC_SERVICE_MINUTES) {
        request.set_hour_class(static_cast<v1::HourClass>(Uniform(0, 2)));
      }
    } else if (request.metric() == v1::STATS_METRIC_TEAMS && Chance(0.3)) {
      request.set_category(static_cast<v1::ServiceCategory>(Uniform(1, 10)));
    }
    return request;
  }

  // A response sorted by value (`request.order_by`) and cut to `request.limit`: sorted, the
  // oracle's figures, as many as asked for, and none left out that is further along the order
  // than the last (ties may be cut either way).
  static void CheckTop(const v1::QueryStatsRequest& request, const v1::QueryStatsResponse& response,
                       const Figures& expected, const std::string& where) {
    const bool ratio = request.metric() == v1::STATS_METRIC_STATION_COVERAGE ||
                       request.metric() == v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS;
    const double scale =
        request.metric() == v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS ? 100.0 : 1.0;
    auto measure = [&](int64_t value, int64_t second) {
      if (!ratio) return static_cast<double>(value);
      return second == 0 ? 0.0 : scale * value / second;
    };
    // How far along the order: larger first, or smaller first.
    const double sign = request.order_by() == v1::STATS_ORDER_VALUE_DESCENDING ? -1.0 : 1.0;
    const Figures actual = Actual(response, request.metric());
    const size_t want = request.limit() > 0
                            ? std::min<size_t>(request.limit(), expected.size())
                            : expected.size();
    ASSERT_EQ(response.rows_size(), want) << where << "\n" << request.DebugString();
    ASSERT_EQ(actual.size(), want) << where << ": a group listed twice";
    double last = -1e300;
    for (const v1::StatsRow& row : response.rows()) {
      const double at = sign * (ratio ? row.ratio() : static_cast<double>(row.value()));
      EXPECT_GE(at, last) << where << ": out of order\n" << request.DebugString();
      last = at;
    }
    for (const auto& [keys, figure] : actual) {
      const auto it = expected.find(keys);
      ASSERT_NE(it, expected.end()) << where << ": [" << absl::StrJoin(keys, ",") << "] listed";
      EXPECT_EQ(figure.value, it->second.value) << where << "\n" << request.DebugString();
      EXPECT_EQ(figure.second, it->second.second) << where << "\n" << request.DebugString();
    }
    for (const auto& [keys, figure] : expected) {
      if (actual.count(keys) != 0) continue;
      EXPECT_GE(sign * measure(figure.value, figure.second), last - 1e-9)
          << where << ": [" << absl::StrJoin(keys, ",") << "] left out\n"
          << request.DebugString();
    }
  }

  // `queries` random queries, each equal to the oracle's figures.
  void CheckRandomQueries(int queries, const std::string& phase) {
    const Raw raw = ReadRaw();
    for (int i = 0; i < queries; ++i) {
      std::string scope;
      v1::QueryStatsRequest request = RandomQuery(&scope);
      if (Chance(0.3)) {
        request.set_order_by(Chance(0.5) ? v1::STATS_ORDER_VALUE_DESCENDING
                                         : v1::STATS_ORDER_VALUE_ASCENDING);
        if (Chance(0.6)) request.set_limit(Uniform(1, 4));
      }
      v1::QueryStatsResponse response;
      grpc::ClientContext context;
      const grpc::Status status = Stats(admin_)->QueryStats(&context, request, &response);
      ASSERT_TRUE(status.ok()) << phase << " seed " << seed_ << ": " << status.error_message()
                               << "\n" << request.DebugString();
      ASSERT_EQ(response.unavailable(), "") << request.DebugString();
      ++answers_[{request.metric(), response.source()}];
      const Figures expected = Expected(request, scope, raw);
      const Figures actual = Actual(response, request.metric());
      if (request.order_by() == v1::STATS_ORDER_UNSPECIFIED) {
        ASSERT_EQ(Describe(actual), Describe(expected))
            << phase << " seed " << seed_ << ", query " << i << " ("
            << v1::StatsSource_Name(response.source()) << "):\n" << request.DebugString();
      } else {
        CheckTop(request, response, expected, absl::StrCat(phase, " seed ", seed_, ", query ", i));
      }
      if (request.metric() == v1::STATS_METRIC_STATION_COVERAGE) {
        for (const v1::StatsRow& row : response.rows()) {
          EXPECT_DOUBLE_EQ(row.ratio(), row.denominator() == 0 ? 0.0
                                                               : static_cast<double>(row.value()) /
                                                                     row.denominator());
        }
      }
      if (request.metric() == v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS) {
        for (const v1::StatsRow& row : response.rows()) {
          EXPECT_DOUBLE_EQ(row.ratio(), row.denominator() == 0 ? 0.0
                                                               : 100.0 * row.value() /
                                                                     row.denominator());
        }
      }
    }
  }

  void CompactAll() { ASSERT_THAT(StatsCompactor::CompactAll(*compact_store_), IsOk()); }

  // Folds a few changes only, leaving the rest pending.
  void CompactSome() {
    ASSERT_THAT(compact_store_->Compact(Uniform(1, 40), absl::Now() + absl::Seconds(30)), IsOk());
  }

  std::unique_ptr<Server> server_;
  std::string address_;
  std::unique_ptr<grpc::GenericStub> generic_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<storage::PostgresStatsStore> compact_store_;
  unsigned seed_ = 0;
  std::mt19937 random_;
  std::string admin_, second_admin_;
  std::vector<std::string> codes_, counties_, townships_, villages_;
  std::vector<std::string> teams_, posts_, post_regions_, programs_, volunteers_, stations_;
  std::vector<std::string> veterans_;  // A few volunteers given many hours, for star levels.
  std::vector<Made> events_;
  std::vector<std::pair<std::string, Made>> records_;  // Each with its event.
  // How many queries of each metric each source answered.
  std::map<std::pair<v1::StatsMetric, v1::StatsSource>, int> answers_;
};

TEST_F(StatsServiceTest, EveryFigureEqualsTheRawRowsBeforeAndAfterFoldsAndChanges) {
  if (IsSkipped()) return;
  MakeDirectory();
  for (int i = 0; i < 30; ++i) MakeEvent();
  for (int i = 0; i < 150; ++i) MakeRecord();
  for (int i = 0; i < 12; ++i) MakeManualHours();
  veterans_.assign(volunteers_.begin(), volunteers_.begin() + 5);
  for (int i = 0; i < 16; ++i) MakeManualHours(/*veteran=*/true);
  AddManualHours(veterans_.back(), 6000, "true");  // A star at least, before it leaves.
  ASSERT_GT(records_.size(), 60u);
  const Raw raw = ReadRaw();
  ASSERT_GT(std::count_if(raw.volunteers.begin(), raw.volunteers.end(),
                          [](const auto& volunteer) { return volunteer.second > 0; }),
            1);

  // Nothing folded yet: every figure comes from the pending changes.
  CheckRandomQueries(150, "unfolded");
  CompactSome();
  CompactSome();
  CheckRandomQueries(100, "partly folded");
  CompactAll();
  CheckRandomQueries(150, "folded");
  // Changes of every kind, read at once, then folded.
  Mutate();
  for (int i = 0; i < 20; ++i) MakeRecord();
  CheckRandomQueries(150, "changed");
  CompactAll();
  CheckRandomQueries(150, "changed and folded");
  // Folded, the compactor's record of star levels holds the volunteers with stars, no more.
  const Raw changed = ReadRaw();
  pqxx::connection connection(TestDatabaseUrl());
  pqxx::nontransaction txn(connection);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM volunteer_stars")[0].as<int64_t>(),
            std::count_if(changed.volunteers.begin(), changed.volunteers.end(),
                          [](const auto& volunteer) { return volunteer.second > 0; }));
  // Both sources answered, distinct volunteers included.
  EXPECT_GT((answers_[{v1::STATS_METRIC_ACTIVE_VOLUNTEERS, v1::STATS_SOURCE_ROLLUPS}]), 5);
  EXPECT_GT((answers_[{v1::STATS_METRIC_ACTIVE_VOLUNTEERS, v1::STATS_SOURCE_RAW_ROWS}]), 5);
  EXPECT_GT((answers_[{v1::STATS_METRIC_PERSON_TIMES, v1::STATS_SOURCE_ROLLUPS}]), 10);
  EXPECT_GT((answers_[{v1::STATS_METRIC_SERVICE_MINUTES, v1::STATS_SOURCE_RAW_ROWS}]), 2);
}

}  // namespace
}  // namespace zhiyuan::services

namespace zhiyuan::services {
namespace {

// The figures of one query as the admin, or the call's status.
grpc::Status Query(v1::StatsService::Stub& stub, const std::string& text,
                   v1::QueryStatsResponse* response) {
  v1::QueryStatsRequest request;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &request)) << text;
  grpc::ClientContext context;
  return stub.QueryStats(&context, request, response);
}

TEST_F(StatsServiceTest, ChinaTimeDecidesTheDayMonthAndYearOfARecord) {
  if (IsSkipped()) return;
  MakeDirectory();
  // New Year's Eve until 01:00, China time: one volunteer before midnight, one after.
  const std::string event = Make(
      "zhiyuan.v1.EventService.CreateEvent",
      absl::StrCat("event { title: '跨年' organizer: '", teams_[0], "' region: 'regions/",
                   counties_[0], "' start_time { seconds: ",
                   absl::ToUnixSeconds(China(2025, 12, 31, 23, 0)), " } end_time { seconds: ",
                   absl::ToUnixSeconds(China(2026, 1, 1, 1, 0)),
                   " } category: 1 status: EVENT_STATUS_COMPLETED }"));
  const std::pair<absl::Time, absl::Time> stints[] = {
      {China(2025, 12, 31, 23, 10), China(2025, 12, 31, 23, 50)},
      {China(2026, 1, 1, 0, 10), China(2026, 1, 1, 0, 50)}};
  for (int i = 0; i < 2; ++i) {
    Make("zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
         absl::StrCat("parent: '", volunteers_[i], "' service_record { event: '", event,
                      "' check_in_time { seconds: ", absl::ToUnixSeconds(stints[i].first),
                      " } check_out_time { seconds: ", absl::ToUnixSeconds(stints[i].second),
                      " } }"));
  }
  auto stats = Stats(admin_);
  for (bool folded : {false, true}) {
    if (folded) CompactAll();
    v1::QueryStatsResponse response;
    ASSERT_THAT(Query(*stats, "metric: STATS_METRIC_PERSON_TIMES group_by: STATS_DIMENSION_DAY",
                      &response),
                IsOk());
    EXPECT_EQ(Describe(Actual(response, v1::STATS_METRIC_PERSON_TIMES)),
              "[2025-12-31] 1/0\n[2026-01-01] 1/0");
    ASSERT_THAT(
        Query(*stats, "metric: STATS_METRIC_ACTIVE_VOLUNTEERS group_by: STATS_DIMENSION_YEAR",
              &response),
        IsOk());
    EXPECT_EQ(response.source(), v1::STATS_SOURCE_ROLLUPS);
    EXPECT_EQ(Describe(Actual(response, v1::STATS_METRIC_ACTIVE_VOLUNTEERS)),
              "[2025-01-01] 1/0\n[2026-01-01] 1/0");
    ASSERT_THAT(Query(*stats,
                      "metric: STATS_METRIC_PERSON_TIMES start_date: '2025-12-01' "
                      "end_date: '2025-12-31'",
                      &response),
                IsOk());
    EXPECT_EQ(Describe(Actual(response, v1::STATS_METRIC_PERSON_TIMES)), "[] 1/0");
    // The event counts on the day it starts.
    ASSERT_THAT(Query(*stats, "metric: STATS_METRIC_EVENTS group_by: STATS_DIMENSION_MONTH",
                      &response),
                IsOk());
    EXPECT_EQ(Describe(Actual(response, v1::STATS_METRIC_EVENTS)), "[2025-12-01] 1/0");
  }
}

// A window is read from whole years, quarters, months and weeks and the days at their edges, or
// from a year less those it leaves out: no record is counted in the bucket of a neighbouring
// month, quarter or year for having a week in common with it, nor in a window for being in its
// year or quarter.
TEST_F(StatsServiceTest, WindowsKeepEachDayInItsBucketAcrossWeeksAndYears) {
  if (IsSkipped()) return;
  MakeDirectory();
  // Two weeks that straddle a start: Monday 2025-12-29 to Sunday 2026-01-04, and Monday
  // 2026-01-26 to Sunday 2026-02-01. One record on each side of each start.
  const absl::CivilDay days[] = {absl::CivilDay(2025, 12, 31), absl::CivilDay(2026, 1, 1),
                                 absl::CivilDay(2026, 1, 27), absl::CivilDay(2026, 2, 1)};
  for (int i = 0; i < 4; ++i) {
    const absl::CivilDay day = days[i];
    const std::string event = Make(
        "zhiyuan.v1.EventService.CreateEvent",
        absl::StrCat("event { title: '志愿服务' organizer: '", teams_[0], "' region: 'regions/",
                     counties_[0], "' start_time { seconds: ",
                     absl::ToUnixSeconds(China(day.year(), day.month(), day.day(), 9, 0)),
                     " } end_time { seconds: ",
                     absl::ToUnixSeconds(China(day.year(), day.month(), day.day(), 11, 0)),
                     " } category: 1 status: EVENT_STATUS_COMPLETED }"));
    Make("zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
         absl::StrCat("parent: '", volunteers_[i], "' service_record { event: '", event,
                      "' check_in_time { seconds: ",
                      absl::ToUnixSeconds(China(day.year(), day.month(), day.day(), 9, 10)),
                      " } check_out_time { seconds: ",
                      absl::ToUnixSeconds(China(day.year(), day.month(), day.day(), 10, 50)),
                      " } }"));
  }
  // The last century too: an open start reaches back to year 1.
  const std::string old_event = Make(
      "zhiyuan.v1.EventService.CreateEvent",
      absl::StrCat("event { title: '千年' organizer: '", teams_[0], "' region: 'regions/",
                   counties_[0], "' start_time { seconds: ",
                   absl::ToUnixSeconds(China(1999, 12, 31, 9, 0)), " } end_time { seconds: ",
                   absl::ToUnixSeconds(China(1999, 12, 31, 11, 0)),
                   " } category: 1 status: EVENT_STATUS_COMPLETED }"));
  Make("zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
       absl::StrCat("parent: '", volunteers_[4], "' service_record { event: '", old_event,
                    "' check_in_time { seconds: ", absl::ToUnixSeconds(China(1999, 12, 31, 9, 10)),
                    " } check_out_time { seconds: ",
                    absl::ToUnixSeconds(China(1999, 12, 31, 10, 50)), " } }"));
  const std::pair<const char*, const char*> cases[] = {
      {"group_by: STATS_DIMENSION_MONTH start_date: '2026-01-20' end_date: '2026-02-10'",
       "[2026-01-01] 1/0\n[2026-02-01] 1/0"},
      {"group_by: STATS_DIMENSION_QUARTER start_date: '2025-12-20' end_date: '2026-01-10'",
       "[2025-10-01] 1/0\n[2026-01-01] 1/0"},
      {"group_by: STATS_DIMENSION_YEAR start_date: '2025-12-20' end_date: '2026-01-10'",
       "[2025-01-01] 1/0\n[2026-01-01] 1/0"},
      {"group_by: STATS_DIMENSION_WEEK start_date: '2025-12-01' end_date: '2026-02-28'",
       "[2025-12-29] 2/0\n[2026-01-26] 2/0"},
      {"start_date: '2025-12-29' end_date: '2026-02-01'", "[] 4/0"},
      {"start_date: '2025-12-30' end_date: '2026-01-31'", "[] 3/0"},
      {"start_date: '2026-01-01' end_date: '2026-12-31'", "[] 3/0"},
      {"group_by: STATS_DIMENSION_YEAR",
       "[1999-01-01] 1/0\n[2025-01-01] 1/0\n[2026-01-01] 3/0"},
      {"", "[] 5/0"},
      {"end_date: '2025-12-31'", "[] 2/0"},
      // Open windows by week and day: filtered, the weeks are listed one by one and the days
      // (more than 2,000 since 1999) read as a range.
      {"group_by: STATS_DIMENSION_WEEK", "[1999-12-27] 1/0\n[2025-12-29] 2/0\n[2026-01-26] 2/0"},
      {"group_by: STATS_DIMENSION_DAY",
       "[1999-12-31] 1/0\n[2025-12-31] 1/0\n[2026-01-01] 1/0\n[2026-01-27] 1/0\n"
       "[2026-02-01] 1/0"},
      // Years less a day at an edge or most of a half.
      {"start_date: '2026-01-02' end_date: '2026-12-31'", "[] 2/0"},
      {"group_by: STATS_DIMENSION_YEAR start_date: '2025-06-01' end_date: '2026-12-30'",
       "[2025-01-01] 1/0\n[2026-01-01] 3/0"},
      {"group_by: STATS_DIMENSION_YEAR start_date: '2025-01-02' end_date: '2025-12-30'", ""},
      // Whole quarters, and quarters with months, weeks and days at their edges.
      {"start_date: '2026-01-01' end_date: '2026-03-31'", "[] 3/0"},
      {"start_date: '2025-07-01' end_date: '2026-06-30'", "[] 4/0"},
      {"start_date: '2025-04-01' end_date: '2026-01-31'", "[] 3/0"},
      {"start_date: '2025-10-02' end_date: '2026-01-26'", "[] 2/0"},
      {"start_date: '2026-02-01' end_date: '2026-09-30'", "[] 1/0"},
      {"group_by: STATS_DIMENSION_QUARTER start_date: '2025-07-01' end_date: '2026-06-30'",
       "[2025-10-01] 1/0\n[2026-01-01] 3/0"},
      {"group_by: STATS_DIMENSION_QUARTER start_date: '2025-11-15' end_date: '2026-01-31'",
       "[2025-10-01] 1/0\n[2026-01-01] 2/0"},
      {"group_by: STATS_DIMENSION_MONTH start_date: '2025-10-01' end_date: '2026-03-31'",
       "[2025-12-01] 1/0\n[2026-01-01] 2/0\n[2026-02-01] 1/0"},
  };
  // Read nationally (provinces' rows), in the county (where weeks and quarters are kept) and per
  // village of the county (where they are not; the county's own events stay under its code);
  // and so filtered by the events' team, whose rows are read period by period instead.
  const std::string county = absl::StrCat(" region: 'regions/", counties_[0], "'");
  const std::string team = absl::StrCat(" team: '", teams_[0], "'");
  const std::string per_village =
      " group_by: STATS_DIMENSION_REGION region_level: REGION_LEVEL_VILLAGE";
  const std::string scopes[] = {"",   county,          county + per_village,
                                team, county + team, county + team + per_village};
  auto without_regions = [](const Figures& figures) {
    Figures out;
    for (const auto& [keys, figure] : figures) {
      std::vector<std::string> rest;
      for (const std::string& key : keys) {
        if (!absl::StartsWith(key, "regions/")) rest.push_back(key);
      }
      out[rest] = figure;
    }
    return out;
  };
  auto stats = Stats(admin_);
  for (bool folded : {false, true}) {
    if (folded) CompactAll();
    for (const auto& [query, figures] : cases) {
      for (const std::string& scope : scopes) {
        v1::QueryStatsResponse response;
        ASSERT_THAT(Query(*stats, absl::StrCat("metric: STATS_METRIC_PERSON_TIMES ", query, scope),
                          &response),
                    IsOk());
        EXPECT_EQ(Describe(without_regions(Actual(response, v1::STATS_METRIC_PERSON_TIMES))),
                  figures)
            << query << scope << (folded ? ", folded" : "");
      }
    }
  }
}

TEST_F(StatsServiceTest, AReporterReadsTheFiguresOfItsRegionOnly) {
  if (IsSkipped()) return;
  MakeDirectory();
  for (int i = 0; i < 15; ++i) MakeEvent();
  for (int i = 0; i < 60; ++i) MakeRecord();
  const std::string county = counties_[0];
  const std::string reporter = MakeToken(absl::StrCat(
      "display_name: '县文明办' role: ROLE_REPORTER region: 'regions/", county, "'"));
  const std::string volunteer = MakeToken(absl::StrCat(
      "display_name: '志愿者' role: ROLE_VOLUNTEER volunteer: '", volunteers_[0], "'"));
  const std::string leader = MakeToken(
      absl::StrCat("display_name: '队长' role: ROLE_TEAM_LEADER team: '", teams_[0], "'"));
  const Raw raw = ReadRaw();
  auto stats = Stats(reporter);
  for (const char* text :
       {"metric: STATS_METRIC_PERSON_TIMES group_by: STATS_DIMENSION_REGION "
        "region_level: REGION_LEVEL_VILLAGE",
        "metric: STATS_METRIC_TEAMS", "metric: STATS_METRIC_SERVICE_MINUTES"}) {
    v1::QueryStatsRequest request;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &request));
    v1::QueryStatsResponse response;
    ASSERT_THAT(Query(*stats, text, &response), IsOk());
    EXPECT_EQ(Describe(Actual(response, request.metric())),
              Describe(Expected(request, county, raw)))
        << text;
  }
  v1::QueryStatsResponse response;
  const std::string other = counties_.back();
  EXPECT_THAT(Query(*stats, absl::StrCat("metric: STATS_METRIC_TEAMS region: 'regions/", other, "'"),
                    &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Query(*stats, "metric: STATS_METRIC_TEAMS region: 'regions/14'", &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  for (const std::string& secret : {volunteer, leader}) {
    EXPECT_THAT(Query(*Stats(secret), "metric: STATS_METRIC_TEAMS", &response),
                StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  }
}

TEST_F(StatsServiceTest, DistinctVolunteersOverAnUnevenWindowSayTheyCannotBeCounted) {
  if (IsSkipped()) return;
  MakeDirectory();
  for (int i = 0; i < 10; ++i) MakeEvent();
  for (int i = 0; i < 40; ++i) MakeRecord();
  const std::string uneven =
      "metric: STATS_METRIC_ACTIVE_VOLUNTEERS start_date: '2025-06-15' end_date: '2026-10-14'";
  StartServer({/*max_distinct_records=*/3, /*max_distinct_events=*/1000});
  v1::QueryStatsResponse response;
  ASSERT_THAT(Query(*Stats(admin_), uneven, &response), IsOk());
  EXPECT_THAT(response.unavailable(), ::testing::HasSubstr("more than 3 credited records"));
  EXPECT_THAT(response.rows(), ::testing::IsEmpty());
  // The records are found through the scope's events, whatever the window: too many of those,
  // and the count is refused however few records the window holds.
  StartServer({/*max_distinct_records=*/1000, /*max_distinct_events=*/9});
  ASSERT_THAT(Query(*Stats(admin_), uneven, &response), IsOk());
  EXPECT_THAT(response.unavailable(), ::testing::HasSubstr("more than 9 events"));
  EXPECT_THAT(response.rows(), ::testing::IsEmpty());
  StartServer({/*max_distinct_records=*/1000, /*max_distinct_events=*/10});
  ASSERT_THAT(Query(*Stats(admin_), uneven, &response), IsOk());
  EXPECT_EQ(response.unavailable(), "");
  EXPECT_FALSE(response.rows().empty());
  // Whole calendar years come from the kept counts, whatever their size.
  ASSERT_THAT(Query(*Stats(admin_),
                    "metric: STATS_METRIC_ACTIVE_VOLUNTEERS start_date: '2025-01-01' "
                    "end_date: '2026-12-31' group_by: STATS_DIMENSION_YEAR",
                    &response),
              IsOk());
  EXPECT_EQ(response.unavailable(), "");
  EXPECT_FALSE(response.rows().empty());
}

// Migration 0016 wrote active_counts from the stored records at once and queued their activity
// figures for the compactor: until it folds them, distinct volunteers below the scope are found
// through active_counts' own yearly rows, not the activity rollups'.
TEST_F(StatsServiceTest, DistinctVolunteersBelowTheScopeDoNotWaitForTheActivityRollups) {
  if (IsSkipped()) return;
  MakeDirectory();
  for (int i = 0; i < 10; ++i) MakeEvent();
  for (int i = 0; i < 60; ++i) MakeRecord();
  CompactAll();
  const std::string per_county =
      "metric: STATS_METRIC_ACTIVE_VOLUNTEERS group_by: STATS_DIMENSION_REGION "
      "group_by: STATS_DIMENSION_YEAR region_level: REGION_LEVEL_COUNTY "
      "start_date: '2025-01-01' end_date: '2026-12-31'";
  v1::QueryStatsResponse folded;
  ASSERT_THAT(Query(*Stats(admin_), per_county, &folded), IsOk());
  ASSERT_EQ(folded.source(), v1::STATS_SOURCE_ROLLUPS);
  ASSERT_FALSE(folded.rows().empty());
  pqxx::connection connection(TestDatabaseUrl());
  pqxx::nontransaction(connection).exec("DELETE FROM activity_rollups");
  v1::QueryStatsResponse unfolded;
  ASSERT_THAT(Query(*Stats(admin_), per_county, &unfolded), IsOk());
  EXPECT_EQ(unfolded.DebugString(), folded.DebugString());
}

TEST_F(StatsServiceTest, ARegionSummaryHoldsTheFiguresOfItsQueries) {
  if (IsSkipped()) return;
  MakeDirectory();
  for (int i = 0; i < 20; ++i) MakeEvent();
  for (int i = 0; i < 80; ++i) MakeRecord();
  for (int i = 0; i < 6; ++i) MakeManualHours();
  AddManualHours(volunteers_[0], 20000, "true");  // 2 stars.
  const Raw raw = ReadRaw();
  for (const std::string& scope : {std::string("14"), counties_[0]}) {
    v1::GetRegionSummaryRequest request;
    request.set_region(absl::StrCat("regions/", scope));
    request.set_start_date("2026-01-01");
    request.set_end_date("2026-12-31");
    v1::RegionSummary summary;
    grpc::ClientContext context;
    ASSERT_THAT(Stats(admin_)->GetRegionSummary(&context, request, &summary), IsOk());
    auto figure = [&](const std::string& text) {
      v1::QueryStatsRequest query;
      EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &query)) << text;
      const Figures figures = Expected(query, scope, raw);
      return figures.empty() ? Figure() : figures.begin()->second;
    };
    const std::string window = " start_date: '2026-01-01' end_date: '2026-12-31'";
    EXPECT_EQ(summary.teams(), figure("metric: STATS_METRIC_TEAMS").value);
    EXPECT_EQ(summary.posts(), figure("metric: STATS_METRIC_POSTS").value);
    EXPECT_EQ(summary.practice_centers() + summary.practice_institutes() +
                  summary.practice_stations() + summary.practice_points(),
              figure("metric: STATS_METRIC_PRACTICE_UNITS").value);
    EXPECT_EQ(summary.registered_volunteers(),
              figure("metric: STATS_METRIC_REGISTERED_VOLUNTEERS").value);
    v1::QueryStatsRequest by_star;
    by_star.set_metric(v1::STATS_METRIC_REGISTERED_VOLUNTEERS);
    by_star.add_group_by(v1::STATS_DIMENSION_STAR_LEVEL);
    const Figures levels = Expected(by_star, scope, raw);
    ASSERT_GE(levels.size(), scope.size() == 2 ? 2u : 1u);
    std::vector<int64_t> by_level(6);
    for (const auto& [keys, level] : levels) by_level[std::stoi(keys[0])] = level.value;
    EXPECT_THAT(summary.volunteers_by_star_level(), ::testing::ElementsAreArray(by_level));
    EXPECT_EQ(summary.villages(), figure("metric: STATS_METRIC_STATION_COVERAGE").second);
    EXPECT_EQ(summary.villages_with_station(),
              figure("metric: STATS_METRIC_STATION_COVERAGE").value);
    EXPECT_EQ(summary.events(), figure("metric: STATS_METRIC_EVENTS" + window).value);
    EXPECT_EQ(summary.person_times(), figure("metric: STATS_METRIC_PERSON_TIMES" + window).value);
    EXPECT_EQ(summary.attendance_minutes(),
              figure("metric: STATS_METRIC_SERVICE_MINUTES hour_class: HOUR_CLASS_ATTENDANCE" +
                     window)
                  .value);
    EXPECT_EQ(summary.manual_minutes(),
              figure("metric: STATS_METRIC_SERVICE_MINUTES hour_class: HOUR_CLASS_MANUAL" + window)
                  .value);
    EXPECT_EQ(summary.active_volunteers(),
              static_cast<int64_t>(
                  figure("metric: STATS_METRIC_ACTIVE_VOLUNTEERS" + window).people.size()));
    EXPECT_EQ(summary.active_volunteers_unavailable(), "");
    EXPECT_EQ(summary.reported_headcount(),
              figure("metric: STATS_METRIC_REPORTED_HEADCOUNT" + window).value);
    EXPECT_EQ(summary.headcount_reporting_events(),
              figure("metric: STATS_METRIC_REPORTED_HEADCOUNT" + window).second);
    EXPECT_EQ(summary.reported_audience(),
              figure("metric: STATS_METRIC_REPORTED_AUDIENCE" + window).value);
    EXPECT_EQ(summary.population(), raw.regions.at(scope).value_or(0));
  }
}

TEST_F(StatsServiceTest, BadQueriesNameTheFieldAndTheRule) {
  if (IsSkipped()) return;
  MakeDirectory();
  auto stats = Stats(admin_);
  const std::pair<const char*, const char*> invalid[] = {
      {"", "metric"},
      {"metric: STATS_METRIC_TEAMS group_by: STATS_DIMENSION_TEAM", "TEAM dimension"},
      {"metric: STATS_METRIC_EVENTS group_by: STATS_DIMENSION_DAY group_by: STATS_DIMENSION_YEAR",
       "one time bucket"},
      {"metric: STATS_METRIC_EVENTS group_by: STATS_DIMENSION_DAY group_by: STATS_DIMENSION_DAY",
       "twice"},
      {"metric: STATS_METRIC_EVENTS group_by: STATS_DIMENSION_REGION", "region_level"},
      {"metric: STATS_METRIC_EVENTS region: 'regions/1411' group_by: STATS_DIMENSION_REGION "
       "region_level: REGION_LEVEL_PROVINCE",
       "region_level"},
      {"metric: STATS_METRIC_TEAMS start_date: '2026-01-01'", "start_date"},
      {"metric: STATS_METRIC_EVENTS start_date: '2026-02-01' end_date: '2026-01-01'", "end_date"},
      {"metric: STATS_METRIC_EVENTS start_date: '2026-02-30'", "start_date"},
      {"metric: STATS_METRIC_EVENTS hour_class: HOUR_CLASS_MANUAL", "hour_class"},
      {"metric: STATS_METRIC_EVENTS limit: -1", "limit"},
      {"metric: STATS_METRIC_POSTS team: 'teams/1'", "team"},
  };
  for (const auto& [text, field] : invalid) {
    v1::QueryStatsResponse response;
    EXPECT_THAT(Query(*stats, text, &response),
                StatusIs(grpc::StatusCode::INVALID_ARGUMENT, ::testing::HasSubstr(field)))
        << text;
  }
  v1::QueryStatsResponse response;
  EXPECT_THAT(Query(*stats, "metric: STATS_METRIC_EVENTS program: 'programs/999999'", &response),
              StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::HasSubstr("program")));
  EXPECT_THAT(Query(*stats, "metric: STATS_METRIC_EVENTS region: 'regions/99'", &response),
              StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::HasSubstr("regions/99")));
}

}  // namespace
}  // namespace zhiyuan::services
