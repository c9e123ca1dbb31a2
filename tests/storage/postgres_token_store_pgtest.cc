#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_region_store.h"
#include "storage/postgres_token_store.h"
#include "tests/storage/token_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresTokenStore> tokens;
};

// The test database emptied of tokens and regions, or no stores when there is no database.
TokenStoreUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection).exec("TRUNCATE api_tokens, regions CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 8});
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->tokens = std::make_unique<PostgresTokenStore>(*stores->pool);
  return {stores, stores->tokens.get(), stores->regions.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, TokenStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
