#include "storage/in_memory_team_member_store.h"

#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/storage/team_member_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryPracticeUnitStore units{regions};
  InMemoryVolunteerStore volunteers{regions};
  InMemoryTeamStore teams{regions, units, volunteers};
  InMemoryTeamMemberStore members{teams, volunteers};
};

TeamMemberStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores, &stores->members, &stores->regions, &stores->teams, &stores->volunteers};
}

INSTANTIATE_TEST_SUITE_P(InMemory, TeamMemberStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
