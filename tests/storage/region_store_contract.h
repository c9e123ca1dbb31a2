// The behaviour every RegionStore has: one suite, run over each implementation.
//   INSTANTIATE_TEST_SUITE_P(Postgres, RegionStoreContractTest, ::testing::Values(&MakeStore));
#ifndef ZHIYUAN_TESTS_STORAGE_REGION_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_REGION_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/region_store.h"

namespace zhiyuan::storage {

// A store with no regions, and whatever keeps it alive (a connection pool, say).
struct RegionStoreUnderTest {
  std::shared_ptr<void> owner;
  RegionStore* store;
};

using RegionStoreFactory = RegionStoreUnderTest (*)();

class RegionStoreContractTest : public ::testing::TestWithParam<RegionStoreFactory> {
 protected:
  void SetUp() override;

  RegionStore& store() { return *under_test_.store; }

 private:
  RegionStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_REGION_STORE_CONTRACT_H_
