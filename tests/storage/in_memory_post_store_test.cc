#include "storage/in_memory_post_store.h"

#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/storage/post_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryPracticeUnitStore units{regions};
  InMemoryVolunteerStore volunteers{regions};
  InMemoryTeamStore teams{regions, units, volunteers};
  InMemoryPostStore posts{regions, teams};
};

PostStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores, &stores->posts, &stores->regions, &stores->teams};
}

INSTANTIATE_TEST_SUITE_P(InMemory, PostStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
