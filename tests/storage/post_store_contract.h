// The behaviour every PostStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_POST_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_POST_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/post_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"

namespace zhiyuan::storage {

// Empty stores of posts and of what posts refer to, and whatever keeps them alive.
struct PostStoreUnderTest {
  std::shared_ptr<void> owner;
  PostStore* posts;
  RegionStore* regions;
  TeamStore* teams;
};

using PostStoreFactory = PostStoreUnderTest (*)();

class PostStoreContractTest : public ::testing::TestWithParam<PostStoreFactory> {
 protected:
  // Creates the stores, imports 新疆 › 昌吉 › 阜康 and 山西 › 吕梁 › 临县, and makes a team in
  // 阜康 (team_id_).
  void SetUp() override;

  PostStore& posts() { return *under_test_.posts; }
  TeamStore& teams() { return *under_test_.teams; }

  int64_t team_id_ = 0;

 private:
  PostStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_POST_STORE_CONTRACT_H_
