#include "tests/storage/post_store_contract.h"

#include <gmock/gmock.h>

#include <vector>

#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

}  // namespace

void PostStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.posts == nullptr) GTEST_SKIP() << "no store to test";
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(*under_test_.regions, {{"65", "新疆"},
                                                                       {"6523", "昌吉州"},
                                                                       {"652302", "阜康市"},
                                                                       {"14", "山西省"},
                                                                       {"1411", "吕梁市"},
                                                                       {"141124", "临县"}}),
              IsOk());
  Team team;
  team.home_region_code = "652302";
  team.display_name = "阜康市文明劝导志愿服务队";
  team.status = 1;
  const auto created = under_test_.teams->Create(team, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  team_id_ = created->id;
}

namespace {

Post NewPost(std::string region, int host_kind = 1, std::string name = "岗") {
  Post post;
  post.display_name = std::move(name);
  post.host_organization = "阜康宾馆";
  post.host_kind = host_kind;
  post.region_code = std::move(region);
  post.status = 1;
  return post;
}

std::vector<int64_t> Ids(const absl::StatusOr<PostPage>& page) {
  std::vector<int64_t> ids;
  if (page.ok()) {
    for (const Post& post : page->posts) ids.push_back(post.id);
  }
  return ids;
}

TEST_P(PostStoreContractTest, CreatesAPostWithEverythingAndReadsItBack) {
  Post post = NewPost("652302", 1, "阜康宾馆学雷锋志愿服务岗");
  post.address = "阜康市博峰街1号";
  post.location = std::make_pair(44.1526, 87.9847);
  post.opening_hours = "每日 9:00-18:00";
  post.duty_team_id = team_id_;
  const auto created = posts().Create(post, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  const auto read = posts().Get(created->id, Soon());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->display_name, "阜康宾馆学雷锋志愿服务岗");
  EXPECT_EQ(read->host_organization, "阜康宾馆");
  EXPECT_EQ(read->host_kind, 1);
  EXPECT_EQ(read->region_code, "652302");
  EXPECT_EQ(read->address, "阜康市博峰街1号");
  EXPECT_THAT(read->location, Optional(Pair(44.1526, 87.9847)));
  EXPECT_EQ(read->opening_hours, "每日 9:00-18:00");
  EXPECT_EQ(read->duty_team_id, team_id_);
  EXPECT_EQ(read->status, 1);
  EXPECT_EQ(read->revision, 1);
  const auto bare = posts().Create(NewPost("141124"), "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(bare, IsOk());
  EXPECT_FALSE(bare->location.has_value());
  EXPECT_EQ(bare->duty_team_id, 0);
}

TEST_P(PostStoreContractTest, ARetryWithTheSameRequestIdReturnsTheFirstPost) {
  const std::string request_id = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";
  const auto first =
      posts().Create(NewPost("652302"), request_id, ::zhiyuan::testing::TestAudit(), Soon());
  const auto retry =
      posts().Create(NewPost("652302"), request_id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(posts().List(PostQuery(), Soon())->total, 1);
}

TEST_P(PostStoreContractTest, RefusesMissingReferencesAndCreatesNothing) {
  EXPECT_THAT(posts().Create(NewPost("999999"), "", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("regions/999999")));
  Post with_team = NewPost("652302");
  with_team.duty_team_id = 4040;
  EXPECT_THAT(posts().Create(with_team, "", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("teams/4040")));
  ASSERT_THAT(teams().Delete(team_id_, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  with_team.duty_team_id = team_id_;
  EXPECT_THAT(posts().Create(with_team, "", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));
  EXPECT_EQ(posts().List(PostQuery(), Soon())->total, 0);
}

TEST_P(PostStoreContractTest, ListsByRegionHostKindStatusAndTeamWithTotals) {
  Post hotel = NewPost("652302", 1);
  hotel.duty_team_id = team_id_;
  const auto a = posts().Create(hotel, "", ::zhiyuan::testing::TestAudit(), Soon());
  const auto b = posts().Create(NewPost("652302", 4), "", ::zhiyuan::testing::TestAudit(), Soon());
  const auto c = posts().Create(NewPost("141124", 1), "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(c, IsOk());
  PostQuery query;
  query.region_code = "6523";
  auto page = posts().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(a->id, b->id));
  EXPECT_EQ(page->total, 2);
  query = PostQuery();
  query.host_kind = 1;
  EXPECT_THAT(Ids(posts().List(query, Soon())), ElementsAre(a->id, c->id));
  query.limit = 1;
  query.after_id = a->id;
  page = posts().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(c->id));
  EXPECT_EQ(page->total, 2);
  query = PostQuery();
  query.duty_team_id = team_id_;
  EXPECT_THAT(Ids(posts().List(query, Soon())), ElementsAre(a->id));
  PostChange close;
  close.status = 2;
  ASSERT_THAT(posts().Update(b->id, close, ::zhiyuan::testing::TestAudit(), Soon()), IsOk());
  query = PostQuery();
  query.status = 2;
  EXPECT_THAT(Ids(posts().List(query, Soon())), ElementsAre(b->id));
}

TEST_P(PostStoreContractTest, UpdateSetsAndClearsFieldsAndChecksTheRevision) {
  Post post = NewPost("652302");
  post.location = std::make_pair(44.0, 88.0);
  post.duty_team_id = team_id_;
  const auto created = posts().Create(post, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  PostChange change;
  change.display_name = "新名";
  change.host_kind = 3;
  change.location = std::optional<std::pair<double, double>>();
  change.duty_team_id = 0;
  change.opening_hours = "周末";
  change.expected_revision = 1;
  const auto updated = posts().Update(created->id, change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name, "新名");
  EXPECT_EQ(updated->host_kind, 3);
  EXPECT_FALSE(updated->location.has_value());
  EXPECT_EQ(updated->duty_team_id, 0);
  EXPECT_EQ(updated->opening_hours, "周末");
  EXPECT_EQ(updated->host_organization, "阜康宾馆");
  EXPECT_EQ(updated->revision, 2);
  EXPECT_THAT(posts().Update(created->id, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  PostChange bad;
  bad.duty_team_id = 9999;
  EXPECT_THAT(posts().Update(created->id, bad, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(posts().Update(8888, bad, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(PostStoreContractTest, DeleteKeepsThePostReadableAndOutOfLists) {
  const auto created =
      posts().Create(NewPost("652302"), "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(posts().Delete(created->id, 2, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  const auto deleted = posts().Delete(created->id, 1, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(deleted, IsOk());
  EXPECT_TRUE(deleted->delete_time.has_value());
  EXPECT_EQ(
      posts().Delete(created->id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon())->revision,
      2);
  EXPECT_EQ(posts().List(PostQuery(), Soon())->total, 0);
  PostQuery all;
  all.show_deleted = true;
  EXPECT_EQ(posts().List(all, Soon())->total, 1);
  PostChange change;
  change.display_name = "x";
  EXPECT_THAT(posts().Update(created->id, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("deleted")));
}

}  // namespace
}  // namespace zhiyuan::storage
