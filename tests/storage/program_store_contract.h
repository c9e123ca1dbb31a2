// The behaviour every ProgramStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_PROGRAM_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_PROGRAM_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/practice_unit_store.h"
#include "storage/program_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"

namespace zhiyuan::storage {

// Empty stores of programs and of their possible owners, and whatever keeps them alive.
struct ProgramStoreUnderTest {
  std::shared_ptr<void> owner;
  ProgramStore* programs;
  RegionStore* regions;
  PracticeUnitStore* units;
  TeamStore* teams;
};

using ProgramStoreFactory = ProgramStoreUnderTest (*)();

class ProgramStoreContractTest : public ::testing::TestWithParam<ProgramStoreFactory> {
 protected:
  // Creates the stores, imports 山西 › 吕梁 › 临县 › 临泉镇 and 阜康, and makes a center in 临县
  // (center_id_) and a team in 临泉镇 (team_id_).
  void SetUp() override;

  ProgramStore& programs() { return *under_test_.programs; }
  TeamStore& teams() { return *under_test_.teams; }

  int64_t center_id_ = 0;
  int64_t team_id_ = 0;

 private:
  ProgramStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_PROGRAM_STORE_CONTRACT_H_
