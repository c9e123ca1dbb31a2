#include "tests/storage/team_store_contract.h"

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
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

}  // namespace

void TeamStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.teams == nullptr) GTEST_SKIP() << "no store to test";
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(*under_test_.regions, {{"14", "山西省"},
                                                                       {"1411", "吕梁市"},
                                                                       {"141124", "临县"},
                                                                       {"141124100", "临泉镇"},
                                                                       {"65", "新疆"},
                                                                       {"6523", "昌吉州"},
                                                                       {"652302", "阜康市"}}),
              IsOk());
  PracticeUnit center;
  center.kind = PracticeUnitKind::kCenter;
  center.region_code = "141124";
  center.display_name = "临县中心";
  const auto created =
      under_test_.units->Create(center, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  center_id_ = created->id;
  Volunteer person;
  person.display_name = "李四";
  person.birth_date = absl::CivilDay(1980, 1, 1);
  person.residence_region_code = "141124";
  person.id_number_cipher = "cipher";
  person.id_number_masked = "141***********0000";
  const auto volunteer = under_test_.volunteers->Create(
      person, "hash",
      [](int64_t serial) { return "1411242026" + std::to_string(1000000 + serial) + "0"; }, "",
      ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(volunteer, IsOk());
  volunteer_ = volunteer->number;
}

namespace {

Team NewTeam(std::string region, int64_t parent = 0, std::string name = "队") {
  Team team;
  team.home_region_code = std::move(region);
  team.parent_id = parent;
  team.display_name = std::move(name);
  team.status = 1;
  return team;
}

std::vector<int64_t> Ids(const absl::StatusOr<TeamPage>& page) {
  std::vector<int64_t> ids;
  if (page.ok()) {
    for (const Team& team : page->teams) ids.push_back(team.id);
  }
  return ids;
}

TEST_P(TeamStoreContractTest, CreatesATeamWithEverythingAndReadsItBack) {
  Team team = NewTeam("141124", 0, "临县党史宣讲志愿服务总队");
  team.categories = {1, 5};
  team.practice_unit_id = center_id_;
  team.leader = volunteer_;
  const auto created = teams().Create(team, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  const auto read = teams().Get(created->id, Soon());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->display_name, "临县党史宣讲志愿服务总队");
  EXPECT_EQ(read->home_region_code, "141124");
  EXPECT_EQ(read->parent_id, 0);
  EXPECT_THAT(read->categories, ElementsAre(1, 5));
  EXPECT_EQ(read->practice_unit_id, center_id_);
  EXPECT_EQ(read->leader, volunteer_);
  EXPECT_EQ(read->status, 1);
  EXPECT_EQ(read->revision, 1);

  const auto child = teams().Create(NewTeam("141124100", created->id, "临泉镇分队"), "",
                                    ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(child, IsOk());
  EXPECT_EQ(child->parent_id, created->id);
  EXPECT_TRUE(child->categories.empty());
  EXPECT_EQ(child->leader, "");
}

TEST_P(TeamStoreContractTest, ARetryWithTheSameRequestIdReturnsTheFirstTeam) {
  const std::string request_id = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
  const auto first =
      teams().Create(NewTeam("141124"), request_id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  const auto retry =
      teams().Create(NewTeam("141124"), request_id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(teams().List(TeamQuery(), Soon())->total, 1);
}

TEST_P(TeamStoreContractTest, RefusesMissingOrMisplacedReferencesAndCreatesNothing) {
  const auto top = teams().Create(NewTeam("141124"), "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(top, IsOk());
  Team with_unit = NewTeam("141124");
  with_unit.practice_unit_id = 987654;
  Team with_leader = NewTeam("141124");
  with_leader.leader = "141124202699999990";
  const std::vector<std::pair<Team, std::string>> cases = {
      {NewTeam("999999"), "regions/999999 does not exist"},
      {NewTeam("141124100", 424242), "teams/424242 does not exist"},
      {NewTeam("652302", top->id), "regions/652302 is not within the parent team's region"},
      {with_unit, "practiceUnits/987654 does not exist"},
      {with_leader, "volunteers/141124202699999990 does not exist"},
  };
  for (const auto& [team, message] : cases) {
    EXPECT_THAT(teams().Create(team, "", ::zhiyuan::testing::TestAudit(), Soon()),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(message)))
        << message;
  }
  EXPECT_EQ(teams().List(TeamQuery(), Soon())->total, 1);
}

TEST_P(TeamStoreContractTest, ListsByRegionParentCategoryAndStatusWithTotals) {
  Team a = NewTeam("141124");
  a.categories = {1};
  const auto top = teams().Create(a, "", ::zhiyuan::testing::TestAudit(), Soon());
  Team b = NewTeam("141124100", top->id);
  b.categories = {1, 3};
  const auto child = teams().Create(b, "", ::zhiyuan::testing::TestAudit(), Soon());
  const auto other = teams().Create(NewTeam("652302"), "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(other, IsOk());

  TeamQuery query;
  query.region_code = "141124";
  auto page = teams().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(top->id, child->id));
  EXPECT_EQ(page->total, 2);
  query = TeamQuery();
  query.parent_id = top->id;
  EXPECT_THAT(Ids(teams().List(query, Soon())), ElementsAre(child->id));
  query = TeamQuery();
  query.category = 3;
  EXPECT_THAT(Ids(teams().List(query, Soon())), ElementsAre(child->id));
  query.category = 1;
  query.limit = 1;
  page = teams().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(top->id));
  EXPECT_EQ(page->total, 2);
  query.after_id = top->id;
  EXPECT_THAT(Ids(teams().List(query, Soon())), ElementsAre(child->id));

  query = TeamQuery();
  query.name_prefix = "队";
  EXPECT_EQ(teams().List(query, Soon())->total, 3);
  query.name_prefix = "%";
  EXPECT_EQ(teams().List(query, Soon())->total, 0);

  TeamChange pause;
  pause.status = 2;
  ASSERT_THAT(teams().Update(other->id, pause, ::zhiyuan::testing::TestAudit(), Soon()), IsOk());
  query = TeamQuery();
  query.status = 2;
  EXPECT_THAT(Ids(teams().List(query, Soon())), ElementsAre(other->id));
}

TEST_P(TeamStoreContractTest, UpdateChangesFieldsChecksReferencesAndRevision) {
  const auto team = teams().Create(NewTeam("141124"), "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(team, IsOk());
  TeamChange change;
  change.display_name = "新名";
  change.categories = std::vector<int>{7};
  change.leader = volunteer_;
  change.practice_unit_id = center_id_;
  change.expected_revision = 1;
  const auto updated = teams().Update(team->id, change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name, "新名");
  EXPECT_THAT(updated->categories, ElementsAre(7));
  EXPECT_EQ(updated->leader, volunteer_);
  EXPECT_EQ(updated->practice_unit_id, center_id_);
  EXPECT_EQ(updated->revision, 2);
  EXPECT_THAT(teams().Update(team->id, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));

  TeamChange clear;
  clear.leader = "";
  clear.practice_unit_id = 0;
  const auto cleared = teams().Update(team->id, clear, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(cleared, IsOk());
  EXPECT_EQ(cleared->leader, "");
  EXPECT_EQ(cleared->practice_unit_id, 0);

  TeamChange bad;
  bad.leader = "141124202699999990";
  EXPECT_THAT(teams().Update(team->id, bad, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(teams().Get(team->id, Soon())->leader, "");
  EXPECT_THAT(teams().Update(31337, clear, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(TeamStoreContractTest, DeleteKeepsTheTeamReadableAndOutOfLists) {
  const auto top = teams().Create(NewTeam("141124"), "", ::zhiyuan::testing::TestAudit(), Soon());
  const auto child =
      teams().Create(NewTeam("141124100", top->id), "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(child, IsOk());
  EXPECT_THAT(teams().Delete(top->id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("teams under it")));
  EXPECT_THAT(teams().Delete(child->id, 3, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  const auto deleted = teams().Delete(child->id, 1, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(deleted, IsOk());
  EXPECT_TRUE(deleted->delete_time.has_value());
  EXPECT_EQ(
      teams().Delete(child->id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon())->revision,
      2);
  EXPECT_THAT(Ids(teams().List(TeamQuery(), Soon())), ElementsAre(top->id));
  TeamQuery all;
  all.show_deleted = true;
  EXPECT_EQ(teams().List(all, Soon())->total, 2);
  EXPECT_THAT(
      teams().Create(NewTeam("141124100", child->id), "", ::zhiyuan::testing::TestAudit(), Soon()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));
  EXPECT_THAT(teams().Delete(top->id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
}

}  // namespace
}  // namespace zhiyuan::storage
