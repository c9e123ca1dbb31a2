#include "tests/storage/team_member_store_contract.h"

#include <gmock/gmock.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

}  // namespace

void TeamMemberStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.members == nullptr) GTEST_SKIP() << "no store to test";
  auto import = under_test_.regions->StartImport(::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(import, IsOk());
  std::vector<Region> regions(3);
  regions[0].code = "14";
  regions[1].code = "1411";
  regions[2].code = "141124";
  for (Region& region : regions) region.display_name = "地方";
  ASSERT_THAT((*import)->Add(regions), IsOk());
  ASSERT_THAT((*import)->Commit(), IsOk());
  for (int64_t* id : {&team_, &other_team_}) {
    Team team;
    team.home_region_code = "141124";
    team.display_name = "队";
    team.status = 1;
    const auto created =
        under_test_.teams->Create(team, "", ::zhiyuan::testing::TestAudit(), Soon());
    ASSERT_THAT(created, IsOk());
    *id = created->id;
  }
  int serial = 0;
  for (std::string* number : {&alice_, &bob_}) {
    Volunteer person;
    person.display_name = "人";
    person.birth_date = absl::CivilDay(1980, 1, 1);
    person.residence_region_code = "141124";
    person.id_number_cipher = "c";
    person.id_number_masked = "m";
    const auto created = under_test_.volunteers->Create(
        person, absl::StrCat("hash", ++serial),
        [](int64_t s) { return absl::StrCat("14112420260", 100000 + s, "0"); }, "",
        ::zhiyuan::testing::TestAudit(), Soon());
    ASSERT_THAT(created, IsOk());
    *number = created->number;
  }
}

namespace {

std::vector<std::string> Numbers(const absl::StatusOr<TeamMemberPage>& page) {
  std::vector<std::string> numbers;
  if (page.ok()) {
    for (const TeamMember& member : page->members) numbers.push_back(member.volunteer_number);
  }
  return numbers;
}

TEST_P(TeamMemberStoreContractTest, JoinsAndReadsTheCurrentMembership) {
  const auto joined =
      members().Create(team_, alice_, 2, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(joined, IsOk());
  EXPECT_EQ(joined->team_id, team_);
  EXPECT_EQ(joined->volunteer_number, alice_);
  EXPECT_EQ(joined->role, 2);
  EXPECT_FALSE(joined->leave_time.has_value());
  EXPECT_EQ(joined->revision, 1);
  const auto read = members().Get(team_, alice_, Soon());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->id, joined->id);
  EXPECT_THAT(members().Get(team_, bob_, Soon()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("is not a member now")));
}

TEST_P(TeamMemberStoreContractTest, JoiningTwiceIsAlreadyExistsAndARetryReturnsTheFirst) {
  const std::string request_id = "4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a";
  const auto first =
      members().Create(team_, alice_, 1, request_id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  const auto retry =
      members().Create(team_, alice_, 1, request_id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_THAT(members().Create(team_, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already")));
  EXPECT_THAT(members().Create(other_team_, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
}

TEST_P(TeamMemberStoreContractTest, RefusesTeamsAndVolunteersThatDoNotExistOrAreDeleted) {
  EXPECT_THAT(members().Create(9999, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("teams/9999")));
  EXPECT_THAT(
      members().Create(team_, "141124202699999990", 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("volunteers/")));
  ASSERT_THAT(
      stores().teams->Delete(other_team_, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
      IsOk());
  EXPECT_THAT(members().Create(other_team_, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));
  ASSERT_THAT(
      stores().volunteers->Delete(bob_, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
      IsOk());
  EXPECT_THAT(members().Create(team_, bob_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_P(TeamMemberStoreContractTest, LeavingKeepsHistoryAndRejoiningStartsANewStint) {
  const auto first =
      members().Create(team_, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(members().Leave(team_, alice_, 9, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  const auto left = members().Leave(team_, alice_, 1, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(left, IsOk());
  EXPECT_TRUE(left->leave_time.has_value());
  EXPECT_THAT(members().Leave(team_, alice_, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
  const auto again =
      members().Create(team_, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(again, IsOk());
  EXPECT_NE(again->id, first->id);

  TeamMemberQuery query;
  query.team_id = team_;
  EXPECT_EQ(members().List(query, Soon())->total, 1);
  query.show_former = true;
  const auto history = members().List(query, Soon());
  EXPECT_THAT(Numbers(history), ElementsAre(alice_, alice_));
  EXPECT_EQ(history->total, 2);
}

TEST_P(TeamMemberStoreContractTest, ListsByTeamOrVolunteerInPages) {
  ASSERT_THAT(members().Create(team_, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  ASSERT_THAT(members().Create(team_, bob_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  ASSERT_THAT(members().Create(other_team_, alice_, 3, "", ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  TeamMemberQuery query;
  query.team_id = team_;
  query.limit = 1;
  auto page = members().List(query, Soon());
  EXPECT_THAT(Numbers(page), ElementsAre(alice_));
  EXPECT_EQ(page->total, 2);
  query.after_id = page->members[0].id;
  EXPECT_THAT(Numbers(members().List(query, Soon())), ElementsAre(bob_));
  query = TeamMemberQuery();
  query.volunteer_number = alice_;
  page = members().List(query, Soon());
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->members[1].team_id, other_team_);
}

TEST_P(TeamMemberStoreContractTest, ChangesTheRoleWithANewRevision) {
  ASSERT_THAT(members().Create(team_, alice_, 1, "", ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  const auto leader =
      members().UpdateRole(team_, alice_, 2, 1, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(leader, IsOk());
  EXPECT_EQ(leader->role, 2);
  EXPECT_EQ(leader->revision, 2);
  EXPECT_THAT(members().UpdateRole(team_, alice_, 3, 1, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      members().UpdateRole(team_, bob_, 3, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
      StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(TeamMemberStoreContractTest, ConcurrentJoinsMakeOneMembership) {
  std::vector<absl::StatusOr<TeamMember>> results(4, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([this, &result] {
      result = members().Create(team_, bob_, 1, "", ::zhiyuan::testing::TestAudit(), Soon());
    });
  }
  for (auto& thread : threads) thread.join();
  int made = 0;
  for (const auto& result : results) {
    if (result.ok()) {
      ++made;
    } else {
      EXPECT_THAT(result, StatusIs(absl::StatusCode::kAlreadyExists));
    }
  }
  EXPECT_EQ(made, 1);
}

}  // namespace
}  // namespace zhiyuan::storage
