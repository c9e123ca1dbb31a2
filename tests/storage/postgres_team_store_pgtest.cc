#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_practice_unit_store.h"
#include "storage/postgres_region_store.h"
#include "storage/postgres_team_store.h"
#include "storage/postgres_volunteer_store.h"
#include "tests/storage/team_store_contract.h"
#include "tests/testing/pg_test_environment.h"

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

}  // namespace
}  // namespace zhiyuan::storage
