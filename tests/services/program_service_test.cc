// ProgramService's handlers over an in-process channel and the in-memory stores.
#include "services/program_service.h"

#include <gmock/gmock.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_program_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/testing/auth.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/text_proto.h"

namespace zhiyuan::services {
namespace {

using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::ParseTextProto;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::v1::CreateProgramRequest;
using ::zhiyuan::v1::DeleteProgramRequest;
using ::zhiyuan::v1::GetProgramRequest;
using ::zhiyuan::v1::ListProgramsRequest;
using ::zhiyuan::v1::ListProgramsResponse;
using ::zhiyuan::v1::Program;
using ::zhiyuan::v1::ProgramService;
using ::zhiyuan::v1::UpdateProgramRequest;

constexpr char kNightSchool[] =
    "display_name: '新时代夜校' category: SERVICE_CATEGORY_THEORY_OUTREACH "
    "owner: 'regions/141124' start_date: '2024-03-01'";

// 临县 and one program (programs/1) run by its office.
class ProgramServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(::zhiyuan::testing::ImportRegions(
                    regions_, {{"14", "山西省"}, {"1411", "吕梁市"}, {"141124", "临县"}}),
                IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = ProgramService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    Program program;
    ASSERT_THAT(
        Create(ParseTextProto<CreateProgramRequest>(absl::StrCat("program { ", kNightSchool, " }")),
               &program),
        IsOk());
    ASSERT_EQ(program.name(), "programs/1");
    before_ = Snapshot();
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status Create(const CreateProgramRequest& request, Program* program) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->CreateProgram(&context, request, program);
  }

  std::vector<std::string> Snapshot() {
    storage::ProgramQuery query;
    query.show_deleted = true;
    query.limit = 1000;
    const auto page = programs_.List(query, absl::InfiniteFuture());
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> all;
    for (const auto& program : page->programs) {
      all.push_back(absl::StrCat(program.id, " ", program.display_name, " ", program.revision));
    }
    return all;
  }

  storage::InMemoryRegionStore regions_;
  storage::InMemoryPracticeUnitStore units_{regions_};
  storage::InMemoryVolunteerStore volunteers_{regions_};
  storage::InMemoryTeamStore teams_{regions_, units_, volunteers_};
  storage::InMemoryProgramStore programs_{regions_, units_, teams_};
  ::zhiyuan::testing::TestAuth auth_{{&teams_, &units_, nullptr, &volunteers_}};
  ProgramServiceImpl service_{programs_, auth_.authorizer()};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<ProgramService::Stub> stub_;
  std::vector<std::string> before_;
};

TEST_F(ProgramServiceTest, CreateReturnsTheWholeProgram) {
  Program program;
  ASSERT_THAT(Create(ParseTextProto<CreateProgramRequest>(
                         "program { display_name: '红色故事会' "
                         "category: SERVICE_CATEGORY_CULTURE_AND_ARTS owner: 'regions/141124' "
                         "start_date: '2023-07-01' end_date: '2023-12-31' description: '讲故事' }"),
                     &program),
              IsOk());
  EXPECT_EQ(program.name(), "programs/2");
  EXPECT_EQ(program.owner(), "regions/141124");
  EXPECT_EQ(program.region(), "regions/141124");
  EXPECT_EQ(program.start_date(), "2023-07-01");
  EXPECT_EQ(program.end_date(), "2023-12-31");
  EXPECT_EQ(program.description(), "讲故事");
  EXPECT_EQ(program.etag(), "1");
}

TEST_F(ProgramServiceTest, ListFindsProgramsByOwnerAndCategory) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListProgramsResponse response;
  ASSERT_THAT(stub_->ListPrograms(
                  &context,
                  ParseTextProto<ListProgramsRequest>("owner: 'regions/141124' "
                                                      "category: SERVICE_CATEGORY_THEORY_OUTREACH"),
                  &response),
              IsOk());
  EXPECT_EQ(response.total_size(), 1);
  EXPECT_EQ(response.programs(0).display_name(), "新时代夜校");
}

using BadInput = std::tuple<std::string, grpc::StatusCode, std::string>;
constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;

