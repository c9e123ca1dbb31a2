#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>
#include <thread>
#include <vector>

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

class MigrationsTest : public ::zhiyuan::testing::PgTest {};
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
