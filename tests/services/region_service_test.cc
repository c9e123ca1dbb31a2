// RegionService's handlers over an in-process channel and the in-memory store.
#include "services/region_service.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/in_memory_region_store.h"
#include "tests/testing/auth.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zhiyuan::testing::EqualsProto;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::v1::ImportRegionsRequest;
using ::zhiyuan::v1::ImportRegionsResponse;
using ::zhiyuan::v1::ListRegionsRequest;
using ::zhiyuan::v1::ListRegionsResponse;
using ::zhiyuan::v1::Region;
using ::zhiyuan::v1::RegionService;
using ::zhiyuan::v1::UpdateRegionRequest;

Region NewRegion(const std::string& code, const std::string& display_name) {
  Region region;
  region.set_name("regions/" + code);
  region.set_display_name(display_name);
  return region;
}

ImportRegionsRequest Batch(std::vector<Region> regions) {
  ImportRegionsRequest request;
  for (Region& region : regions) *request.add_regions() = std::move(region);
  return request;
}

class RegionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = RegionService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    ImportRegionsResponse response;
    ASSERT_THAT(
        Import({Batch({NewRegion("14", "山西省"), NewRegion("1411", "吕梁市"),
                       NewRegion("141124", "临县")}),
                Batch({NewRegion("141124100", "临泉镇"), NewRegion("141124101", "白文镇"),
                       NewRegion("141124102", "城庄镇"), NewRegion("65", "新疆维吾尔自治区")})},
               &response),
        IsOk());
    before_ = Snapshot();
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status Import(const std::vector<ImportRegionsRequest>& requests,
                      ImportRegionsResponse* response) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    auto writer = stub_->ImportRegions(&context, response);
    for (const auto& request : requests) {
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  grpc::Status Get(const std::string& name, Region* region) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    zhiyuan::v1::GetRegionRequest request;
    request.set_name(name);
    return stub_->GetRegion(&context, request, region);
  }

  grpc::Status List(const ListRegionsRequest& request, ListRegionsResponse* response) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->ListRegions(&context, request, response);
  }

  grpc::Status Update(const UpdateRegionRequest& request, Region* region) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->UpdateRegion(&context, request, region);
  }

  // Every stored region, in code order, as the API shows it.
  std::vector<std::string> Snapshot() {
    std::vector<std::string> all;
    std::vector<std::string> parents = {""};
    while (!parents.empty()) {
      const std::string parent = parents.back();
      parents.pop_back();
      storage::RegionQuery query;
      query.parent_code = parent;
      query.limit = 1000;
      const auto children = store_.List(query, absl::InfiniteFuture());
      EXPECT_THAT(children, IsOk());
      for (const storage::Region& region : *children) {
        all.push_back(absl::StrCat(region.code, " ", region.display_name, " ", region.population,
                                   " ", region.population_year, " ", region.revision));
        parents.push_back(region.code);
      }
    }
    std::sort(all.begin(), all.end());
    return all;
  }

  storage::InMemoryRegionStore store_;
  ::zhiyuan::testing::TestAuth auth_{{}};
  RegionServiceImpl service_{store_, auth_.authorizer()};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<RegionService::Stub> stub_;
  std::vector<std::string> before_;
};

TEST_F(RegionServiceTest, GetReturnsTheWholeRegion) {
  Region region;
  ASSERT_THAT(Get("regions/141124", &region), IsOk());
  const storage::Region stored = *store_.Get("141124", absl::InfiniteFuture());
  Region expected = NewRegion("141124", "临县");
  expected.set_level(zhiyuan::v1::REGION_LEVEL_COUNTY);
  expected.set_parent("regions/1411");
  expected.mutable_create_time()->set_seconds(absl::ToUnixSeconds(stored.create_time));
  expected.mutable_create_time()->set_nanos(
      static_cast<int>(absl::ToUnixMicros(stored.create_time) % 1000000 * 1000));
  *expected.mutable_update_time() = expected.create_time();
  expected.set_etag("1");
  EXPECT_THAT(region, EqualsProto(expected));
}

TEST_F(RegionServiceTest, GetProvinceHasNoParent) {
  Region region;
  ASSERT_THAT(Get("regions/14", &region), IsOk());
  EXPECT_EQ(region.parent(), "");
  EXPECT_EQ(region.level(), zhiyuan::v1::REGION_LEVEL_PROVINCE);
}

struct BadName {
  std::string name;
  grpc::StatusCode code;
};

class GetRegionBadInputTest : public RegionServiceTest,
                              public ::testing::WithParamInterface<BadName> {};

TEST_P(GetRegionBadInputTest, IsRefused) {
  Region region;
  EXPECT_THAT(Get(GetParam().name, &region),
              StatusIs(GetParam().code,
                       HasSubstr(GetParam().code == grpc::StatusCode::NOT_FOUND ? GetParam().name
                                                                                : "name: ")));
}

