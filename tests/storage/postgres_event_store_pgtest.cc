#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_event_store.h"
#include "storage/postgres_post_store.h"
#include "storage/postgres_practice_unit_store.h"
#include "storage/postgres_program_store.h"
#include "storage/postgres_region_store.h"
#include "storage/postgres_team_store.h"
#include "tests/storage/event_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresTeamStore> teams;
  std::unique_ptr<PostgresProgramStore> programs;
  std::unique_ptr<PostgresPostStore> posts;
  std::unique_ptr<PostgresPracticeUnitStore> units;
  std::unique_ptr<PostgresEventStore> events;
};

// The test database emptied of the directory, or no stores when there is no database.
EventStoreUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection)
      .exec("TRUNCATE events, posts, programs, teams, practice_units, regions CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 4});
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->teams = std::make_unique<PostgresTeamStore>(*stores->pool);
  stores->programs = std::make_unique<PostgresProgramStore>(*stores->pool);
  stores->posts = std::make_unique<PostgresPostStore>(*stores->pool);
  stores->units = std::make_unique<PostgresPracticeUnitStore>(*stores->pool);
  stores->events = std::make_unique<PostgresEventStore>(*stores->pool);
  return {stores,
          stores->events.get(),
          stores->regions.get(),
          stores->teams.get(),
          stores->programs.get(),
          stores->posts.get(),
          stores->units.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, EventStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
