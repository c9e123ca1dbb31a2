#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "storage/migrations.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::NewEmptyDatabase;
using ::zhiyuan::testing::StatusIs;

// Three migrations whose effects show their order: each appends to a log table.
std::vector<Migration> Sample() {
  return {
      {1, "create_log", "CREATE TABLE log (id serial PRIMARY KEY, step int NOT NULL)", "c1"},
      {2, "second", "INSERT INTO log (step) VALUES (2)", "c2"},
      {5, "fifth", "INSERT INTO log (step) VALUES (5); ALTER TABLE log ADD COLUMN note text", "c5"},
  };
}

std::vector<int> Steps(pqxx::connection& connection) {
  std::vector<int> steps;
  for (const auto& row :
       pqxx::nontransaction(connection).exec("SELECT step FROM log ORDER BY id")) {
    steps.push_back(row[0].as<int>());
  }
  return steps;
}

std::vector<int> AppliedVersions(pqxx::connection& connection) {
  std::vector<int> versions;
  for (const auto& row : pqxx::nontransaction(connection)
                             .exec("SELECT version FROM schema_migrations ORDER BY version")) {
    versions.push_back(row[0].as<int>());
  }
  return versions;
}

absl::StatusOr<SchemaState> Inspect(pqxx::connection& connection,
                                    absl::Span<const Migration> known) {
  pqxx::read_transaction txn(connection);
  return InspectSchema(txn, known);
}

class MigrationsTest : public ::zhiyuan::testing::PgTest {
 protected:
  // A new database with the builtin migrations before `version` applied (its URL).
  std::string DatabaseBefore(int version) {
    const auto builtin = BuiltinMigrations();
    const auto at = std::find_if(builtin.begin(), builtin.end(),
                                 [version](const Migration& m) { return m.version == version; });
    EXPECT_NE(at, builtin.end()) << version;
    const std::string url = NewEmptyDatabase();
    pqxx::connection connection(url);
    EXPECT_THAT(
        MigrateSchema(connection, absl::MakeConstSpan(&*builtin.begin(), at - builtin.begin())),
        IsOk());
    return url;
  }
};

// The start of an INSERT of activity_rollups rows with every column.
constexpr char kInsertRollups[] =
    "INSERT INTO activity_rollups (dim_kind, period_kind, depth, region_code, period, dim_value, "
    "events, headcount, headcount_events, audience, audience_events, attendance_records, "
    "attendance_minutes, manual_records, manual_minutes) ";

// The rows of `sql`, each as its columns joined by spaces.
std::vector<std::string> Rows(pqxx::connection& connection, const std::string& sql) {
  std::vector<std::string> rows;
  for (const auto& row : pqxx::nontransaction(connection).exec(sql)) {
    std::vector<std::string> columns;
    for (const auto& field : row) columns.push_back(field.c_str());
    rows.push_back(absl::StrJoin(columns, " "));
  }
  return rows;
}
class PrepareSchemaTest : public ::zhiyuan::testing::PgTest {};

TEST_F(MigrationsTest, FreshDatabaseIsAtVersionZero) {
  pqxx::connection connection(NewEmptyDatabase());
  const auto state = Inspect(connection, Sample());
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->applied_version, 0);
  EXPECT_EQ(state->known_version, 5);
  EXPECT_FALSE(state->up_to_date());
}

TEST_F(MigrationsTest, AppliesInOrderAndRecordsEach) {
  pqxx::connection connection(NewEmptyDatabase());
  const auto state = MigrateSchema(connection, Sample());
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->applied_version, 5);
  EXPECT_TRUE(state->up_to_date());
  EXPECT_THAT(Steps(connection), ElementsAre(2, 5));
  EXPECT_THAT(AppliedVersions(connection), ElementsAre(1, 2, 5));
}

TEST_F(MigrationsTest, SecondRunChangesNothing) {
  pqxx::connection connection(NewEmptyDatabase());
  ASSERT_THAT(MigrateSchema(connection, Sample()), IsOk());
  const auto again = MigrateSchema(connection, Sample());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->applied_version, 5);
  EXPECT_THAT(Steps(connection), ElementsAre(2, 5));
}

TEST_F(MigrationsTest, AppliesOnlyWhatANewerBinaryAdds) {
  pqxx::connection connection(NewEmptyDatabase());
  std::vector<Migration> migrations = Sample();
  ASSERT_THAT(MigrateSchema(connection, absl::MakeSpan(migrations).first(2)), IsOk());
  EXPECT_THAT(Steps(connection), ElementsAre(2));
  ASSERT_THAT(MigrateSchema(connection, migrations), IsOk());
  EXPECT_THAT(Steps(connection), ElementsAre(2, 5));
}

