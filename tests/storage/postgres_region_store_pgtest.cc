#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_region_store.h"
#include "tests/storage/region_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct PooledStore {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> store;
};

// The test database with its regions removed, or no store when there is no database.
RegionStoreUnderTest MakeStore() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection).exec("TRUNCATE regions CASCADE");
  auto pooled = std::make_shared<PooledStore>();
  pooled->pool = *ConnectionPool::Create({url, 8});
  pooled->store = std::make_unique<PostgresRegionStore>(*pooled->pool);
  return {pooled, pooled->store.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, RegionStoreContractTest, ::testing::Values(&MakeStore));

}  // namespace
}  // namespace zhiyuan::storage
