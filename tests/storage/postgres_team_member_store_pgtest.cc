#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_region_store.h"
#include "storage/postgres_team_member_store.h"
#include "storage/postgres_team_store.h"
#include "storage/postgres_volunteer_store.h"
#include "tests/storage/team_member_store_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresTeamStore> teams;
  std::unique_ptr<PostgresVolunteerStore> volunteers;
  std::unique_ptr<PostgresTeamMemberStore> members;
};

// The test database emptied of the directory, or no stores when there is no database.
TeamMemberStoreUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {nullptr, nullptr, nullptr, nullptr, nullptr};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection)
      .exec(
          "TRUNCATE team_members, teams, practice_units, volunteers, volunteer_identities, "
          "volunteer_create_requests, regions CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 8});
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->teams = std::make_unique<PostgresTeamStore>(*stores->pool);
  stores->volunteers = std::make_unique<PostgresVolunteerStore>(*stores->pool);
  stores->members = std::make_unique<PostgresTeamMemberStore>(*stores->pool);
  return {stores, stores->members.get(), stores->regions.get(), stores->teams.get(),
          stores->volunteers.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, TeamMemberStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