TEST_F(MigrationsTest, ConcurrentRunnersApplyEachMigrationOnce) {
  const std::string url = NewEmptyDatabase();
  const std::vector<Migration> migrations = Sample();
  std::vector<absl::StatusOr<SchemaState>> results(4, absl::UnknownError("not run"));
  std::vector<std::thread> runners;
  for (auto& result : results) {
    runners.emplace_back([&url, &migrations, &result] {
      pqxx::connection connection(url);
      result = MigrateSchema(connection, migrations);
    });
  }
  for (auto& runner : runners) runner.join();
  for (const auto& result : results) {
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->applied_version, 5);
  }
  pqxx::connection connection(url);
  EXPECT_THAT(Steps(connection), ElementsAre(2, 5));
  EXPECT_THAT(AppliedVersions(connection), ElementsAre(1, 2, 5));
}

TEST_F(MigrationsTest, RefusesAChangedMigrationFile) {
  pqxx::connection connection(NewEmptyDatabase());
  ASSERT_THAT(MigrateSchema(connection, Sample()), IsOk());
  std::vector<Migration> edited = Sample();
  edited[1].sql = "INSERT INTO log (step) VALUES (3)";
  edited[1].checksum = "c2-edited";
  EXPECT_THAT(MigrateSchema(connection, edited),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("migration 2 (second) was changed after it was applied")));
  EXPECT_THAT(Inspect(connection, edited), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Steps(connection), ElementsAre(2, 5));
}

