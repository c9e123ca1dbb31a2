// Authentication (the bearer header, expiry, revocation, the token cache) and TokenService's
// handlers, over an in-process channel and the in-memory stores.
#include "services/token_service.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/region_service.h"
#include "storage/in_memory_post_store.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_token_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/testing/audit.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/text_proto.h"

namespace zhiyuan::services {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::ParseTextProto;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::v1::CreateTokenRequest;
using ::zhiyuan::v1::CreateTokenResponse;
using ::zhiyuan::v1::Role;

// 山西 › 吕梁 › 临县 and 新疆 › 昌吉 › 阜康; a team in 临县; tokens of a system admin and of
// 临县's region admin.
class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { SetUpWithCacheTtl(absl::ZeroDuration()); }

  void SetUpWithCacheTtl(absl::Duration ttl) {
    authorizer_ = std::make_unique<Authorizer>(
        Authorizer::Stores{tokens_, teams_, units_, posts_, volunteers_}, ttl);
    service_ = std::make_unique<TokenServiceImpl>(tokens_, regions_, *authorizer_);
    regions_service_ = std::make_unique<RegionServiceImpl>(regions_, *authorizer_);
    ASSERT_THAT(::zhiyuan::testing::ImportRegions(regions_, {{"14", "山西省"},
                                                             {"1411", "吕梁市"},
                                                             {"141124", "临县"},
                                                             {"65", "新疆维吾尔自治区"},
                                                             {"6523", "昌吉回族自治州"},
                                                             {"652302", "阜康市"}}),
                IsOk());
    storage::Team team;
    team.display_name = "临县总队";
    team.home_region_code = "141124";
    team.status = 1;
    ASSERT_THAT(teams_.Create(team, "", ::zhiyuan::testing::TestAudit(), absl::InfiniteFuture()),
                IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    builder.RegisterService(regions_service_.get());
    server_ = builder.BuildAndStart();
    auto channel = server_->InProcessChannel(grpc::ChannelArguments());
    stub_ = zhiyuan::v1::TokenService::NewStub(channel);
    regions_stub_ = zhiyuan::v1::RegionService::NewStub(channel);
    admin_ = Mint(zhiyuan::v1::ROLE_SYSTEM_ADMIN, "", absl::Hours(1));
    county_ = Mint(zhiyuan::v1::ROLE_REGION_ADMIN, "141124", absl::Hours(1));
  }

  void TearDown() override { server_->Shutdown(); }

  // Stores a token straight into the store; returns its secret.
  std::string Mint(Role role, const std::string& region, absl::Duration ttl) {
    storage::Token token;
    token.display_name = "测试";
    token.role = role;
    token.region_code = region;
    token.scope_region_code = region;
    token.expire_time = absl::Now() + ttl;
    const TokenSecret secret = MintTokenSecret();
    EXPECT_THAT(
        tokens_.Create(token, secret.hash, ::zhiyuan::testing::TestAudit(), absl::InfiniteFuture()),
        IsOk());
    return secret.secret;
  }

  // GetRegion with `authorization` as the header's value ("" for none).
  grpc::Status CallWith(const std::vector<std::string>& authorization) {
    grpc::ClientContext context;
    for (const std::string& value : authorization) context.AddMetadata("authorization", value);
    zhiyuan::v1::GetRegionRequest request;
    request.set_name("regions/141124");
    zhiyuan::v1::Region region;
    return regions_stub_->GetRegion(&context, request, &region);
  }

  grpc::Status Create(const std::string& secret, const std::string& text,
                      CreateTokenResponse* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + secret);
    return stub_->CreateToken(&context, ParseTextProto<CreateTokenRequest>(text), response);
  }

  storage::InMemoryRegionStore regions_;
  storage::InMemoryPracticeUnitStore units_{regions_};
  storage::InMemoryVolunteerStore volunteers_{regions_};
  storage::InMemoryTeamStore teams_{regions_, units_, volunteers_};
  storage::InMemoryPostStore posts_{regions_, teams_};
  storage::InMemoryTokenStore tokens_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<TokenServiceImpl> service_;
  std::unique_ptr<RegionServiceImpl> regions_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<zhiyuan::v1::TokenService::Stub> stub_;
  std::unique_ptr<zhiyuan::v1::RegionService::Stub> regions_stub_;
  std::string admin_;
  std::string county_;
};

