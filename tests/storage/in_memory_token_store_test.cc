#include "storage/in_memory_token_store.h"

#include "storage/in_memory_region_store.h"
#include "tests/storage/token_store_contract.h"

namespace zhiyuan::storage {
namespace {

struct Stores {
  InMemoryRegionStore regions;
  InMemoryTokenStore tokens;
};

TokenStoreUnderTest MakeStores() {
  auto stores = std::make_shared<Stores>();
  return {stores, &stores->tokens, &stores->regions};
}

INSTANTIATE_TEST_SUITE_P(InMemory, TokenStoreContractTest, ::testing::Values(&MakeStores));

}  // namespace
}  // namespace zhiyuan::storage