TEST_F(MigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  pqxx::connection connection(NewEmptyDatabase());
  ASSERT_THAT(MigrateSchema(connection, Sample()), IsOk());
  std::vector<Migration> older = Sample();
  older.pop_back();
  EXPECT_THAT(MigrateSchema(connection, older),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema is at version 5, newer than this binary knows (2)")));
  EXPECT_THAT(Inspect(connection, older), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(MigrationsTest, RefusesAHistoryWithAGap) {
  pqxx::connection connection(NewEmptyDatabase());
  std::vector<Migration> without_two = Sample();
  without_two.erase(without_two.begin() + 1);
  ASSERT_THAT(MigrateSchema(connection, without_two), IsOk());
  EXPECT_THAT(MigrateSchema(connection, Sample()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("has migration 5 (fifth) where this binary expects migration 2")));
}

TEST_F(MigrationsTest, FailingMigrationRollsBackAloneAndStopsTheRun) {
  pqxx::connection connection(NewEmptyDatabase());
  std::vector<Migration> migrations = Sample();
  migrations[2].sql = "INSERT INTO log (step) VALUES (5); SELECT no_such_column FROM log";
  EXPECT_THAT(MigrateSchema(connection, migrations),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("applying migration 5 (fifth)")));
  EXPECT_THAT(Steps(connection), ElementsAre(2));
  EXPECT_THAT(AppliedVersions(connection), ElementsAre(1, 2));
  // The lock was released: a fixed binary can migrate at once.
  ASSERT_THAT(MigrateSchema(connection, Sample()), IsOk());
  EXPECT_THAT(Steps(connection), ElementsAre(2, 5));
}

TEST_F(MigrationsTest, RejectsMigrationsOutOfOrder) {
  pqxx::connection connection(NewEmptyDatabase());
  std::vector<Migration> migrations = Sample();
  std::swap(migrations[0], migrations[1]);
  EXPECT_THAT(MigrateSchema(connection, migrations), StatusIs(absl::StatusCode::kInternal));
}

TEST_F(MigrationsTest, BuiltinMigrationsApplyToAnEmptyDatabase) {
  const auto builtin = BuiltinMigrations();
  ASSERT_FALSE(builtin.empty());
  EXPECT_EQ(builtin.front().version, 1);
  pqxx::connection connection(NewEmptyDatabase());
  const auto state = MigrateSchema(connection, builtin);
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->applied_version, builtin.back().version);
  for (const Migration& migration : builtin) {
    EXPECT_EQ(migration.checksum.size(), 64u) << migration.name;
  }
}

// 0019 sums the activity rollups already folded into weeks (from days) and years (from months).
TEST_F(MigrationsTest, WeekAndYearRollupsAreSummedFromWhatWasFolded) {
  pqxx::connection connection(DatabaseBefore(19));
  {
    pqxx::work txn(connection);
    // Days (period_kind 1) and months (2) of a county's person-times, under no dimension and
    // under team 7: Wednesday 2025-12-31 and Thursday 2026-01-01 share a week.
    txn.exec0(absl::StrCat(
        kInsertRollups,
        "SELECT d.kind, p.kind, 3, '141124', p.period::date, d.value, 0, 0, 0, 0, 0, p.n, "
        "60 * p.n, 0, 0 FROM (VALUES (0, 0), (3, 7)) AS d(kind, value), "
        "(VALUES (1, '2025-12-31', 1), (1, '2026-01-01', 2), (1, '2026-01-05', 4), "
        "(2, '2025-12-01', 1), (2, '2026-01-01', 6)) AS p(kind, period, n)"));
    // A township's day: below counties no week is kept.
    txn.exec0(
        absl::StrCat(kInsertRollups,
                     "VALUES (0, 1, 4, '141124100', '2025-12-31', 0, 0, 0, 0, 0, 0, 1, 60, 0, 0)"));
    txn.commit();
  }
  ASSERT_THAT(MigrateSchema(connection, BuiltinMigrations()), IsOk());
  EXPECT_THAT(Rows(connection,
                   "SELECT dim_kind, period_kind, period, attendance_records, attendance_minutes "
                   "FROM activity_rollups WHERE period_kind IN (5, 6) AND depth = 3 "
                   "ORDER BY dim_kind, period_kind, period"),
              ElementsAre("0 5 2025-01-01 1 60", "0 5 2026-01-01 6 360", "0 6 2025-12-29 3 180",
                          "0 6 2026-01-05 4 240", "3 5 2025-01-01 1 60", "3 5 2026-01-01 6 360",
                          "3 6 2025-12-29 3 180", "3 6 2026-01-05 4 240"));
  EXPECT_EQ(
      pqxx::nontransaction(connection)
          .exec1("SELECT count(*) FROM activity_rollups WHERE depth = 4 AND period_kind <> 1")[0]
          .as<int>(),
      0);
}

// 0021 sums the monthly activity rollups already folded into quarters, down to counties.
TEST_F(MigrationsTest, QuarterRollupsAreSummedFromTheMonthsFolded) {
  pqxx::connection connection(DatabaseBefore(21));
  {
    pqxx::work txn(connection);
    // Months (period_kind 2) of a county's person-times, under no dimension and under team 7,
    // across the start of a quarter and of a year; a day (1) and a year (5), which stay as they
    // are; a quarter (4) that a compactor of the new version folded before the migration ran,
    // whose change its month holds too; and a township's month: below counties no quarter is
    // kept.
    txn.exec0(absl::StrCat(
        kInsertRollups,
        "SELECT d.kind, p.kind, 3, '141124', p.period::date, d.value, 0, 0, 0, 0, 0, p.n, "
        "60 * p.n, 0, p.n FROM (VALUES (0, 0), (3, 7)) AS d(kind, value), "
        "(VALUES (2, '2025-11-01', 1), (2, '2025-12-01', 2), (2, '2026-01-01', 4), "
        "(2, '2026-03-01', 8), (2, '2026-04-01', 16), (1, '2026-04-02', 16), "
        "(4, '2026-01-01', 8), (5, '2026-01-01', 28)) AS p(kind, period, n) "
        "UNION ALL SELECT 0, 2, 4, '141124100', '2026-01-01', 0, 0, 0, 0, 0, 0, 1, 60, 0, 0"));
    txn.commit();
  }
  ASSERT_THAT(MigrateSchema(connection, BuiltinMigrations()), IsOk());
  EXPECT_THAT(Rows(connection,
                   "SELECT dim_kind, depth, period, attendance_records, attendance_minutes, "
                   "manual_minutes FROM activity_rollups WHERE period_kind = 4 "
                   "ORDER BY dim_kind, depth, period"),
              ElementsAre("0 3 2025-10-01 3 180 3", "0 3 2026-01-01 12 720 12",
                          "0 3 2026-04-01 16 960 16", "3 3 2025-10-01 3 180 3",
                          "3 3 2026-01-01 12 720 12", "3 3 2026-04-01 16 960 16"));
}

TEST_F(PrepareSchemaTest, InspectsWithoutApplying) {
  const std::string url = NewEmptyDatabase();
  const auto state = PrepareSchema(url, Sample(), /*apply=*/false, absl::Now() + absl::Seconds(5));
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->applied_version, 0);
  const auto applied = PrepareSchema(url, Sample(), /*apply=*/true, absl::Now() + absl::Seconds(5));
  ASSERT_THAT(applied, IsOk());
  EXPECT_EQ(applied->applied_version, 5);
}

TEST_F(PrepareSchemaTest, UnreachableDatabaseIsUnavailableAfterTheDeadline) {
  EXPECT_THAT(PrepareSchema("host=/nonexistent port=1 dbname=x", Sample(), true,
                            absl::Now() + absl::Milliseconds(100)),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace zhiyuan::storage
