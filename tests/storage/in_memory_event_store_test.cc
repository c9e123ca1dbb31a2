#include "storage/in_memory_event_store.h"

#include "storage/in_memory_post_store.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_program_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/storage/event_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryPracticeUnitStore units{regions};
  InMemoryVolunteerStore volunteers{regions};
  InMemoryTeamStore teams{regions, units, volunteers};
  InMemoryProgramStore programs{regions, units, teams};
  InMemoryPostStore posts{regions, teams};
  InMemoryEventStore events{regions, teams, programs, posts, units};
};

EventStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores,         &stores->events, &stores->regions, &stores->teams, &stores->programs,
          &stores->posts, &stores->units};
}

INSTANTIATE_TEST_SUITE_P(InMemory, EventStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
