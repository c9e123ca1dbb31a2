#include "storage/in_memory_audit_log.h"

#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_member_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_token_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/storage/audit_log_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryAuditLog log;
  InMemoryRegionStore regions{&log};
  InMemoryPracticeUnitStore units{regions, &log};
  InMemoryVolunteerStore volunteers{regions, &log};
  InMemoryTeamStore teams{regions, units, volunteers, &log};
  InMemoryTeamMemberStore members{teams, volunteers, &log};
  InMemoryTokenStore tokens{&log};
};

AuditedStoresUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores,         &stores->log,     &stores->regions, &stores->units, &stores->volunteers,
          &stores->teams, &stores->members, &stores->tokens};
}

INSTANTIATE_TEST_SUITE_P(InMemory, AuditLogContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
