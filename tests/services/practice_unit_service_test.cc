// PracticeUnitService's handlers over an in-process channel and the in-memory stores.
#include "services/practice_unit_service.h"

#include <gmock/gmock.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
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
using ::zhiyuan::v1::CreatePracticeUnitRequest;
using ::zhiyuan::v1::DeletePracticeUnitRequest;
using ::zhiyuan::v1::GetPracticeUnitRequest;
using ::zhiyuan::v1::ListPracticeUnitsRequest;
using ::zhiyuan::v1::ListPracticeUnitsResponse;
using ::zhiyuan::v1::PracticeUnit;
using ::zhiyuan::v1::PracticeUnitService;
using ::zhiyuan::v1::UpdatePracticeUnitRequest;

// Stores with 临县, two of its townships and a village, and a center (practiceUnits/1) with an
// institute (practiceUnits/2) under it.
class PracticeUnitServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(::zhiyuan::testing::ImportRegions(regions_, {{"14", "山西省"},
                                                             {"1411", "吕梁市"},
                                                             {"141124", "临县"},
                                                             {"141124100", "临泉镇"},
                                                             {"141124101", "白文镇"},
                                                             {"141124100001", "临泉村"}}),
                IsOk());

    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = PracticeUnitService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    PracticeUnit unit;
    ASSERT_THAT(Create(ParseTextProto<CreatePracticeUnitRequest>(
                           "practice_unit { display_name: '临县新时代文明实践中心' "
                           "kind: PRACTICE_UNIT_KIND_CENTER region: 'regions/141124' }"),
                       &unit),
                IsOk());
    ASSERT_EQ(unit.name(), "practiceUnits/1");
    ASSERT_THAT(Create(ParseTextProto<CreatePracticeUnitRequest>(
                           "practice_unit { display_name: '临泉镇新时代文明实践所' "
                           "kind: PRACTICE_UNIT_KIND_INSTITUTE region: 'regions/141124100' "
                           "parent: 'practiceUnits/1' }"),
                       &unit),
                IsOk());
    ASSERT_EQ(unit.name(), "practiceUnits/2");
    before_ = Snapshot();
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status Create(const CreatePracticeUnitRequest& request, PracticeUnit* unit) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->CreatePracticeUnit(&context, request, unit);
  }

  // Every unit with its revision and deletion, as the store holds them.
  std::vector<std::string> Snapshot() {
    storage::PracticeUnitQuery query;
    query.show_deleted = true;
    query.limit = 1000;
    const auto page = units_.List(query, absl::InfiniteFuture());
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> all;
    for (const auto& unit : page->units) {
      all.push_back(absl::StrCat(unit.id, " ", unit.display_name, " ", unit.address, " ",
                                 unit.revision, " ", unit.delete_time.has_value()));
    }
    return all;
  }

  storage::InMemoryRegionStore regions_;
  storage::InMemoryPracticeUnitStore units_{regions_};
  ::zhiyuan::testing::TestAuth auth_{{nullptr, &units_}};
  PracticeUnitServiceImpl service_{units_, auth_.authorizer()};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<PracticeUnitService::Stub> stub_;
  std::vector<std::string> before_;
};

TEST_F(PracticeUnitServiceTest, CreateReturnsTheWholeUnit) {
  PracticeUnit unit;
  ASSERT_THAT(Create(ParseTextProto<CreatePracticeUnitRequest>(
                         "practice_unit { display_name: '临泉村新时代文明实践站' "
                         "kind: PRACTICE_UNIT_KIND_STATION region: 'regions/141124100001' "
                         "parent: 'practiceUnits/2' address: '临泉村委会' }"),
                     &unit),
              IsOk());
  EXPECT_EQ(unit.name(), "practiceUnits/3");
  EXPECT_EQ(unit.kind(), zhiyuan::v1::PRACTICE_UNIT_KIND_STATION);
  EXPECT_EQ(unit.parent(), "practiceUnits/2");
  EXPECT_EQ(unit.region(), "regions/141124100001");
  EXPECT_EQ(unit.address(), "临泉村委会");
  EXPECT_EQ(unit.etag(), "1");
  EXPECT_TRUE(unit.has_create_time());
  EXPECT_FALSE(unit.has_delete_time());
}

TEST_F(PracticeUnitServiceTest, RetriedCreateWithTheSameRequestIdReturnsTheFirstUnit) {
  const auto request = ParseTextProto<CreatePracticeUnitRequest>(
      "request_id: '6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b' practice_unit { display_name: '白文镇所' "
      "kind: PRACTICE_UNIT_KIND_INSTITUTE region: 'regions/141124101' parent: 'practiceUnits/1' }");
  PracticeUnit first;
  PracticeUnit retry;
  ASSERT_THAT(Create(request, &first), IsOk());
  ASSERT_THAT(Create(request, &retry), IsOk());
  EXPECT_EQ(retry.name(), first.name());
  EXPECT_EQ(Snapshot().size(), before_.size() + 1);
}

