// TeamService's handlers over an in-process channel and the in-memory stores.
#include "services/team_service.h"

#include <gmock/gmock.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "services/identity_numbers.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_member_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/testing/audit.h"
#include "tests/testing/auth.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/text_proto.h"

namespace zhiyuan::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::ParseTextProto;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::v1::CreateTeamRequest;
using ::zhiyuan::v1::DeleteTeamRequest;
using ::zhiyuan::v1::GetTeamRequest;
using ::zhiyuan::v1::ListTeamsRequest;
using ::zhiyuan::v1::ListTeamsResponse;
using ::zhiyuan::v1::Team;
using ::zhiyuan::v1::TeamService;
using ::zhiyuan::v1::UpdateTeamRequest;

// Regions down to 临泉镇, and one team (teams/1) in 临县.
class TeamServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(
        ::zhiyuan::testing::ImportRegions(
            regions_,
            {{"14", "山西省"}, {"1411", "吕梁市"}, {"141124", "临县"}, {"141124100", "临泉镇"}}),
        IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = TeamService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    Team team;
    ASSERT_THAT(
        Create(ParseTextProto<CreateTeamRequest>("team { display_name: '临县党史宣讲志愿服务总队' "
                                                 "home_region: 'regions/141124' "
                                                 "categories: SERVICE_CATEGORY_THEORY_OUTREACH }"),
               &team),
        IsOk());
    ASSERT_EQ(team.name(), "teams/1");
    before_ = Snapshot();
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status Create(const CreateTeamRequest& request, Team* team) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->CreateTeam(&context, request, team);
  }

  std::vector<std::string> Snapshot() {
    storage::TeamQuery query;
    query.show_deleted = true;
    query.limit = 1000;
    const auto page = teams_.List(query, absl::InfiniteFuture());
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> all;
    for (const auto& team : page->teams) {
      all.push_back(absl::StrCat(team.id, " ", team.display_name, " ", team.revision));
    }
    return all;
  }

  storage::InMemoryRegionStore regions_;
  storage::InMemoryPracticeUnitStore units_{regions_};
  storage::InMemoryVolunteerStore volunteers_{regions_};
  storage::InMemoryTeamStore teams_{regions_, units_, volunteers_};
  storage::InMemoryTeamMemberStore members_{teams_, volunteers_};
  ::zhiyuan::testing::TestAuth auth_{{&teams_, &units_, nullptr, &volunteers_}};
  TeamServiceImpl service_{teams_, members_, auth_.authorizer()};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<TeamService::Stub> stub_;
  std::vector<std::string> before_;
};

TEST_F(TeamServiceTest, CreateReturnsTheWholeTeam) {
  Team team;
  ASSERT_THAT(Create(ParseTextProto<CreateTeamRequest>(
                         "team { display_name: '临泉镇分队' home_region: 'regions/141124100' "
                         "parent: 'teams/1' categories: [SERVICE_CATEGORY_ENVIRONMENT, "
                         "SERVICE_CATEGORY_HEALTH] }"),
                     &team),
              IsOk());
  EXPECT_EQ(team.name(), "teams/2");
  EXPECT_EQ(team.parent(), "teams/1");
  EXPECT_EQ(team.home_region(), "regions/141124100");
  EXPECT_THAT(team.categories(), ElementsAre(zhiyuan::v1::SERVICE_CATEGORY_ENVIRONMENT,
                                             zhiyuan::v1::SERVICE_CATEGORY_HEALTH));
  EXPECT_EQ(team.status(), zhiyuan::v1::TEAM_STATUS_ACTIVE);
  EXPECT_EQ(team.leader(), "");
  EXPECT_EQ(team.etag(), "1");
}

