#include "storage/in_memory_hour_rule_store.h"

#include "tests/storage/hour_rule_store_contract.h"

namespace zhiyuan::storage {
namespace {

HourRuleStoreUnderTest MakeStore() {
  auto store = std::make_shared<InMemoryHourRuleStore>();
  return {store, store.get()};
}

INSTANTIATE_TEST_SUITE_P(InMemory, HourRuleStoreContractTest, ::testing::Values(&MakeStore));

}  // namespace
}  // namespace zhiyuan::storage
