// PostService's handlers over an in-process channel and the in-memory stores.
#include "services/post_service.h"

#include <gmock/gmock.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/in_memory_post_store.h"
#include "storage/in_memory_practice_unit_store.h"
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
using ::zhiyuan::v1::CreatePostRequest;
using ::zhiyuan::v1::DeletePostRequest;
using ::zhiyuan::v1::GetPostRequest;
using ::zhiyuan::v1::ListPostsRequest;
using ::zhiyuan::v1::ListPostsResponse;
using ::zhiyuan::v1::Post;
using ::zhiyuan::v1::PostService;
using ::zhiyuan::v1::UpdatePostRequest;

constexpr char kHotel[] =
    "display_name: '阜康宾馆学雷锋志愿服务岗' host_organization: '阜康宾馆' "
    "host_kind: POST_HOST_KIND_HOTEL region: 'regions/652302'";

// 阜康's regions and one post there (posts/1).
class PostServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(::zhiyuan::testing::ImportRegions(
                    regions_, {{"65", "新疆"}, {"6523", "昌吉州"}, {"652302", "阜康市"}}),
                IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = PostService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    Post post;
    ASSERT_THAT(
        Create(ParseTextProto<CreatePostRequest>(absl::StrCat("post { ", kHotel, " }")), &post),
        IsOk());
    ASSERT_EQ(post.name(), "posts/1");
    before_ = Snapshot();
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status Create(const CreatePostRequest& request, Post* post) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->CreatePost(&context, request, post);
  }

  std::vector<std::string> Snapshot() {
    storage::PostQuery query;
    query.show_deleted = true;
    query.limit = 1000;
    const auto page = posts_.List(query, absl::InfiniteFuture());
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> all;
    for (const auto& post : page->posts) {
      all.push_back(absl::StrCat(post.id, " ", post.display_name, " ", post.revision));
    }
    return all;
  }

  storage::InMemoryRegionStore regions_;
  storage::InMemoryPracticeUnitStore units_{regions_};
  storage::InMemoryVolunteerStore volunteers_{regions_};
  storage::InMemoryTeamStore teams_{regions_, units_, volunteers_};
  storage::InMemoryPostStore posts_{regions_, teams_};
  ::zhiyuan::testing::TestAuth auth_{{&teams_, &units_, &posts_, &volunteers_}};
  PostServiceImpl service_{posts_, auth_.authorizer()};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<PostService::Stub> stub_;
  std::vector<std::string> before_;
};

TEST_F(PostServiceTest, CreateReturnsTheWholePost) {
  Post post;
  ASSERT_THAT(Create(ParseTextProto<CreatePostRequest>(
                         absl::StrCat("post { ", kHotel,
                                      " address: '博峰街1号' opening_hours: '每日 9:00-18:00' "
                                      "location { latitude: 44.15 longitude: 87.98 } }")),
                     &post),
              IsOk());
  EXPECT_EQ(post.name(), "posts/2");
  EXPECT_EQ(post.host_kind(), zhiyuan::v1::POST_HOST_KIND_HOTEL);
  EXPECT_EQ(post.region(), "regions/652302");
  EXPECT_DOUBLE_EQ(post.location().latitude(), 44.15);
  EXPECT_DOUBLE_EQ(post.location().longitude(), 87.98);
  EXPECT_EQ(post.opening_hours(), "每日 9:00-18:00");
  EXPECT_EQ(post.status(), zhiyuan::v1::POST_STATUS_OPEN);
  EXPECT_EQ(post.etag(), "1");
}

TEST_F(PostServiceTest, ListCountsPostsOfAKindInARegion) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListPostsResponse response;
  ASSERT_THAT(stub_->ListPosts(&context,
                               ParseTextProto<ListPostsRequest>(
                                   "region: 'regions/6523' host_kind: POST_HOST_KIND_HOTEL"),
                               &response),
              IsOk());
  EXPECT_EQ(response.total_size(), 1);
  EXPECT_EQ(response.posts(0).name(), "posts/1");
}

using BadInput = std::tuple<std::string, grpc::StatusCode, std::string>;
constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;

