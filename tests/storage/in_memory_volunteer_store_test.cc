#include "storage/in_memory_volunteer_store.h"

#include "storage/in_memory_region_store.h"
#include "tests/storage/volunteer_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryVolunteerStore volunteers{regions};
};

VolunteerStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores, &stores->volunteers, &stores->regions};
}

INSTANTIATE_TEST_SUITE_P(InMemory, VolunteerStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
