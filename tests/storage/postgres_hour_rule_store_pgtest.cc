#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_hour_rule_store.h"
#include "tests/storage/hour_rule_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresHourRuleStore> rules;
};

// The test database with the migration's national rules only, or no store without a database.
HourRuleStoreUnderTest MakeStore() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection).exec("DELETE FROM hour_rule_sets WHERE region_code <> ''");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 4});
  stores->rules = std::make_unique<PostgresHourRuleStore>(*stores->pool);
  return {stores, stores->rules.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, HourRuleStoreContractTest, ::testing::Values(&MakeStore));

}  // namespace
}  // namespace zhiyuan::storage