class CreateBadInputTest : public PostServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(CreateBadInputTest, IsRefusedAndChangesNothing) {
  Post post;
  EXPECT_THAT(Create(ParseTextProto<CreatePostRequest>(std::get<0>(GetParam())), &post),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

std::string PostWith(const std::string& fields) {
  return absl::StrCat("post { ", kHotel, " ", fields, " }");
}

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadInputTest,
    ::testing::Values(
        BadInput{"post { host_organization: 'x' host_kind: POST_HOST_KIND_HOTEL "
                 "region: 'regions/652302' }",
                 kInvalid, "post.display_name"},
        BadInput{"post { display_name: 'x' host_kind: POST_HOST_KIND_HOTEL "
                 "region: 'regions/652302' }",
                 kInvalid, "post.host_organization"},
        BadInput{"post { display_name: 'x' host_organization: 'x' region: 'regions/652302' }",
                 kInvalid, "post.host_kind"},
        BadInput{"post { display_name: 'x' host_organization: 'x' host_kind: 1 }", kInvalid,
                 "post.region"},
        BadInput{PostWith("location { latitude: 91 longitude: 87 }"), kInvalid,
                 "post.location.latitude"},
        BadInput{PostWith("location { latitude: 44 longitude: -180.5 }"), kInvalid,
                 "post.location.longitude"},
        BadInput{PostWith("location { latitude: nan longitude: 87 }"), kInvalid,
                 "post.location.latitude"},
        BadInput{PostWith(absl::StrCat("opening_hours: '", std::string(101, 'h'), "'")), kInvalid,
                 "post.opening_hours"},
        BadInput{PostWith("duty_team: 'team/1'"), kInvalid, "post.duty_team"},
        BadInput{PostWith("status: 5"), kInvalid, "post.status"},
        BadInput{absl::StrCat("request_id: 'r' ", PostWith("")), kInvalid, "request_id"},
        BadInput{PostWith("duty_team: 'teams/4'"), grpc::StatusCode::FAILED_PRECONDITION,
                 "teams/4"},
        BadInput{"post { display_name: 'x' host_organization: 'x' host_kind: 1 "
                 "region: 'regions/141124' }",
                 grpc::StatusCode::FAILED_PRECONDITION, "regions/141124"}));

class GetBadInputTest : public PostServiceTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(GetBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Post post;
  EXPECT_THAT(
      stub_->GetPost(&context, ParseTextProto<GetPostRequest>(std::get<0>(GetParam())), &post),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Requests, GetBadInputTest,
                         ::testing::Values(BadInput{"", kInvalid, "name: is required"},
                                           BadInput{"name: 'posts/'", kInvalid, "name"},
                                           BadInput{"name: 'posts/0'", kInvalid, "name"},
                                           BadInput{"name: 'post/1'", kInvalid, "name"},
                                           BadInput{"name: 'posts/1 '", kInvalid, "name"},
                                           BadInput{"name: 'posts/2'", grpc::StatusCode::NOT_FOUND,
                                                    "posts/2"}));

class ListBadInputTest : public PostServiceTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(ListBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListPostsResponse response;
  EXPECT_THAT(stub_->ListPosts(&context, ParseTextProto<ListPostsRequest>(std::get<0>(GetParam())),
                               &response),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(Requests, ListBadInputTest,
                         ::testing::Values(BadInput{"region: 'regions/6'", kInvalid, "region"},
                                           BadInput{"host_kind: 40", kInvalid, "host_kind"},
                                           BadInput{"status: 3", kInvalid, "status"},
                                           BadInput{"duty_team: 'teams/'", kInvalid, "duty_team"},
                                           BadInput{"page_size: -9", kInvalid, "page_size"},
                                           BadInput{"page_token: '!'", kInvalid, "page_token"}));

class UpdateBadInputTest : public PostServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(UpdateBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Post post;
  EXPECT_THAT(stub_->UpdatePost(&context,
                                ParseTextProto<UpdatePostRequest>(std::get<0>(GetParam())), &post),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateBadInputTest,
    ::testing::Values(
        BadInput{"post { display_name: 'x' } update_mask { paths: 'display_name' }", kInvalid,
                 "post.name"},
        BadInput{"post { name: 'posts/1' }", kInvalid, "update_mask"},
        BadInput{"post { name: 'posts/1' region: 'regions/65' } update_mask { paths: 'region' }",
                 kInvalid, "update_mask: cannot set \"region\""},
        BadInput{"post { name: 'posts/1' } update_mask { paths: 'host_kind' }", kInvalid,
                 "post.host_kind"},
        BadInput{"post { name: 'posts/1' location { latitude: 100 } } "
                 "update_mask { paths: 'location' }",
                 kInvalid, "post.location.latitude"},
        BadInput{"post { name: 'posts/1' display_name: 'x' etag: 'e' } "
                 "update_mask { paths: 'display_name' }",
                 kInvalid, "post.etag"},
        BadInput{"post { name: 'posts/1' display_name: 'x' etag: '3' } "
                 "update_mask { paths: 'display_name' }",
                 grpc::StatusCode::ABORTED, "etag"},
        BadInput{"post { name: 'posts/1' duty_team: 'teams/8' } update_mask { paths: 'duty_team' }",
                 grpc::StatusCode::FAILED_PRECONDITION, "teams/8"},
        BadInput{"post { name: 'posts/9' display_name: 'x' } update_mask { paths: 'display_name' }",
                 grpc::StatusCode::NOT_FOUND, "posts/9"}));

class DeleteBadInputTest : public PostServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(DeleteBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Post post;
  EXPECT_THAT(stub_->DeletePost(&context,
                                ParseTextProto<DeletePostRequest>(std::get<0>(GetParam())), &post),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, DeleteBadInputTest,
    ::testing::Values(BadInput{"", kInvalid, "name"}, BadInput{"name: 'posts/x'", kInvalid, "name"},
                      BadInput{"name: 'posts/1' etag: 'z'", kInvalid, "etag"},
                      BadInput{"name: 'posts/1' etag: '6'", grpc::StatusCode::ABORTED, "etag"},
                      BadInput{"name: 'posts/3'", grpc::StatusCode::NOT_FOUND, "posts/3"}));

}  // namespace
}  // namespace zhiyuan::services
