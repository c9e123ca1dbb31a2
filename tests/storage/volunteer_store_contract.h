// The behaviour every VolunteerStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_VOLUNTEER_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_VOLUNTEER_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/region_store.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

// Empty stores of volunteers and of the regions they refer to, and whatever keeps them alive.
struct VolunteerStoreUnderTest {
  std::shared_ptr<void> owner;
  VolunteerStore* volunteers;
  RegionStore* regions;
};

using VolunteerStoreFactory = VolunteerStoreUnderTest (*)();

class VolunteerStoreContractTest : public ::testing::TestWithParam<VolunteerStoreFactory> {
 protected:
  // Creates the stores and imports 湖北 › 武汉 › 江岸区 and 山西 › 吕梁 › 临县.
  void SetUp() override;

  VolunteerStore& volunteers() { return *under_test_.volunteers; }

 private:
  VolunteerStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_VOLUNTEER_STORE_CONTRACT_H_
