// The behaviour every TeamStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_TEAM_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_TEAM_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/practice_unit_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

// Empty stores of teams and of what teams refer to, and whatever keeps them alive.
struct TeamStoreUnderTest {
  std::shared_ptr<void> owner;
  TeamStore* teams;
  RegionStore* regions;
  PracticeUnitStore* units;
  VolunteerStore* volunteers;
};

using TeamStoreFactory = TeamStoreUnderTest (*)();

class TeamStoreContractTest : public ::testing::TestWithParam<TeamStoreFactory> {
 protected:
  // Creates the stores, imports 山西 › 吕梁 › 临县 › 临泉镇 and 新疆 › 昌吉 › 阜康, and makes a
  // center in 临县 (center_id_) and a volunteer living there (volunteer_).
  void SetUp() override;

  TeamStore& teams() { return *under_test_.teams; }
  TeamStoreUnderTest& stores() { return under_test_; }

  int64_t center_id_ = 0;
  std::string volunteer_;

 private:
  TeamStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_TEAM_STORE_CONTRACT_H_