TEST_F(PracticeUnitServiceTest, ListCountsAndPagesThroughARegion) {
  ListPracticeUnitsRequest request =
      ParseTextProto<ListPracticeUnitsRequest>("region: 'regions/141124' page_size: 1");
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    ListPracticeUnitsResponse response;
    grpc::ClientContext context;
    auth_.Authorize(context);
    ASSERT_THAT(stub_->ListPracticeUnits(&context, request, &response), IsOk());
    EXPECT_EQ(response.total_size(), 2);
    for (const auto& unit : response.practice_units()) names.push_back(unit.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(names, ::testing::ElementsAre("practiceUnits/1", "practiceUnits/2"));
}

TEST_F(PracticeUnitServiceTest, DeletedUnitsListOnlyWhenAskedFor) {
  PracticeUnit deleted;
  grpc::ClientContext context;
  auth_.Authorize(context);
  ASSERT_THAT(
      stub_->DeletePracticeUnit(
          &context, ParseTextProto<DeletePracticeUnitRequest>("name: 'practiceUnits/2' etag: '1'"),
          &deleted),
      IsOk());
  EXPECT_TRUE(deleted.has_delete_time());
  ListPracticeUnitsResponse response;
  grpc::ClientContext list;
  auth_.Authorize(list);
  ASSERT_THAT(stub_->ListPracticeUnits(&list, ListPracticeUnitsRequest(), &response), IsOk());
  EXPECT_EQ(response.total_size(), 1);
  grpc::ClientContext all;
  auth_.Authorize(all);
  ASSERT_THAT(stub_->ListPracticeUnits(
                  &all, ParseTextProto<ListPracticeUnitsRequest>("show_deleted: true"), &response),
              IsOk());
  EXPECT_EQ(response.total_size(), 2);
}

using BadInput = std::tuple<std::string, grpc::StatusCode, std::string>;

class CreateBadInputTest : public PracticeUnitServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(CreateBadInputTest, IsRefusedAndChangesNothing) {
  PracticeUnit unit;
  EXPECT_THAT(Create(ParseTextProto<CreatePracticeUnitRequest>(std::get<0>(GetParam())), &unit),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kPrecondition = grpc::StatusCode::FAILED_PRECONDITION;

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadInputTest,
    ::testing::Values(
        BadInput{"practice_unit { display_name: 'x' region: 'regions/141124' }", kInvalid,
                 "practice_unit.kind"},
        BadInput{"practice_unit { kind: PRACTICE_UNIT_KIND_CENTER region: 'regions/141124' }",
                 kInvalid, "practice_unit.display_name"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_CENTER }", kInvalid,
                 "practice_unit.region"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_CENTER "
                 "region: 'regions/141124100' }",
                 kInvalid,
                 "practice_unit.region: a PRACTICE_UNIT_KIND_CENTER sits in a region "
                 "with a 6-digit code"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_CENTER "
                 "region: 'regions/141124' parent: 'practiceUnits/1' }",
                 kInvalid, "practice_unit.parent: a center has no parent"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_STATION "
                 "region: 'regions/141124100001' }",
                 kInvalid, "practice_unit.parent: is required"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_STATION "
                 "region: 'regions/141124100001' parent: 'units/2' }",
                 kInvalid, "practice_unit.parent"},
        BadInput{"practice_unit { display_name: ' x' kind: PRACTICE_UNIT_KIND_CENTER "
                 "region: 'regions/141124' }",
                 kInvalid, "practice_unit.display_name"},
        BadInput{absl::StrCat("practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_CENTER "
                              "region: 'regions/141124' address: '",
                              std::string(201, 'a'), "' }"),
                 kInvalid, "practice_unit.address"},
        BadInput{"request_id: 'not-a-uuid' practice_unit { display_name: 'x' "
                 "kind: PRACTICE_UNIT_KIND_CENTER region: 'regions/141124' }",
                 kInvalid, "request_id"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_CENTER "
                 "region: 'regions/652302' }",
                 kPrecondition, "regions/652302 does not exist"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_STATION "
                 "region: 'regions/141124100001' parent: 'practiceUnits/1' }",
                 kPrecondition, "must be an institute"},
        BadInput{"practice_unit { display_name: 'x' kind: PRACTICE_UNIT_KIND_INSTITUTE "
                 "region: 'regions/141124101' parent: 'practiceUnits/99' }",
                 kPrecondition, "practiceUnits/99 does not exist"}));

class GetBadInputTest : public PracticeUnitServiceTest,
                        public ::testing::WithParamInterface<BadInput> {};

TEST_P(GetBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  PracticeUnit unit;
  EXPECT_THAT(stub_->GetPracticeUnit(
                  &context, ParseTextProto<GetPracticeUnitRequest>(std::get<0>(GetParam())), &unit),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(
    Requests, GetBadInputTest,
    ::testing::Values(BadInput{"", kInvalid, "name: is required"},
                      BadInput{"name: 'practiceUnits/'", kInvalid, "name"},
                      BadInput{"name: 'practiceUnits/0'", kInvalid, "name"},
                      BadInput{"name: 'practiceUnits/-3'", kInvalid, "name"},
                      BadInput{"name: 'practiceUnits/1x'", kInvalid, "name"},
                      BadInput{"name: 'regions/141124'", kInvalid, "name"},
                      BadInput{"name: 'practiceUnits/99999999999999999999'", kInvalid, "name"},
                      BadInput{"name: 'practiceUnits/77'", grpc::StatusCode::NOT_FOUND,
                               "practiceUnits/77"}));

class ListBadInputTest : public PracticeUnitServiceTest,
                         public ::testing::WithParamInterface<BadInput> {};

TEST_P(ListBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListPracticeUnitsResponse response;
  EXPECT_THAT(
      stub_->ListPracticeUnits(
          &context, ParseTextProto<ListPracticeUnitsRequest>(std::get<0>(GetParam())), &response),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Requests, ListBadInputTest,
                         ::testing::Values(BadInput{"region: '141124'", kInvalid, "region"},
                                           BadInput{"kind: 9", kInvalid, "kind"},
                                           BadInput{"parent: 'practiceUnits/abc'", kInvalid,
                                                    "parent"},
                                           BadInput{"page_size: -5", kInvalid, "page_size"},
                                           BadInput{"page_token: '!!'", kInvalid, "page_token"},
                                           BadInput{"page_token: 'MDo='", kInvalid, "page_token"}));

class UpdateBadInputTest : public PracticeUnitServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(UpdateBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  PracticeUnit unit;
  EXPECT_THAT(
      stub_->UpdatePracticeUnit(
          &context, ParseTextProto<UpdatePracticeUnitRequest>(std::get<0>(GetParam())), &unit),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateBadInputTest,
    ::testing::Values(
        BadInput{"practice_unit { display_name: 'x' } update_mask { paths: 'display_name' }",
                 kInvalid, "practice_unit.name"},
        BadInput{"practice_unit { name: 'practiceUnits/2' display_name: 'x' }", kInvalid,
                 "update_mask"},
        BadInput{"practice_unit { name: 'practiceUnits/2' } update_mask { paths: 'kind' }",
                 kInvalid, "update_mask: cannot set \"kind\""},
        BadInput{"practice_unit { name: 'practiceUnits/2' } update_mask { paths: 'region' }",
                 kInvalid, "update_mask"},
        BadInput{"practice_unit { name: 'practiceUnits/2' display_name: '' } "
                 "update_mask { paths: 'display_name' }",
                 kInvalid, "practice_unit.display_name"},
        BadInput{"practice_unit { name: 'practiceUnits/2' address: 'a\\nb' } "
                 "update_mask { paths: 'address' }",
                 kInvalid, "practice_unit.address"},
        BadInput{"practice_unit { name: 'practiceUnits/2' display_name: 'x' etag: 'W/1' } "
                 "update_mask { paths: 'display_name' }",
                 kInvalid, "practice_unit.etag"},
        BadInput{"practice_unit { name: 'practiceUnits/2' display_name: 'x' etag: '5' } "
                 "update_mask { paths: 'display_name' }",
                 grpc::StatusCode::ABORTED, "etag"},
        BadInput{"practice_unit { name: 'practiceUnits/42' display_name: 'x' } "
                 "update_mask { paths: 'display_name' }",
                 grpc::StatusCode::NOT_FOUND, "practiceUnits/42"}));

class DeleteBadInputTest : public PracticeUnitServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(DeleteBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  PracticeUnit unit;
  EXPECT_THAT(
      stub_->DeletePracticeUnit(
          &context, ParseTextProto<DeletePracticeUnitRequest>(std::get<0>(GetParam())), &unit),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, DeleteBadInputTest,
    ::testing::Values(
        BadInput{"", kInvalid, "name"}, BadInput{"name: 'practiceUnits/x'", kInvalid, "name"},
        BadInput{"name: 'practiceUnits/2' etag: 'abc'", kInvalid, "etag"},
        BadInput{"name: 'practiceUnits/2' etag: '9'", grpc::StatusCode::ABORTED, "etag"},
        BadInput{"name: 'practiceUnits/1'", kPrecondition, "units under it"},
        BadInput{"name: 'practiceUnits/50'", grpc::StatusCode::NOT_FOUND, "practiceUnits/50"}));

}  // namespace
}  // namespace zhiyuan::services
