#include "tests/storage/token_store_contract.h"

#include <gmock/gmock.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

// A 32-byte hash, distinct per `seed`.
std::string Hash(char seed) { return std::string(32, seed); }

Token SystemAdmin() {
  Token token;
  token.display_name = "系统管理员";
  token.role = 1;
  token.expire_time = absl::Now() + absl::Hours(24);
  return token;
}

Token RegionAdmin(const std::string& region) {
  Token token;
  token.display_name = "文明办";
  token.role = 2;
  token.region_code = region;
  token.scope_region_code = region;
  token.expire_time = absl::Now() + absl::Hours(24);
  return token;
}

std::vector<int64_t> Ids(const TokenPage& page) {
  std::vector<int64_t> ids;
  for (const Token& token : page.tokens) ids.push_back(token.id);
  return ids;
}

}  // namespace

void TokenStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.tokens == nullptr) GTEST_SKIP() << "no store to test";
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(*under_test_.regions, {{"14", "山西省"},
                                                                       {"1411", "吕梁市"},
                                                                       {"141124", "临县"},
                                                                       {"65", "新疆维吾尔自治区"},
                                                                       {"6523", "昌吉回族自治州"},
                                                                       {"652302", "阜康市"}}),
              IsOk());
}

TEST_P(TokenStoreContractTest, CreateStoresTheTokenAndFindsItByItsHash) {
  Token token = RegionAdmin("141124");
  token.expire_time = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now() + absl::Hours(1)));
  const absl::StatusOr<Token> created =
      tokens().Create(token, Hash('a'), ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->role, 2);
  EXPECT_EQ(created->region_code, "141124");
  EXPECT_EQ(created->scope_region_code, "141124");
  EXPECT_EQ(created->expire_time, token.expire_time);
  EXPECT_LT(absl::AbsDuration(created->create_time - absl::Now()), absl::Minutes(1));
  EXPECT_FALSE(created->revoke_time.has_value());

  const absl::StatusOr<Token> found = tokens().FindBySecretHash(Hash('a'), Soon());
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->id, created->id);
  EXPECT_THAT(tokens().Get(created->id, Soon()), IsOk());
  EXPECT_THAT(tokens().FindBySecretHash(Hash('b'), Soon()), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(tokens().Get(created->id + 100, Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(TokenStoreContractTest, KeepsEveryScopeField) {
  const absl::StatusOr<Token> admin =
      tokens().Create(SystemAdmin(), Hash('a'), ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(admin, IsOk());
  Token kiosk;
  kiosk.display_name = "阜康站 自助机";
  kiosk.role = 6;
  kiosk.post_ids = {3, 5};
  kiosk.practice_unit_ids = {7};
  kiosk.scope_region_code = "652302";
  kiosk.creator_id = admin->id;
  kiosk.expire_time = absl::Now() + absl::Hours(1);
  const absl::StatusOr<Token> created =
      tokens().Create(kiosk, Hash('k'), ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->post_ids, ElementsAre(3, 5));
  EXPECT_THAT(created->practice_unit_ids, ElementsAre(7));
  EXPECT_EQ(created->creator_id, admin->id);
  EXPECT_EQ(created->scope_region_code, "652302");

  Token volunteer;
  volunteer.display_name = "志愿者";
  volunteer.role = 4;
  volunteer.volunteer_number = "141124202600000017";
  volunteer.scope_region_code = "141124";
  volunteer.expire_time = absl::Now() + absl::Hours(1);
  const absl::StatusOr<Token> stored =
      tokens().Create(volunteer, Hash('v'), ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(tokens().Get(stored->id, Soon())->volunteer_number, "141124202600000017");
}

TEST_P(TokenStoreContractTest, RefusesAReusedHashAndAHashOfTheWrongLength) {
  ASSERT_THAT(tokens().Create(SystemAdmin(), Hash('a'), ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  EXPECT_THAT(tokens().Create(SystemAdmin(), Hash('a'), ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(tokens().Create(SystemAdmin(), "short", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(TokenStoreContractTest, RefusesAnUnknownCreator) {
  Token token = SystemAdmin();
  token.creator_id = 999;
  EXPECT_THAT(tokens().Create(token, Hash('a'), ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_P(TokenStoreContractTest, CreateFirstOnlyWhileThereAreNoTokens) {
  ASSERT_THAT(
      tokens().CreateFirst(SystemAdmin(), Hash('a'), ::zhiyuan::testing::TestAudit(), Soon()),
      IsOk());
  EXPECT_THAT(
      tokens().CreateFirst(SystemAdmin(), Hash('b'), ::zhiyuan::testing::TestAudit(), Soon()),
      StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(tokens().FindBySecretHash(Hash('b'), Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(TokenStoreContractTest, ConcurrentBootstrapsMakeOneToken) {
  std::vector<absl::Status> results(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      results[i] =
          tokens()
              .CreateFirst(SystemAdmin(), Hash('a' + i), ::zhiyuan::testing::TestAudit(), Soon())
              .status();
    });
  }
  for (std::thread& thread : threads) thread.join();
  int made = 0;
  for (const absl::Status& result : results) {
    if (result.ok()) {
      ++made;
    } else {
      EXPECT_THAT(result, StatusIs(absl::StatusCode::kFailedPrecondition));
    }
  }
  EXPECT_EQ(made, 1);
  TokenQuery query;
  EXPECT_EQ(tokens().List(query, Soon())->total, 1);
}

TEST_P(TokenStoreContractTest, ListFiltersByScopeRegionAndActivityAndPages) {
  const int64_t admin =
      tokens().Create(SystemAdmin(), Hash('a'), ::zhiyuan::testing::TestAudit(), Soon())->id;
  const int64_t linxian =
      tokens()
          .Create(RegionAdmin("141124"), Hash('b'), ::zhiyuan::testing::TestAudit(), Soon())
          ->id;
  const int64_t lvliang =
      tokens().Create(RegionAdmin("1411"), Hash('c'), ::zhiyuan::testing::TestAudit(), Soon())->id;
  const int64_t fukang =
      tokens()
          .Create(RegionAdmin("652302"), Hash('d'), ::zhiyuan::testing::TestAudit(), Soon())
          ->id;
  const int64_t revoked =
      tokens()
          .Create(RegionAdmin("141124"), Hash('e'), ::zhiyuan::testing::TestAudit(), Soon())
          ->id;
  ASSERT_THAT(tokens().Revoke(revoked, ::zhiyuan::testing::TestAudit(), Soon()), IsOk());
  Token short_lived = RegionAdmin("141124");
  short_lived.expire_time = absl::Now() + absl::Milliseconds(50);
  const int64_t expired =
      tokens().Create(short_lived, Hash('f'), ::zhiyuan::testing::TestAudit(), Soon())->id;
  absl::SleepFor(absl::Milliseconds(100));

  TokenQuery query;
  EXPECT_THAT(Ids(*tokens().List(query, Soon())), ElementsAre(admin, linxian, lvliang, fukang));
  query.scope_region_code = "14";
  EXPECT_THAT(Ids(*tokens().List(query, Soon())), ElementsAre(linxian, lvliang));
  query.show_inactive = true;
  const absl::StatusOr<TokenPage> all = tokens().List(query, Soon());
  EXPECT_THAT(Ids(*all), ElementsAre(linxian, lvliang, revoked, expired));
  EXPECT_EQ(all->total, 4);
  query.after_id = lvliang;
  query.limit = 1;
  const absl::StatusOr<TokenPage> page = tokens().List(query, Soon());
  EXPECT_THAT(Ids(*page), ElementsAre(revoked));
  EXPECT_EQ(page->total, 4);
}

TEST_P(TokenStoreContractTest, RevokeStampsOnceAndKeepsTheToken) {
  const int64_t id =
      tokens().Create(SystemAdmin(), Hash('a'), ::zhiyuan::testing::TestAudit(), Soon())->id;
  const absl::StatusOr<Token> revoked =
      tokens().Revoke(id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(revoked, IsOk());
  ASSERT_TRUE(revoked->revoke_time.has_value());
  const absl::StatusOr<Token> again = tokens().Revoke(id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->revoke_time, Optional(*revoked->revoke_time));
  EXPECT_THAT(tokens().FindBySecretHash(Hash('a'), Soon())->revoke_time,
              Optional(*revoked->revoke_time));
  EXPECT_THAT(tokens().Revoke(id + 100, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace zhiyuan::storage