INSTANTIATE_TEST_SUITE_P(
    Names, GetRegionBadInputTest,
    ::testing::Values(BadName{"", grpc::StatusCode::INVALID_ARGUMENT},
                      BadName{"regions/", grpc::StatusCode::INVALID_ARGUMENT},
                      BadName{"regions/1", grpc::StatusCode::INVALID_ARGUMENT},
                      BadName{"regions/1411241", grpc::StatusCode::INVALID_ARGUMENT},
                      BadName{"regions/14112a", grpc::StatusCode::INVALID_ARGUMENT},
                      BadName{"teams/141124", grpc::StatusCode::INVALID_ARGUMENT},
                      BadName{"regions/141124 ", grpc::StatusCode::INVALID_ARGUMENT},
                      BadName{"regions/99", grpc::StatusCode::NOT_FOUND}));

TEST_F(RegionServiceTest, ListPagesThroughChildrenWithoutRepeatsOrGaps) {
  ListRegionsRequest request;
  request.set_parent("regions/141124");
  request.set_page_size(1);
  std::vector<std::string> names;
  for (int page = 0; page < 10; ++page) {
    ListRegionsResponse response;
    ASSERT_THAT(List(request, &response), IsOk());
    for (const Region& region : response.regions()) names.push_back(region.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(names, ElementsAre("regions/141124100", "regions/141124101", "regions/141124102"));
}

TEST_F(RegionServiceTest, ListWithoutParentGivesProvinces) {
  ListRegionsResponse response;
  ASSERT_THAT(List(ListRegionsRequest(), &response), IsOk());
  ASSERT_EQ(response.regions_size(), 2);
  EXPECT_EQ(response.regions(0).name(), "regions/14");
  EXPECT_EQ(response.regions(1).name(), "regions/65");
  EXPECT_EQ(response.next_page_token(), "");
}

TEST_F(RegionServiceTest, SearchByNamePrefixInASubtree) {
  ListRegionsRequest request;
  request.set_parent("regions/14");
  request.set_display_name_prefix("临");
  ListRegionsResponse response;
  ASSERT_THAT(List(request, &response), IsOk());
  ASSERT_EQ(response.regions_size(), 2);
  EXPECT_EQ(response.regions(0).display_name(), "临县");
  EXPECT_EQ(response.regions(1).display_name(), "临泉镇");
}

TEST_F(RegionServiceTest, PageTokenFromAnotherQueryIsRefused) {
  ListRegionsRequest request;
  request.set_parent("regions/141124");
  request.set_page_size(1);
  ListRegionsResponse response;
  ASSERT_THAT(List(request, &response), IsOk());
  request.set_page_token(response.next_page_token());
  request.set_parent("regions/14");
  EXPECT_THAT(List(request, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("page_token")));
}

class ListRegionsBadInputTest
    : public RegionServiceTest,
      public ::testing::WithParamInterface<std::pair<std::string, std::string>> {};

TEST_P(ListRegionsBadInputTest, IsInvalidArgumentNamingTheField) {
  ListRegionsRequest request;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(GetParam().first, &request));
  ListRegionsResponse response;
  EXPECT_THAT(List(request, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr(GetParam().second)));
}

INSTANTIATE_TEST_SUITE_P(
    Requests, ListRegionsBadInputTest,
    ::testing::Values(
        std::make_pair("parent: 'regions/x'", "parent"), std::make_pair("parent: '14'", "parent"),
        std::make_pair("page_size: -1", "page_size"), std::make_pair("level: 99", "level"),
        std::make_pair("display_name_prefix: ' 临'", "display_name_prefix"),
        std::make_pair("display_name_prefix: 'a\\tb'", "display_name_prefix"),
        std::make_pair(absl::StrCat("display_name_prefix: '", std::string(65, 'x'), "'"),
                       "display_name_prefix"),
        std::make_pair("page_token: 'not a token'", "page_token"),
        std::make_pair("page_token: 'MTA6YWJj'", "page_token")));

UpdateRegionRequest PopulationUpdate(const std::string& name, int64_t population, int year) {
  UpdateRegionRequest request;
  request.mutable_region()->set_name(name);
  request.mutable_region()->set_population(population);
  request.mutable_region()->set_population_year(year);
  request.mutable_update_mask()->add_paths("population");
  request.mutable_update_mask()->add_paths("population_year");
  return request;
}

TEST_F(RegionServiceTest, UpdateSetsPopulationAndReturnsANewEtag) {
  Region region;
  ASSERT_THAT(Update(PopulationUpdate("regions/141124", 568000, 2020), &region), IsOk());
  EXPECT_EQ(region.population(), 568000);
  EXPECT_EQ(region.population_year(), 2020);
  EXPECT_EQ(region.display_name(), "临县");
  EXPECT_EQ(region.etag(), "2");
}

TEST_F(RegionServiceTest, UpdateWithAStaleEtagIsAborted) {
  UpdateRegionRequest request = PopulationUpdate("regions/141124", 1, 2020);
  request.mutable_region()->set_etag("1");
  Region region;
  ASSERT_THAT(Update(request, &region), IsOk());
  request.mutable_region()->set_population(2);
  EXPECT_THAT(Update(request, &region), StatusIs(grpc::StatusCode::ABORTED));
  EXPECT_EQ(store_.Get("141124", absl::InfiniteFuture())->population, 1);
}

class UpdateRegionBadInputTest
    : public RegionServiceTest,
      public ::testing::WithParamInterface<std::tuple<std::string, grpc::StatusCode, std::string>> {
};

TEST_P(UpdateRegionBadInputTest, IsRefusedAndChangesNothing) {
  UpdateRegionRequest request;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(std::get<0>(GetParam()), &request));
  Region region;
  EXPECT_THAT(Update(request, &region),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateRegionBadInputTest,
    ::testing::Values(
        std::make_tuple("update_mask { paths: 'display_name' } region { display_name: 'x' }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.name"),
        std::make_tuple("region { name: 'regions/141124' display_name: 'x' }",
                        grpc::StatusCode::INVALID_ARGUMENT, "update_mask"),
        std::make_tuple("region { name: 'regions/141124' } update_mask { paths: 'level' }",
                        grpc::StatusCode::INVALID_ARGUMENT, "update_mask"),
        std::make_tuple("region { name: 'regions/141124' population: 5 population_year: 2020 } "
                        "update_mask { paths: 'population' }",
                        grpc::StatusCode::INVALID_ARGUMENT, "update_mask"),
        std::make_tuple("region { name: 'regions/141124' population: -5 population_year: 2020 } "
                        "update_mask { paths: ['population', 'population_year'] }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.population"),
        std::make_tuple("region { name: 'regions/141124' population: 5 population_year: 1900 } "
                        "update_mask { paths: ['population', 'population_year'] }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.population_year"),
        std::make_tuple("region { name: 'regions/141124' population: 5 } "
                        "update_mask { paths: ['population', 'population_year'] }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.population_year"),
        std::make_tuple("region { name: 'regions/141124' population: 5 population_year: 3000 } "
                        "update_mask { paths: ['population', 'population_year'] }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.population_year"),
        std::make_tuple("region { name: 'regions/141124' display_name: '' } "
                        "update_mask { paths: 'display_name' }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.display_name"),
        std::make_tuple("region { name: 'regions/141124' display_name: '临县 ' } "
                        "update_mask { paths: 'display_name' }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.display_name"),
        std::make_tuple("region { name: 'regions/141124' display_name: 'x' etag: 'abc' } "
                        "update_mask { paths: 'display_name' }",
                        grpc::StatusCode::INVALID_ARGUMENT, "region.etag"),
        std::make_tuple("region { name: 'regions/141124' display_name: 'x' etag: '7' } "
                        "update_mask { paths: 'display_name' }",
                        grpc::StatusCode::ABORTED, "etag"),
        std::make_tuple("region { name: 'regions/99' display_name: 'x' } "
                        "update_mask { paths: 'display_name' }",
                        grpc::StatusCode::NOT_FOUND, "99")));

TEST_F(RegionServiceTest, ImportCountsCreatedRenamedAndUnchanged) {
  ImportRegionsResponse response;
  ASSERT_THAT(Import({Batch({NewRegion("141124", "临县"), NewRegion("14", "山西"),
                             NewRegion("141124103", "兔坂镇")})},
                     &response),
              IsOk());
  EXPECT_EQ(response.created_count(), 1);
  EXPECT_EQ(response.renamed_count(), 1);
  EXPECT_EQ(response.unchanged_count(), 1);
}

class ImportRegionsBadInputTest
    : public RegionServiceTest,
      public ::testing::WithParamInterface<std::pair<std::vector<std::string>, std::string>> {};

TEST_P(ImportRegionsBadInputTest, IsInvalidArgumentAndKeepsNothing) {
  std::vector<ImportRegionsRequest> requests;
  for (const std::string& text : GetParam().first) {
    ImportRegionsRequest request;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &request)) << text;
    requests.push_back(request);
  }
  ImportRegionsResponse response;
  EXPECT_THAT(Import(requests, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr(GetParam().second)));
  EXPECT_EQ(Snapshot(), before_);
}

const char kGood[] = "regions { name: 'regions/141124103' display_name: '兔坂镇' }";

INSTANTIATE_TEST_SUITE_P(
    Streams, ImportRegionsBadInputTest,
    ::testing::Values(
        std::make_pair(std::vector<std::string>{}, "sent no regions"),
        std::make_pair(std::vector<std::string>{kGood, ""}, "requests[1].regions: must hold"),
        std::make_pair(std::vector<std::string>{kGood,
                                                "regions { name: 'regions/1' "
                                                "display_name: 'x' }"},
                       "requests[1].regions[0].name"),
        std::make_pair(std::vector<std::string>{"regions [{ name: 'regions/12' display_name: "
                                                "'天津市' }, { name: 'regions/13' }]"},
                       "requests[0].regions[1].display_name"),
        std::make_pair(std::vector<std::string>{kGood,
                                                "regions { name: 'regions/4201' "
                                                "display_name: '武汉市' }"},
                       "regions/4201: its parent regions/42 is neither stored nor imported"),
        std::make_pair(std::vector<std::string>{kGood, kGood}, "imported more than once")));

}  // namespace
}  // namespace zhiyuan::services
