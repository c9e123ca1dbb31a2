#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_post_store.h"
#include "storage/postgres_region_store.h"
#include "storage/postgres_team_store.h"
#include "tests/storage/post_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresTeamStore> teams;
  std::unique_ptr<PostgresPostStore> posts;
};

// The test database emptied of the directory, or no stores when there is no database.
PostStoreUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr, nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection).exec("TRUNCATE posts, teams, practice_units, regions CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 8});
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->teams = std::make_unique<PostgresTeamStore>(*stores->pool);
  stores->posts = std::make_unique<PostgresPostStore>(*stores->pool);
  return {stores, stores->posts.get(), stores->regions.get(), stores->teams.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
