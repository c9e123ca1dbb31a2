// The behaviour every TeamMemberStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_TEAM_MEMBER_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_TEAM_MEMBER_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/region_store.h"
#include "storage/team_member_store.h"
#include "storage/team_store.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

// Empty stores of memberships, teams, volunteers and regions, and whatever keeps them alive.
struct TeamMemberStoreUnderTest {
  std::shared_ptr<void> owner;
  TeamMemberStore* members;
  RegionStore* regions;
  TeamStore* teams;
  VolunteerStore* volunteers;
};

using TeamMemberStoreFactory = TeamMemberStoreUnderTest (*)();

class TeamMemberStoreContractTest : public ::testing::TestWithParam<TeamMemberStoreFactory> {
 protected:
  // Creates the stores, 临县, two teams there (team_, other_team_) and two volunteers (alice_,
  // bob_).
  void SetUp() override;

  TeamMemberStore& members() { return *under_test_.members; }
  TeamMemberStoreUnderTest& stores() { return under_test_; }

  int64_t team_ = 0;
  int64_t other_team_ = 0;
  std::string alice_;
  std::string bob_;

 private:
  TeamMemberStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_TEAM_MEMBER_STORE_CONTRACT_H_