class CreateBadInputTest : public ProgramServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(CreateBadInputTest, IsRefusedAndChangesNothing) {
  Program program;
  EXPECT_THAT(Create(ParseTextProto<CreateProgramRequest>(std::get<0>(GetParam())), &program),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadInputTest,
    ::testing::Values(
        BadInput{"program { category: 1 owner: 'regions/141124' start_date: '2024-01-01' }",
                 kInvalid, "program.display_name"},
        BadInput{"program { display_name: 'x' owner: 'regions/141124' start_date: '2024-01-01' }",
                 kInvalid, "program.category"},
        BadInput{"program { display_name: 'x' category: 1 start_date: '2024-01-01' }", kInvalid,
                 "program.owner: is required"},
        BadInput{"program { display_name: 'x' category: 1 owner: 'people/1' "
                 "start_date: '2024-01-01' }",
                 kInvalid, "program.owner: must name a region"},
        BadInput{"program { display_name: 'x' category: 1 owner: 'teams/0' "
                 "start_date: '2024-01-01' }",
                 kInvalid, "program.owner"},
        BadInput{"program { display_name: 'x' category: 1 owner: 'regions/141124' }", kInvalid,
                 "program.start_date"},
        BadInput{"program { display_name: 'x' category: 1 owner: 'regions/141124' "
                 "start_date: '2024-02-30' }",
                 kInvalid, "program.start_date"},
        BadInput{"program { display_name: 'x' category: 1 owner: 'regions/141124' "
                 "start_date: '2024-03-01' end_date: '2024-02-01' }",
                 kInvalid, "program.end_date: must not be before start_date"},
        BadInput{absl::StrCat("program { display_name: 'x' category: 1 owner: 'regions/141124' "
                              "start_date: '2024-03-01' description: '",
                              std::string(501, 'd'), "' }"),
                 kInvalid, "program.description"},
        BadInput{absl::StrCat("request_id: 'abc' program { ", kNightSchool, " }"), kInvalid,
                 "request_id"},
        BadInput{"program { display_name: 'x' category: 1 owner: 'practiceUnits/3' "
                 "start_date: '2024-03-01' }",
                 grpc::StatusCode::FAILED_PRECONDITION, "practiceUnits/3"}));

class GetBadInputTest : public ProgramServiceTest,
                        public ::testing::WithParamInterface<BadInput> {};

TEST_P(GetBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Program program;
  EXPECT_THAT(stub_->GetProgram(
                  &context, ParseTextProto<GetProgramRequest>(std::get<0>(GetParam())), &program),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Requests, GetBadInputTest,
                         ::testing::Values(BadInput{"", kInvalid, "name: is required"},
                                           BadInput{"name: 'programs/'", kInvalid, "name"},
                                           BadInput{"name: 'programs/-1'", kInvalid, "name"},
                                           BadInput{"name: 'program/1'", kInvalid, "name"},
                                           BadInput{"name: 'programs/1/x'", kInvalid, "name"},
                                           BadInput{"name: 'programs/12'",
                                                    grpc::StatusCode::NOT_FOUND, "programs/12"}));

class ListBadInputTest : public ProgramServiceTest,
                         public ::testing::WithParamInterface<BadInput> {};

TEST_P(ListBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListProgramsResponse response;
  EXPECT_THAT(
      stub_->ListPrograms(&context, ParseTextProto<ListProgramsRequest>(std::get<0>(GetParam())),
                          &response),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Requests, ListBadInputTest,
                         ::testing::Values(BadInput{"region: 'regions/'", kInvalid, "region"},
                                           BadInput{"category: 77", kInvalid, "category"},
                                           BadInput{"owner: 'x/1'", kInvalid, "owner"},
                                           BadInput{"page_size: -3", kInvalid, "page_size"},
                                           BadInput{"page_token: '..'", kInvalid, "page_token"}));

class UpdateBadInputTest : public ProgramServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(UpdateBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Program program;
  EXPECT_THAT(
      stub_->UpdateProgram(&context, ParseTextProto<UpdateProgramRequest>(std::get<0>(GetParam())),
                           &program),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateBadInputTest,
    ::testing::Values(
        BadInput{"program { display_name: 'x' } update_mask { paths: 'display_name' }", kInvalid,
                 "program.name"},
        BadInput{"program { name: 'programs/1' }", kInvalid, "update_mask"},
        BadInput{
            "program { name: 'programs/1' owner: 'regions/14' } update_mask { paths: 'owner' }",
            kInvalid, "update_mask: cannot set \"owner\""},
        BadInput{"program { name: 'programs/1' } update_mask { paths: 'category' }", kInvalid,
                 "program.category"},
        BadInput{"program { name: 'programs/1' end_date: '2024-13-01' } "
                 "update_mask { paths: 'end_date' }",
                 kInvalid, "program.end_date"},
        BadInput{"program { name: 'programs/1' end_date: '2020-01-01' } "
                 "update_mask { paths: 'end_date' }",
                 grpc::StatusCode::FAILED_PRECONDITION, "program.end_date"},
        BadInput{"program { name: 'programs/1' display_name: 'x' etag: '2' } "
                 "update_mask { paths: 'display_name' }",
                 grpc::StatusCode::ABORTED, "etag"},
        BadInput{"program { name: 'programs/4' display_name: 'x' } "
                 "update_mask { paths: 'display_name' }",
                 grpc::StatusCode::NOT_FOUND, "programs/4"}));

class DeleteBadInputTest : public ProgramServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(DeleteBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Program program;
  EXPECT_THAT(
      stub_->DeleteProgram(&context, ParseTextProto<DeleteProgramRequest>(std::get<0>(GetParam())),
                           &program),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, DeleteBadInputTest,
    ::testing::Values(BadInput{"", kInvalid, "name"},
                      BadInput{"name: 'programs/one'", kInvalid, "name"},
                      BadInput{"name: 'programs/1' etag: '1.0'", kInvalid, "etag"},
                      BadInput{"name: 'programs/1' etag: '3'", grpc::StatusCode::ABORTED, "etag"},
                      BadInput{"name: 'programs/8'", grpc::StatusCode::NOT_FOUND, "programs/8"}));

}  // namespace
}  // namespace zhiyuan::services
