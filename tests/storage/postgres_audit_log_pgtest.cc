#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "storage/postgres_audit_log.h"
#include "storage/postgres_practice_unit_store.h"
#include "storage/postgres_region_store.h"
#include "storage/postgres_team_member_store.h"
#include "storage/postgres_team_store.h"
#include "storage/postgres_token_store.h"
#include "storage/postgres_volunteer_store.h"
#include "tests/storage/audit_log_contract.h"
#include "tests/testing/pg_test_environment.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<PostgresAuditLog> log;
  std::unique_ptr<PostgresRegionStore> regions;
  std::unique_ptr<PostgresPracticeUnitStore> units;
  std::unique_ptr<PostgresVolunteerStore> volunteers;
  std::unique_ptr<PostgresTeamStore> teams;
  std::unique_ptr<PostgresTeamMemberStore> members;
  std::unique_ptr<PostgresTokenStore> tokens;
};

// The test database emptied, or no stores when there is no database.
AuditedStoresUnderTest MakeStores() {
  const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
  if (url.empty()) return {};
  pqxx::connection connection(url);
  pqxx::nontransaction(connection)
      .exec(
          "TRUNCATE audit_log, api_tokens, team_members, teams, practice_units, volunteers, "
          "volunteer_identities, volunteer_create_requests, regions CASCADE");
  auto stores = std::make_shared<Stores>();
  stores->pool = *ConnectionPool::Create({url, 4});
  stores->log = std::make_unique<PostgresAuditLog>(*stores->pool);
  stores->regions = std::make_unique<PostgresRegionStore>(*stores->pool);
  stores->units = std::make_unique<PostgresPracticeUnitStore>(*stores->pool);
  stores->volunteers = std::make_unique<PostgresVolunteerStore>(*stores->pool);
  stores->teams = std::make_unique<PostgresTeamStore>(*stores->pool);
  stores->members = std::make_unique<PostgresTeamMemberStore>(*stores->pool);
  stores->tokens = std::make_unique<PostgresTokenStore>(*stores->pool);
  return {stores,
          stores->log.get(),
          stores->regions.get(),
          stores->units.get(),
          stores->volunteers.get(),
          stores->teams.get(),
          stores->members.get(),
          stores->tokens.get()};
}

INSTANTIATE_TEST_SUITE_P(Postgres, AuditLogContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
