#include "storage/in_memory_region_store.h"

#include "tests/storage/region_store_contract.h"

namespace zhiyuan::storage {
namespace {

RegionStoreUnderTest MakeStore() {
  auto store = std::make_shared<InMemoryRegionStore>();
  return {store, store.get()};
}

INSTANTIATE_TEST_SUITE_P(InMemory, RegionStoreContractTest, ::testing::Values(&MakeStore));

}  // namespace
}  // namespace zhiyuan::storage
