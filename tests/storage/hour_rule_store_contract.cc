#include "tests/storage/hour_rule_store_contract.h"

#include <gmock/gmock.h>

#include <set>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::testing::TestAudit;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

HourRuleSet Rules(const std::string& region, int grace) {
  HourRuleSet rules;
  rules.region_code = region;
  rules.bands = {{14, 0}, {29, 15}, {44, 30}, {59, 45}};
  rules.grace_minutes = grace;
  rules.auto_close_minutes = 60;
  rules.note = "测试";
  rules.creator_token_id = 7;
  return rules;
}

std::vector<int> Versions(const absl::StatusOr<std::vector<HourRuleSet>>& sets) {
  std::vector<int> versions;
  if (sets.ok()) {
    for (const HourRuleSet& rules : *sets) versions.push_back(rules.version);
  }
  return versions;
}

}  // namespace

void HourRuleStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.rules == nullptr) GTEST_SKIP() << "no store to test";
}

TEST_P(HourRuleStoreContractTest, TheNationalRulesAreVersionOneEverywhere) {
  const absl::StatusOr<HourRuleSet> national = rules().Effective("141124100", Soon());
  ASSERT_THAT(national, IsOk());
  EXPECT_EQ(national->region_code, "");
  EXPECT_EQ(national->version, 1);
  EXPECT_THAT(national->bands, ElementsAre(Pair(15, 0), Pair(45, 30), Pair(59, 60)));
  EXPECT_EQ(national->grace_minutes, 15);
  EXPECT_EQ(national->auto_close_minutes, 120);
  EXPECT_EQ(national->creator_token_id, 0);
  EXPECT_THAT(rules().Get(national->id, Soon()), IsOk());
  EXPECT_THAT(rules().Get(national->id + 1000, Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(HourRuleStoreContractTest, EachRegionNumbersItsVersionsAndTheNearestRulesApply) {
  const absl::StatusOr<HourRuleSet> shanxi =
      rules().Create(Rules("14", 0), "", TestAudit(), Soon());
  ASSERT_THAT(shanxi, IsOk());
  EXPECT_EQ(shanxi->version, 1);
  EXPECT_THAT(shanxi->bands, ElementsAre(Pair(14, 0), Pair(29, 15), Pair(44, 30), Pair(59, 45)));
  EXPECT_EQ(shanxi->note, "测试");
  EXPECT_EQ(shanxi->creator_token_id, 7);
  EXPECT_EQ(rules().Create(Rules("14", 10), "", TestAudit(), Soon())->version, 2);
  EXPECT_EQ(rules().Create(Rules("141124", 20), "", TestAudit(), Soon())->version, 1);

  EXPECT_EQ(rules().Effective("141124100", Soon())->region_code, "141124");
  const absl::StatusOr<HourRuleSet> lvliang = rules().Effective("1411", Soon());
  EXPECT_EQ(lvliang->region_code, "14");
  EXPECT_EQ(lvliang->version, 2);
  EXPECT_EQ(lvliang->grace_minutes, 10);
  EXPECT_EQ(rules().Effective("652302", Soon())->region_code, "");
  EXPECT_EQ(rules().Effective("", Soon())->region_code, "");

  HourRuleQuery query;
  query.region_code = "14";
  EXPECT_THAT(Versions(rules().List(query, Soon())), ElementsAre(2, 1));
  query.before_version = 2;
  EXPECT_THAT(Versions(rules().List(query, Soon())), ElementsAre(1));
  query = HourRuleQuery();
  EXPECT_THAT(Versions(rules().List(query, Soon())), ElementsAre(1));  // The national ones.
}

TEST_P(HourRuleStoreContractTest, ARetryWithTheSameRequestIdReturnsTheFirstSet) {
  const std::string request_id = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
  const auto first = rules().Create(Rules("14", 0), request_id, TestAudit(), Soon());
  const auto again = rules().Create(Rules("14", 30), request_id, TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->grace_minutes, 0);
  HourRuleQuery query;
  query.region_code = "14";
  EXPECT_EQ(rules().List(query, Soon())->size(), 1u);
}

TEST_P(HourRuleStoreContractTest, VersionsMadeAtOnceTakeConsecutiveNumbers) {
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<HourRuleSet>> made(4, absl::UnknownError("not run"));
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back(
        [&, i] { made[i] = rules().Create(Rules("65", i), "", TestAudit(), Soon()); });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<int> versions;
  for (const auto& set : made) {
    ASSERT_THAT(set, IsOk());
    versions.insert(set->version);
  }
  EXPECT_EQ(versions, (std::set<int>{1, 2, 3, 4}));
}

}  // namespace zhiyuan::storage
