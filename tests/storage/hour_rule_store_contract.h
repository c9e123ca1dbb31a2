// The behaviour every HourRuleStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_HOUR_RULE_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_HOUR_RULE_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/hour_rule_store.h"

namespace zhiyuan::storage {

// A store holding the national rules only, and whatever keeps it alive.
struct HourRuleStoreUnderTest {
  std::shared_ptr<void> owner;
  HourRuleStore* rules;
};

using HourRuleStoreFactory = HourRuleStoreUnderTest (*)();

class HourRuleStoreContractTest : public ::testing::TestWithParam<HourRuleStoreFactory> {
 protected:
  void SetUp() override;

  HourRuleStore& rules() { return *under_test_.rules; }

 private:
  HourRuleStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_HOUR_RULE_STORE_CONTRACT_H_
