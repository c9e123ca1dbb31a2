#include "storage/in_memory_practice_unit_store.h"

#include "storage/in_memory_region_store.h"
#include "tests/storage/practice_unit_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryPracticeUnitStore units{regions};
};

PracticeUnitStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores, &stores->units, &stores->regions};
}

INSTANTIATE_TEST_SUITE_P(InMemory, PracticeUnitStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
