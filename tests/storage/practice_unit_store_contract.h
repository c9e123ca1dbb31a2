// The behaviour every PracticeUnitStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_PRACTICE_UNIT_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_PRACTICE_UNIT_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/practice_unit_store.h"
#include "storage/region_store.h"

namespace zhiyuan::storage {

// Empty stores of units and of the regions they refer to, and whatever keeps them alive.
struct PracticeUnitStoreUnderTest {
  std::shared_ptr<void> owner;
  PracticeUnitStore* units;
  RegionStore* regions;
};

using PracticeUnitStoreFactory = PracticeUnitStoreUnderTest (*)();

class PracticeUnitStoreContractTest : public ::testing::TestWithParam<PracticeUnitStoreFactory> {
 protected:
  // Creates the stores and imports a few regions: 山西 › 吕梁 › 临县 › 临泉镇, 白文镇 › villages.
  void SetUp() override;

  PracticeUnitStore& units() { return *under_test_.units; }

 private:
  PracticeUnitStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_PRACTICE_UNIT_STORE_CONTRACT_H_