TEST_F(TeamServiceTest, ListPagesToTheEndWithoutRepeatsOrGaps) {
  for (int i = 0; i < 6; ++i) {
    Team team;
    ASSERT_THAT(
        Create(ParseTextProto<CreateTeamRequest>(absl::StrCat("team { display_name: '分队", i,
                                                              "' home_region: 'regions/141124100' "
                                                              "parent: 'teams/1' }")),
               &team),
        IsOk());
  }
  ListTeamsRequest request =
      ParseTextProto<ListTeamsRequest>("home_region: 'regions/141124' page_size: 3");
  std::vector<std::string> names;
  for (int page = 0; page < 10; ++page) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    ListTeamsResponse response;
    ASSERT_THAT(stub_->ListTeams(&context, request, &response), IsOk());
    EXPECT_EQ(response.total_size(), 7);
    for (const Team& team : response.teams()) names.push_back(team.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(names, ElementsAre("teams/1", "teams/2", "teams/3", "teams/4", "teams/5", "teams/6",
                                 "teams/7"));
}

using BadInput = std::tuple<std::string, grpc::StatusCode, std::string>;
constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kPrecondition = grpc::StatusCode::FAILED_PRECONDITION;

class CreateBadInputTest : public TeamServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(CreateBadInputTest, IsRefusedAndChangesNothing) {
  Team team;
  EXPECT_THAT(Create(ParseTextProto<CreateTeamRequest>(std::get<0>(GetParam())), &team),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadInputTest,
    ::testing::Values(
        BadInput{"team { home_region: 'regions/141124' }", kInvalid, "team.display_name"},
        BadInput{"team { display_name: 'x' }", kInvalid, "team.home_region: is required"},
        BadInput{"team { display_name: 'x' home_region: 'regions/1' }", kInvalid,
                 "team.home_region"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' parent: 'team/1' }",
                 kInvalid, "team.parent"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' "
                 "practice_unit: 'practiceUnits/x' }",
                 kInvalid, "team.practice_unit"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' leader: 'volunteers/1' }",
                 kInvalid, "team.leader"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' categories: [1, 1] }",
                 kInvalid, "team.categories[1]"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' categories: 0 }", kInvalid,
                 "team.categories[0]"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' "
                 "categories: [1, 2, 3, 4, 5, 6] }",
                 kInvalid, "team.categories"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' status: 9 }", kInvalid,
                 "team.status"},
        BadInput{"request_id: '123' team { display_name: 'x' home_region: 'regions/141124' }",
                 kInvalid, "request_id"},
        BadInput{"team { display_name: 'x' home_region: 'regions/652302' }", kPrecondition,
                 "regions/652302"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' parent: 'teams/9' }",
                 kPrecondition, "teams/9"},
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' "
                 "leader: 'volunteers/141124202600000173' }",
                 kPrecondition, "volunteers/141124202600000173"}));

class GetBadInputTest : public TeamServiceTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(GetBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Team team;
  EXPECT_THAT(
      stub_->GetTeam(&context, ParseTextProto<GetTeamRequest>(std::get<0>(GetParam())), &team),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Requests, GetBadInputTest,
                         ::testing::Values(BadInput{"", kInvalid, "name: is required"},
                                           BadInput{"name: 'teams/'", kInvalid, "name"},
                                           BadInput{"name: 'teams/0'", kInvalid, "name"},
                                           BadInput{"name: 'teams/a1'", kInvalid, "name"},
                                           BadInput{"name: 'practiceUnits/1'", kInvalid, "name"},
                                           BadInput{"name: 'teams/404'",
                                                    grpc::StatusCode::NOT_FOUND, "teams/404"}));

class ListBadInputTest : public TeamServiceTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(ListBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListTeamsResponse response;
  EXPECT_THAT(stub_->ListTeams(&context, ParseTextProto<ListTeamsRequest>(std::get<0>(GetParam())),
                               &response),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(
    Requests, ListBadInputTest,
    ::testing::Values(BadInput{"home_region: 'regions/x'", kInvalid, "home_region"},
                      BadInput{"parent: 'teams/-1'", kInvalid, "parent"},
                      BadInput{"category: 99", kInvalid, "category"},
                      BadInput{"status: 7", kInvalid, "status"},
                      BadInput{"page_size: -2", kInvalid, "page_size"},
                      BadInput{"page_token: 'zz'", kInvalid, "page_token"},
                      BadInput{"display_name_prefix: ' 临'", kInvalid, "display_name_prefix"}));

class UpdateBadInputTest : public TeamServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(UpdateBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Team team;
  EXPECT_THAT(stub_->UpdateTeam(&context,
                                ParseTextProto<UpdateTeamRequest>(std::get<0>(GetParam())), &team),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateBadInputTest,
    ::testing::Values(
        BadInput{"team { display_name: 'x' } update_mask { paths: 'display_name' }", kInvalid,
                 "team.name"},
        BadInput{"team { name: 'teams/1' display_name: 'x' }", kInvalid, "update_mask"},
        BadInput{"team { name: 'teams/1' home_region: 'regions/14' } "
                 "update_mask { paths: 'home_region' }",
                 kInvalid, "update_mask: cannot set \"home_region\""},
        BadInput{"team { name: 'teams/1' } update_mask { paths: 'status' }", kInvalid,
                 "team.status"},
        BadInput{"team { name: 'teams/1' categories: [3, 3] } update_mask { paths: 'categories' }",
                 kInvalid, "team.categories[1]"},
        BadInput{"team { name: 'teams/1' display_name: 'x' etag: 'x' } "
                 "update_mask { paths: 'display_name' }",
                 kInvalid, "team.etag"},
        BadInput{"team { name: 'teams/1' display_name: 'x' etag: '8' } "
                 "update_mask { paths: 'display_name' }",
                 grpc::StatusCode::ABORTED, "etag"},
        BadInput{"team { name: 'teams/1' practice_unit: 'practiceUnits/5' } "
                 "update_mask { paths: 'practice_unit' }",
                 kPrecondition, "practiceUnits/5"},
        BadInput{
            "team { name: 'teams/77' display_name: 'x' } update_mask { paths: 'display_name' }",
            grpc::StatusCode::NOT_FOUND, "teams/77"}));

class DeleteBadInputTest : public TeamServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(DeleteBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Team team;
  EXPECT_THAT(stub_->DeleteTeam(&context,
                                ParseTextProto<DeleteTeamRequest>(std::get<0>(GetParam())), &team),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, DeleteBadInputTest,
    ::testing::Values(BadInput{"", kInvalid, "name"},
                      BadInput{"name: 'teams/abc'", kInvalid, "name"},
                      BadInput{"name: 'teams/1' etag: '-1'", kInvalid, "etag"},
                      BadInput{"name: 'teams/1' etag: '2'", grpc::StatusCode::ABORTED, "etag"},
                      BadInput{"name: 'teams/55'", grpc::StatusCode::NOT_FOUND, "teams/55"}));

// Memberships: the fixture's team (teams/1) and a volunteer registered in 临县.
class TeamMemberServiceTest : public TeamServiceTest {
 protected:
  void SetUp() override {
    TeamServiceTest::SetUp();
    storage::Volunteer person;
    person.display_name = "张三";
    person.birth_date = absl::CivilDay(1985, 11, 22);
    person.residence_region_code = "141124";
    person.id_number_cipher = "c";
    person.id_number_masked = "m";
    const auto created = volunteers_.Create(
        person, "h", [](int64_t serial) { return MintVolunteerNumber("141124", 2026, serial); }, "",
        ::zhiyuan::testing::TestAudit(), absl::InfiniteFuture());
    ASSERT_THAT(created, IsOk());
    volunteer_ = "volunteers/" + created->number;
    member_ = "teams/1/members/" + created->number;
    zhiyuan::v1::TeamMember member;
    ASSERT_THAT(Join(absl::StrCat("parent: 'teams/1' volunteer: '", volunteer_, "'"), &member),
                IsOk());
    members_before_ = Members();
  }

  grpc::Status Join(const std::string& text, zhiyuan::v1::TeamMember* member) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->CreateTeamMember(
        &context, ParseTextProto<zhiyuan::v1::CreateTeamMemberRequest>(text), member);
  }

  std::vector<std::string> Members() {
    storage::TeamMemberQuery query;
    query.show_former = true;
    query.limit = 1000;
    const auto page = members_.List(query, absl::InfiniteFuture());
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> all;
    for (const auto& member : page->members) {
      all.push_back(absl::StrCat(member.id, " ", member.role, " ", member.revision, " ",
                                 member.leave_time.has_value()));
    }
    return all;
  }

  // Replaces $V with the volunteer's name and $M with the membership's.
  std::string Fill(const std::string& text) {
    return absl::StrReplaceAll(text, {{"$V", volunteer_}, {"$M", member_}});
  }

  std::string volunteer_;
  std::string member_;
  std::vector<std::string> members_before_;
};

TEST_F(TeamMemberServiceTest, JoinReturnsTheMembershipAndARetryTheSame) {
  zhiyuan::v1::TeamMember first;
  const std::string request = Fill(
      "parent: 'teams/1' volunteer: '$V' role: TEAM_MEMBER_ROLE_LEADER "
      "request_id: '8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968'");
  // The fixture's membership is current: leave first, then join twice with one request id.
  grpc::ClientContext leave;
  auth_.Authorize(leave);
  zhiyuan::v1::TeamMember left;
  ASSERT_THAT(
      stub_->DeleteTeamMember(
          &leave, ParseTextProto<zhiyuan::v1::DeleteTeamMemberRequest>(Fill("name: '$M'")), &left),
      IsOk());
  EXPECT_TRUE(left.has_leave_time());
  ASSERT_THAT(Join(request, &first), IsOk());
  EXPECT_EQ(first.name(), member_);
  EXPECT_EQ(first.volunteer(), volunteer_);
  EXPECT_EQ(first.role(), zhiyuan::v1::TEAM_MEMBER_ROLE_LEADER);
  EXPECT_FALSE(first.has_leave_time());
  zhiyuan::v1::TeamMember retry;
  ASSERT_THAT(Join(request, &retry), IsOk());
  EXPECT_EQ(retry.join_time().seconds(), first.join_time().seconds());
  EXPECT_EQ(retry.etag(), first.etag());
}

TEST_F(TeamMemberServiceTest, ListsATeamAndAVolunteersTeams) {
  for (const std::string& text :
       {std::string("parent: 'teams/1'"), Fill("parent: 'teams/-' volunteer: '$V'")}) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    zhiyuan::v1::ListTeamMembersResponse response;
    ASSERT_THAT(stub_->ListTeamMembers(
                    &context, ParseTextProto<zhiyuan::v1::ListTeamMembersRequest>(text), &response),
                IsOk());
    EXPECT_EQ(response.total_size(), 1) << text;
    EXPECT_EQ(response.team_members(0).name(), member_);
  }
}

class JoinBadInputTest : public TeamMemberServiceTest,
                         public ::testing::WithParamInterface<BadInput> {};

TEST_P(JoinBadInputTest, IsRefusedAndChangesNothing) {
  zhiyuan::v1::TeamMember member;
  EXPECT_THAT(Join(Fill(std::get<0>(GetParam())), &member),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Members(), members_before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, JoinBadInputTest,
    ::testing::Values(
        BadInput{"volunteer: '$V'", kInvalid, "parent: is required"},
        BadInput{"parent: 'teams/-' volunteer: '$V'", kInvalid, "parent"},
        BadInput{"parent: 'teams/1'", kInvalid, "volunteer: is required"},
        BadInput{"parent: 'teams/1' volunteer: 'volunteers/141124202600000010'", kInvalid,
                 "volunteer"},
        BadInput{"parent: 'teams/1' volunteer: '$V' role: 8", kInvalid, "role"},
        BadInput{"parent: 'teams/1' volunteer: '$V' request_id: 'nope'", kInvalid, "request_id"},
        BadInput{"parent: 'teams/1' volunteer: '$V'", grpc::StatusCode::ALREADY_EXISTS, "already"},
        BadInput{"parent: 'teams/9' volunteer: '$V'", kPrecondition, "teams/9"},
        BadInput{"parent: 'teams/1' volunteer: 'volunteers/141124202600000173'", kPrecondition,
                 "volunteers/141124202600000173"}));

class MemberNameBadInputTest : public TeamMemberServiceTest,
                               public ::testing::WithParamInterface<BadInput> {};

TEST_P(MemberNameBadInputTest, GetAndDeleteRefuseItAndChangeNothing) {
  const std::string name = Fill(std::get<0>(GetParam()));
  grpc::ClientContext get;
  auth_.Authorize(get);
  zhiyuan::v1::TeamMember member;
  zhiyuan::v1::GetTeamMemberRequest get_request;
  get_request.set_name(name);
  EXPECT_THAT(stub_->GetTeamMember(&get, get_request, &member),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  grpc::ClientContext remove;
  auth_.Authorize(remove);
  zhiyuan::v1::DeleteTeamMemberRequest delete_request;
  delete_request.set_name(name);
  EXPECT_THAT(stub_->DeleteTeamMember(&remove, delete_request, &member),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Members(), members_before_);
}

INSTANTIATE_TEST_SUITE_P(Names, MemberNameBadInputTest,
                         ::testing::Values(BadInput{"", kInvalid, "name: is required"},
                                           BadInput{"teams/1", kInvalid, "name"},
                                           BadInput{"teams/1/members/", kInvalid, "name"},
                                           BadInput{"teams/1/members/123", kInvalid, "name"},
                                           BadInput{"teams/x/members/141124202600000173", kInvalid,
                                                    "name"},
                                           BadInput{"teams/2/members/141124202600000173",
                                                    grpc::StatusCode::NOT_FOUND, "not a member"}));

class ListMembersBadInputTest : public TeamMemberServiceTest,
                                public ::testing::WithParamInterface<BadInput> {};

TEST_P(ListMembersBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  zhiyuan::v1::ListTeamMembersResponse response;
  EXPECT_THAT(stub_->ListTeamMembers(&context,
                                     ParseTextProto<zhiyuan::v1::ListTeamMembersRequest>(
                                         Fill(std::get<0>(GetParam()))),
                                     &response),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(
    Requests, ListMembersBadInputTest,
    ::testing::Values(BadInput{"", kInvalid, "parent"},
                      BadInput{"parent: 'teams/-'", kInvalid, "volunteer: is required"},
                      BadInput{"parent: 'teams/1' volunteer: 'volunteers/1'", kInvalid,
                               "volunteer"},
                      BadInput{"parent: 'teams/1' page_size: -1", kInvalid, "page_size"},
                      BadInput{"parent: 'teams/1' page_token: 'x'", kInvalid, "page_token"}));

class UpdateMemberBadInputTest : public TeamMemberServiceTest,
                                 public ::testing::WithParamInterface<BadInput> {};

TEST_P(UpdateMemberBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  zhiyuan::v1::TeamMember member;
  EXPECT_THAT(stub_->UpdateTeamMember(&context,
                                      ParseTextProto<zhiyuan::v1::UpdateTeamMemberRequest>(
                                          Fill(std::get<0>(GetParam()))),
                                      &member),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Members(), members_before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateMemberBadInputTest,
    ::testing::Values(
        BadInput{"team_member { role: 2 } update_mask { paths: 'role' }", kInvalid,
                 "team_member.name"},
        BadInput{"team_member { name: '$M' role: 2 }", kInvalid, "update_mask"},
        BadInput{"team_member { name: '$M' role: 2 } update_mask { paths: 'volunteer' }", kInvalid,
                 "update_mask"},
        BadInput{"team_member { name: '$M' } update_mask { paths: 'role' }", kInvalid,
                 "team_member.role"},
        BadInput{"team_member { name: '$M' role: 2 etag: 'q' } update_mask { paths: 'role' }",
                 kInvalid, "team_member.etag"},
        BadInput{"team_member { name: '$M' role: 2 etag: '4' } update_mask { paths: 'role' }",
                 grpc::StatusCode::ABORTED, "etag"},
        BadInput{"team_member { name: 'teams/3/members/141124202600000173' role: 2 } "
                 "update_mask { paths: 'role' }",
                 grpc::StatusCode::NOT_FOUND, "not a member"}));

}  // namespace
}  // namespace zhiyuan::services
