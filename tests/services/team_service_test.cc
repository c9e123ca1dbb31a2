// TeamService's handlers over an in-process channel and the in-memory stores.
#include "services/team_service.h"

#include <string>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::v1::CreateTeamRequest;
using ::zhiyuan::v1::DeleteTeamRequest;
using ::zhiyuan::v1::GetTeamRequest;
using ::zhiyuan::v1::ListTeamsRequest;
using ::zhiyuan::v1::ListTeamsResponse;
using ::zhiyuan::v1::Team;
using ::zhiyuan::v1::TeamService;
using ::zhiyuan::v1::UpdateTeamRequest;

template <typename Message>
Message Parse(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

// Regions down to 临泉镇, and one team (teams/1) in 临县.
class TeamServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto import = regions_.StartImport(absl::InfiniteFuture());
    std::vector<storage::Region> regions;
    for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
             {"14", "山西省"}, {"1411", "吕梁市"}, {"141124", "临县"}, {"141124100", "临泉镇"}}) {
      storage::Region region;
      region.code = code;
      region.display_name = name;
      regions.push_back(region);
    }
    ASSERT_THAT((*import)->Add(regions), IsOk());
    ASSERT_THAT((*import)->Commit(), IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = TeamService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    Team team;
    ASSERT_THAT(Create(Parse<CreateTeamRequest>(
                           "team { display_name: '临县党史宣讲志愿服务总队' "
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
  TeamServiceImpl service_{teams_};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<TeamService::Stub> stub_;
  std::vector<std::string> before_;
};

TEST_F(TeamServiceTest, CreateReturnsTheWholeTeam) {
  Team team;
  ASSERT_THAT(Create(Parse<CreateTeamRequest>(
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
    ASSERT_THAT(Create(Parse<CreateTeamRequest>(absl::StrCat(
                           "team { display_name: '分队", i, "' home_region: 'regions/141124100' "
                           "parent: 'teams/1' }")),
                       &team),
                IsOk());
  }
  ListTeamsRequest request = Parse<ListTeamsRequest>("home_region: 'regions/141124' page_size: 3");
  std::vector<std::string> names;
  for (int page = 0; page < 10; ++page) {
    grpc::ClientContext context;
    ListTeamsResponse response;
    ASSERT_THAT(stub_->ListTeams(&context, request, &response), IsOk());
    EXPECT_EQ(response.total_size(), 7);
    for (const Team& team : response.teams()) names.push_back(team.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(names, ElementsAre("teams/1", "teams/2", "teams/3", "teams/4", "teams/5",
                                 "teams/6", "teams/7"));
}

using BadInput = std::tuple<std::string, grpc::StatusCode, std::string>;
constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kPrecondition = grpc::StatusCode::FAILED_PRECONDITION;

class CreateBadInputTest : public TeamServiceTest, public ::testing::WithParamInterface<BadInput> {
};

TEST_P(CreateBadInputTest, IsRefusedAndChangesNothing) {
  Team team;
  EXPECT_THAT(Create(Parse<CreateTeamRequest>(std::get<0>(GetParam())), &team),
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
        BadInput{"team { display_name: 'x' home_region: 'regions/141124' categories: 0 }",
                 kInvalid, "team.categories[0]"},
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
  Team team;
  EXPECT_THAT(stub_->GetTeam(&context, Parse<GetTeamRequest>(std::get<0>(GetParam())), &team),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(
    Requests, GetBadInputTest,
    ::testing::Values(BadInput{"", kInvalid, "name: is required"},
                      BadInput{"name: 'teams/'", kInvalid, "name"},
                      BadInput{"name: 'teams/0'", kInvalid, "name"},
                      BadInput{"name: 'teams/a1'", kInvalid, "name"},
                      BadInput{"name: 'practiceUnits/1'", kInvalid, "name"},
                      BadInput{"name: 'teams/404'", grpc::StatusCode::NOT_FOUND, "teams/404"}));

class ListBadInputTest : public TeamServiceTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(ListBadInputTest, IsRefused) {
  grpc::ClientContext context;
  ListTeamsResponse response;
  EXPECT_THAT(
      stub_->ListTeams(&context, Parse<ListTeamsRequest>(std::get<0>(GetParam())), &response),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Requests, ListBadInputTest,
                         ::testing::Values(BadInput{"home_region: 'regions/x'", kInvalid,
                                                    "home_region"},
                                           BadInput{"parent: 'teams/-1'", kInvalid, "parent"},
                                           BadInput{"category: 99", kInvalid, "category"},
                                           BadInput{"status: 7", kInvalid, "status"},
                                           BadInput{"page_size: -2", kInvalid, "page_size"},
                                           BadInput{"page_token: 'zz'", kInvalid,
                                                    "page_token"}));

class UpdateBadInputTest : public TeamServiceTest, public ::testing::WithParamInterface<BadInput> {
};

TEST_P(UpdateBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  Team team;
  EXPECT_THAT(
      stub_->UpdateTeam(&context, Parse<UpdateTeamRequest>(std::get<0>(GetParam())), &team),
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
        BadInput{"team { name: 'teams/77' display_name: 'x' } update_mask { paths: 'display_name' }",
                 grpc::StatusCode::NOT_FOUND, "teams/77"}));

class DeleteBadInputTest : public TeamServiceTest, public ::testing::WithParamInterface<BadInput> {
};

TEST_P(DeleteBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  Team team;
  EXPECT_THAT(
      stub_->DeleteTeam(&context, Parse<DeleteTeamRequest>(std::get<0>(GetParam())), &team),
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

}  // namespace
}  // namespace zhiyuan::services