TEST_F(TokenServiceTest, AValidBearerTokenIsAnsweredAndTheSchemeIsCaseInsensitive) {
  EXPECT_THAT(CallWith({"Bearer " + admin_}), IsOk());
  EXPECT_THAT(CallWith({"bearer " + admin_}), IsOk());
  EXPECT_THAT(CallWith({"BEARER " + county_}), IsOk());
}

using BadHeader = std::tuple<std::vector<std::string>, std::string>;
class BadHeaderTest : public TokenServiceTest, public ::testing::WithParamInterface<BadHeader> {};

TEST_P(BadHeaderTest, IsUnauthenticatedSayingWhy) {
  const auto& [values, why] = GetParam();
  EXPECT_THAT(CallWith(values), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr(why)));
}

INSTANTIATE_TEST_SUITE_P(
    Headers, BadHeaderTest,
    ::testing::Values(
        BadHeader{std::vector<std::string>(), "no authorization metadata"},
        BadHeader{{"Basic dXNlcjpwYXNz"}, "not a Bearer token"},
        BadHeader{{"Bearer"}, "not a Bearer token"}, BadHeader{{"Bearer "}, "malformed"},
        BadHeader{{"Bearer abc"}, "malformed"}, BadHeader{{"Bearer zyt_short"}, "malformed"},
        BadHeader{{"Bearer  zyt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "malformed"},
        BadHeader{{"Bearer xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "malformed"},
        BadHeader{{"Bearer zyt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
                  "not one this server issued"},
        BadHeader{{"Bearer zyt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                   "Bearer zyt_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"},
                  "authorization twice"}));

TEST_F(TokenServiceTest, TwoHeadersAreRefusedEvenWhenBothAreValid) {
  EXPECT_THAT(CallWith({"Bearer " + admin_, "Bearer " + county_}),
              StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("twice")));
}

TEST_F(TokenServiceTest, AnExpiredTokenIsUnauthenticated) {
  const std::string brief = Mint(zhiyuan::v1::ROLE_SYSTEM_ADMIN, "", absl::Milliseconds(200));
  EXPECT_THAT(CallWith({"Bearer " + brief}), IsOk());
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_THAT(CallWith({"Bearer " + brief}),
              StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("expired")));
}

TEST_F(TokenServiceTest, ARevokedTokenIsUnauthenticatedAtOnce) {
  CreateTokenResponse made;
  ASSERT_THAT(Create(admin_,
                     "token { display_name: '临县报表' role: ROLE_REPORTER region: "
                     "'regions/141124' }",
                     &made),
              IsOk());
  EXPECT_THAT(CallWith({"Bearer " + made.secret()}), IsOk());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin_);
  zhiyuan::v1::RevokeTokenRequest revoke;
  revoke.set_name(made.token().name());
  zhiyuan::v1::Token revoked;
  ASSERT_THAT(stub_->RevokeToken(&context, revoke, &revoked), IsOk());
  EXPECT_TRUE(revoked.has_revoke_time());
  EXPECT_THAT(CallWith({"Bearer " + made.secret()}),
              StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("revoked")));
}

TEST_F(TokenServiceTest, TheCacheKeepsATokenRevokedElsewhereUntilItsTtlButNotOneRevokedHere) {
  TearDown();
  SetUpWithCacheTtl(absl::Hours(1));
  const std::string reporter = Mint(zhiyuan::v1::ROLE_REPORTER, "141124", absl::Hours(1));
  EXPECT_THAT(CallWith({"Bearer " + reporter}), IsOk());  // Cached now.
  // Revoked through another server: this one trusts its cache for the TTL.
  const absl::StatusOr<storage::Token> stored =
      tokens_.FindBySecretHash(HashTokenSecret(reporter), absl::InfiniteFuture());
  ASSERT_THAT(stored, IsOk());
  ASSERT_THAT(tokens_.Revoke(stored->id, ::zhiyuan::testing::TestAudit(), absl::InfiniteFuture()),
              IsOk());
  EXPECT_THAT(CallWith({"Bearer " + reporter}), IsOk());
  // Revoked through this one: at once.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin_);
  zhiyuan::v1::RevokeTokenRequest revoke;
  revoke.set_name(absl::StrCat("tokens/", stored->id));
  zhiyuan::v1::Token revoked;
  ASSERT_THAT(stub_->RevokeToken(&context, revoke, &revoked), IsOk());
  EXPECT_THAT(CallWith({"Bearer " + reporter}),
              StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("revoked")));
}

TEST_F(TokenServiceTest, CreateReturnsTheSecretOnceAndStoresOnlyItsHash) {
  CreateTokenResponse made;
  ASSERT_THAT(Create(county_,
                     "token { display_name: '临县报表' role: ROLE_REPORTER region: "
                     "'regions/141124' } ttl { seconds: 3600 }",
                     &made),
              IsOk());
  EXPECT_THAT(made.secret(), MatchesRegex("zyt_[A-Za-z0-9_-]{43}"));
  EXPECT_EQ(made.token().scope_region(), "regions/141124");
  // The service sets the expiry as the request arrives, the store the creation time as it
  // stores the token (the database's clock in PostgreSQL): a moment apart, and at times on either
  // side of a second's boundary.
  const absl::Duration lifetime =
      absl::Nanoseconds(TimeUtil::TimestampToNanoseconds(made.token().expire_time()) -
                        TimeUtil::TimestampToNanoseconds(made.token().create_time()));
  EXPECT_LE(absl::AbsDuration(lifetime - absl::Hours(1)), absl::Seconds(1)) << lifetime;
  EXPECT_THAT(made.token().creator(), MatchesRegex("tokens/[0-9]+"));
  EXPECT_THAT(made.token().DebugString(), Not(HasSubstr(made.secret())));
  const absl::StatusOr<storage::Token> stored =
      tokens_.FindBySecretHash(HashTokenSecret(made.secret()), absl::InfiniteFuture());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(absl::StrCat("tokens/", stored->id), made.token().name());

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + made.secret());
  zhiyuan::v1::GetTokenRequest self;
  self.set_name("tokens/self");
  zhiyuan::v1::Token token;
  ASSERT_THAT(stub_->GetToken(&context, self, &token), IsOk());
  EXPECT_EQ(token.name(), made.token().name());
  EXPECT_EQ(token.role(), zhiyuan::v1::ROLE_REPORTER);
}

