#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_practice_unit_store.h"
#include "storage/postgres_region_store.h"
#include "tests/storage/practice_unit_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresPracticeUnitStore> units;
};

// The test database emptied of units and regions, or no stores when there is no database.
PracticeUnitStoreUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection).exec("TRUNCATE practice_units, regions CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 8});
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->units = std::make_unique<PostgresPracticeUnitStore>(*stores->pool);
  return {stores, stores->units.get(), stores->regions.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, PracticeUnitStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
