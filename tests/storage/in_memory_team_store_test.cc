#include "storage/in_memory_team_store.h"

#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/storage/team_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryPracticeUnitStore units{regions};
  InMemoryVolunteerStore volunteers{regions};
  InMemoryTeamStore teams{regions, units, volunteers};
};

TeamStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores, &stores->teams, &stores->regions, &stores->units, &stores->volunteers};
}

INSTANTIATE_TEST_SUITE_P(InMemory, TeamStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