TEST_F(TokenServiceTest, ATokenLivesNoLongerThanItsMakersUnlessASystemAdminMakesIt) {
  const int64_t hour_from_now = absl::ToUnixSeconds(absl::Now() + absl::Hours(1));
  CreateTokenResponse made;
  ASSERT_THAT(Create(county_,
                     "token { display_name: '临县报表' role: ROLE_REPORTER region: "
                     "'regions/141124' }",
                     &made),
              IsOk());
  EXPECT_LE(made.token().expire_time().seconds(), hour_from_now);
  ASSERT_THAT(Create(admin_,
                     "token { display_name: '临县报表' role: ROLE_REPORTER region: "
                     "'regions/141124' }",
                     &made),
              IsOk());
  EXPECT_GT(made.token().expire_time().seconds(),
            absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 89)));
}

TEST_F(TokenServiceTest, ATeamLeadersScopeRegionIsItsTeamsHomeRegion) {
  CreateTokenResponse made;
  ASSERT_THAT(
      Create(county_, "token { display_name: '总队长' role: ROLE_TEAM_LEADER team: 'teams/1' }",
             &made),
      IsOk());
  EXPECT_EQ(made.token().scope_region(), "regions/141124");
}

using BadToken = std::tuple<std::string, grpc::StatusCode, std::string>;
class CreateBadTokenTest : public TokenServiceTest,
                           public ::testing::WithParamInterface<BadToken> {};

TEST_P(CreateBadTokenTest, IsRefusedAndMakesNothing) {
  const auto& [text, code, message] = GetParam();
  storage::TokenQuery all;
  all.show_inactive = true;
  const int64_t before = tokens_.List(all, absl::InfiniteFuture())->total;
  CreateTokenResponse made;
  EXPECT_THAT(Create(county_, text, &made), StatusIs(code, HasSubstr(message)));
  EXPECT_EQ(made.secret(), "");
  EXPECT_EQ(tokens_.List(all, absl::InfiniteFuture())->total, before);
}

constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kDenied = grpc::StatusCode::PERMISSION_DENIED;
constexpr grpc::StatusCode kMissing = grpc::StatusCode::FAILED_PRECONDITION;

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadTokenTest,
    ::testing::Values(
        BadToken{"token { role: ROLE_REPORTER region: 'regions/141124' }", kInvalid,
                 "token.display_name"},
        BadToken{"token { display_name: 'x' }", kInvalid, "token.role: is required"},
        BadToken{"token { display_name: 'x' role: ROLE_REPORTER }", kInvalid, "token.region"},
        BadToken{"token { display_name: 'x' role: ROLE_REPORTER region: 'regions/141124' "
                 "team: 'teams/1' }",
                 kInvalid, "token.team: must be empty for ROLE_REPORTER"},
        BadToken{"token { display_name: 'x' role: ROLE_KIOSK }", kInvalid,
                 "at least one post or practice unit"},
        BadToken{"token { display_name: 'x' role: ROLE_KIOSK posts: 'posts/1' posts: 'posts/1' }",
                 kInvalid, "token.posts[1]: repeats"},
        BadToken{"token { display_name: 'x' role: ROLE_VOLUNTEER volunteer: 'volunteers/1' }",
                 kInvalid, "token.volunteer"},
        BadToken{"token { display_name: 'x' role: ROLE_REPORTER region: 'regions/141124' } "
                 "ttl { seconds: 59 }",
                 kInvalid, "ttl: must be 1 minute to 366 days"},
        BadToken{"token { display_name: 'x' role: ROLE_REPORTER region: 'regions/141124' } "
                 "ttl { seconds: 31708801 }",
                 kInvalid, "ttl"},
        BadToken{"token { display_name: 'x' role: ROLE_SYSTEM_ADMIN }", kDenied,
                 "may not make system admin tokens"},
        BadToken{"token { display_name: 'x' role: ROLE_REGION_ADMIN region: 'regions/1411' }",
                 kDenied, "may not make a token reaching regions/1411"},
        BadToken{"token { display_name: 'x' role: ROLE_REPORTER region: 'regions/652302' }",
                 kDenied, "regions/652302"},
        BadToken{"token { display_name: 'x' role: ROLE_REPORTER region: 'regions/14112499' }",
                 kInvalid, "token.region"},
        BadToken{"token { display_name: 'x' role: ROLE_REPORTER region: 'regions/141125' }",
                 kMissing, "regions/141125 does not exist"},
        BadToken{"token { display_name: 'x' role: ROLE_TEAM_LEADER team: 'teams/99' }", kMissing,
                 "teams/99 does not exist"},
        BadToken{"token { display_name: 'x' role: ROLE_KIOSK posts: 'posts/5' }", kMissing,
                 "posts/5 does not exist"}));

TEST_F(TokenServiceTest, ARegionAdminListsAndRevokesOnlyTokensInItsRegion) {
  const std::string fukang = Mint(zhiyuan::v1::ROLE_REGION_ADMIN, "652302", absl::Hours(1));
  grpc::ClientContext list_context;
  list_context.AddMetadata("authorization", "Bearer " + county_);
  zhiyuan::v1::ListTokensResponse listed;
  ASSERT_THAT(stub_->ListTokens(&list_context, zhiyuan::v1::ListTokensRequest(), &listed), IsOk());
  ASSERT_EQ(listed.tokens_size(), 1);  // Its own; not the admin's, not 阜康's.
  EXPECT_EQ(listed.tokens(0).region(), "regions/141124");

  const absl::StatusOr<storage::Token> other =
      tokens_.FindBySecretHash(HashTokenSecret(fukang), absl::InfiniteFuture());
  ASSERT_THAT(other, IsOk());
  grpc::ClientContext revoke_context;
  revoke_context.AddMetadata("authorization", "Bearer " + county_);
  zhiyuan::v1::RevokeTokenRequest revoke;
  revoke.set_name(absl::StrCat("tokens/", other->id));
  zhiyuan::v1::Token revoked;
  EXPECT_THAT(stub_->RevokeToken(&revoke_context, revoke, &revoked),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(CallWith({"Bearer " + fukang}), IsOk());
}

}  // namespace
}  // namespace zhiyuan::services
