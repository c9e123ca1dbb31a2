// The behaviour every TokenStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_TOKEN_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_TOKEN_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/region_store.h"
#include "storage/token_store.h"

namespace zhiyuan::storage {

// Empty stores of tokens and regions, and whatever keeps them alive.
struct TokenStoreUnderTest {
  std::shared_ptr<void> owner;
  TokenStore* tokens;
  RegionStore* regions;
};

using TokenStoreFactory = TokenStoreUnderTest (*)();

class TokenStoreContractTest : public ::testing::TestWithParam<TokenStoreFactory> {
 protected:
  // Creates the stores and the regions 山西省 › 吕梁市 › 临县 and 新疆 › 昌吉州 › 阜康市.
  void SetUp() override;

  TokenStore& tokens() { return *under_test_.tokens; }

 private:
  TokenStoreUnderTest under_test_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_TOKEN_STORE_CONTRACT_H_
