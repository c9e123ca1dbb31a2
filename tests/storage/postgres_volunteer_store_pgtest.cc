#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_region_store.h"
#include "storage/postgres_volunteer_store.h"
#include "tests/storage/volunteer_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresVolunteerStore> volunteers;
};

// The test database emptied of volunteers and regions, or no stores when there is no database.
VolunteerStoreUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection)
      .exec(
          "TRUNCATE volunteers, volunteer_identities, volunteer_create_requests, regions "
          "CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 8});
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->volunteers = std::make_unique<PostgresVolunteerStore>(*stores->pool);
  return {stores, stores->volunteers.get(), stores->regions.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, VolunteerStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
