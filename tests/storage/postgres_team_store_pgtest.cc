#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "absl/time/clock.h"
#include "storage/postgres_practice_unit_store.h"
#include "storage/postgres_region_store.h"
#include "storage/postgres_team_store.h"
#include "storage/postgres_volunteer_store.h"
#include "tests/storage/team_store_contract.h"
#include "tests/testing/audit.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresPracticeUnitStore> units;
  std::unique_ptr<PostgresVolunteerStore> volunteers;
  std::unique_ptr<PostgresTeamStore> teams;
};

// The test database emptied of the directory, or no stores when there is no database.
TeamStoreUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr, nullptr, nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection)
      .exec(
          "TRUNCATE teams, practice_units, volunteers, volunteer_identities, "
          "volunteer_create_requests, regions CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 8});
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->units = std::make_unique<PostgresPracticeUnitStore>(*stores->pool);
  stores->volunteers = std::make_unique<PostgresVolunteerStore>(*stores->pool);
  stores->teams = std::make_unique<PostgresTeamStore>(*stores->pool);
  return {stores, stores->teams.get(), stores->regions.get(), stores->units.get(),
          stores->volunteers.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, TeamStoreContractTest, ::testing::Values(&MakeStores));

// Ids are bigint: filters and references past 2^31 work (parameters are typed bigint, not the
// integer a bare `$2 = 0` would make them).
TEST(PostgresTeamStoreTest, IdsPastTwoToTheThirtyFirstWork) {
  TeamStoreUnderTest stores = MakeStores();
  if (stores.teams == nullptr) GTEST_SKIP() << "no database";
  {
    pqxx::connection connection(::zhiyuan::testing::TestDatabaseUrl());
    pqxx::nontransaction(connection)
        .exec("ALTER TABLE teams ALTER COLUMN id RESTART WITH 3000000000");
  }
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(
                  *stores.regions, {{"14", "山西省"}, {"1411", "吕梁市"}, {"141124", "临县"}}),
              ::zhiyuan::testing::IsOk());
  const absl::Time soon = absl::Now() + absl::Seconds(10);
  Team parent;
  parent.display_name = "总队";
  parent.home_region_code = "141124";
  parent.status = 1;
  const absl::StatusOr<Team> made =
      stores.teams->Create(parent, "", ::zhiyuan::testing::TestAudit(), soon);
  ASSERT_THAT(made, ::zhiyuan::testing::IsOk());
  EXPECT_GE(made->id, 3000000000);
  Team child = parent;
  child.display_name = "分队";
  child.parent_id = made->id;
  ASSERT_THAT(stores.teams->Create(child, "", ::zhiyuan::testing::TestAudit(), soon),
              ::zhiyuan::testing::IsOk());
  TeamQuery query;
  query.parent_id = made->id;
  const absl::StatusOr<TeamPage> page = stores.teams->List(query, soon);
  ASSERT_THAT(page, ::zhiyuan::testing::IsOk());
  EXPECT_EQ(page->total, 1);
}

}  // namespace
}  // namespace zhiyuan::storage
