#include "storage/in_memory_program_store.h"

#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/storage/program_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryPracticeUnitStore units{regions};
  InMemoryVolunteerStore volunteers{regions};
  InMemoryTeamStore teams{regions, units, volunteers};
  InMemoryProgramStore programs{regions, units, teams};
};

ProgramStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores, &stores->programs, &stores->regions, &stores->units, &stores->teams};
}

INSTANTIATE_TEST_SUITE_P(InMemory, ProgramStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
