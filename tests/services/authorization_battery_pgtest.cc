// Attacks on authorization that the per-RPC matrix (authorization_matrix_pgtest.cc) does not make:
// each test case is a request that must be refused, or must come back without what lies out of
// the caller's reach. Through the real server on PostgreSQL, with the token cache off unless a
// test says otherwise.
//
// What it covers: object-level authorization (OWASP API1) by name aliases ("teams/01",
// "tokens/0N", "teams/-"), list filters and page tokens that would widen a scope, references
// (parent, owner, duty team, practice unit) to objects out of reach, update masks naming
// scope-defining fields, request_id replays, deleted objects, error messages that would tell an
// out-of-reach person from nobody or carry ID and phone numbers, token delegation (scope and
// lifetime), revoked and expired tokens, the audit log, the streaming import, team leaders of a
// sub-team, and a region admin of a township under the county.
//
// The world is the matrix's: 临县 (regions/141124) holds the practice unit U, the post P, the team
// A with the sub-team A1 (临泉镇, regions/141124100), the volunteer V (a member of A) and the
// program G; 阜康市 (regions/652302) holds U2, P2 (on duty: F), the team F, the volunteer W (a
// member of F) and G2. The callers: a system admin; the region admin, reporter, leader of A,
// volunteer V and the kiosk of P and U as in the matrix; besides them the region admin of
// 临泉镇, the leader of A1 and the region admin of 阜康.
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "services/server.h"
#include "storage/migrations.h"
#include "tests/testing/database_tokens.h"
#include "tests/testing/generic_calls.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::MethodDescriptor;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::TestDatabaseUrl;

constexpr grpc::StatusCode kOk = grpc::StatusCode::OK;
constexpr grpc::StatusCode kDenied = grpc::StatusCode::PERMISSION_DENIED;
constexpr grpc::StatusCode kNotFound = grpc::StatusCode::NOT_FOUND;
constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kExists = grpc::StatusCode::ALREADY_EXISTS;
constexpr grpc::StatusCode kPrecondition = grpc::StatusCode::FAILED_PRECONDITION;
constexpr grpc::StatusCode kUnauthenticated = grpc::StatusCode::UNAUTHENTICATED;

enum Caller {
  kAdmin,
  kRegionAdmin,    // REGION_ADMIN of 临县, regions/141124.
  kReporter,       // REPORTER of 临县.
  kTeamLeader,     // TEAM_LEADER of A.
  kVolunteer,      // VOLUNTEER V.
  kKiosk,          // KIOSK of P and U.
  kTownshipAdmin,  // REGION_ADMIN of 临泉镇, regions/141124100, under 临县.
  kSubLeader,      // TEAM_LEADER of A1, under A.
  kFukangAdmin,    // REGION_ADMIN of 阜康, regions/652302.
  kCallers
};

// An ID number with its GB 11643 check digit.
std::string IdNumber(const std::string& first17) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

// A volunteer number (17 digits and a Luhn check digit), as zhiyuand mints them.
std::string VolunteerNumber(const std::string& first17) {
  int sum = 0;
  bool twice = true;
  for (auto it = first17.rbegin(); it != first17.rend(); ++it) {
    int digit = *it - '0';
    if (twice) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
    twice = !twice;
  }
  return first17 + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// The region of each item of a List response: its scope_region, home_region, residence_region or
// region, whichever it has first ("?" for an item with none).
std::vector<std::string> ItemRegions(const Message& page) {
  std::vector<std::string> regions;
  const google::protobuf::Descriptor* descriptor = page.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (!field->is_repeated() || field->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    for (int j = 0; j < page.GetReflection()->FieldSize(page, field); ++j) {
      const Message& item = page.GetReflection()->GetRepeatedMessage(page, field, j);
      std::string region = "?";
      for (const char* name : {"scope_region", "home_region", "residence_region", "region"}) {
        if (const FieldDescriptor* f = item.GetDescriptor()->FindFieldByName(name)) {
          region = item.GetReflection()->GetString(item, f);
          break;
        }
      }
      regions.push_back(region);
    }
  }
  return regions;
}

class AuthorizationBatteryTest : public ::zhiyuan::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    {
      pqxx::connection connection(TestDatabaseUrl());
      pqxx::nontransaction(connection)
          .exec(
              "TRUNCATE audit_log, api_tokens, team_members, teams, posts, programs, "
              "practice_units, volunteers, volunteer_identities, volunteer_create_requests, "
              "regions CASCADE");
    }
    auto server = StartServer(absl::ZeroDuration());
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    stub_ = StubFor(*server_);
    secrets_[kAdmin] = ::zhiyuan::testing::MintDatabaseAdminToken(TestDatabaseUrl());
    ASSERT_FALSE(secrets_[kAdmin].empty());
    Seed();
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  }

  static absl::StatusOr<std::unique_ptr<Server>> StartServer(absl::Duration token_cache_ttl) {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.database_url = TestDatabaseUrl();
    options.migrations = storage::BuiltinMigrations();
    options.personal_data_key = std::string(32, 'k');
    options.token_cache_ttl = token_cache_ttl;
    options.pool_size = 4;
    options.worker_threads = 8;
    return Server::Start(options);
  }

  static std::unique_ptr<grpc::GenericStub> StubFor(const Server& server) {
    return std::make_unique<grpc::GenericStub>(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server.port()), grpc::InsecureChannelCredentials()));
  }

  static const MethodDescriptor* Method(const std::string& name) {
    const MethodDescriptor* method =
        ::zhiyuan::testing::FindMethod(absl::StrCat("zhiyuan.v1.", name));
    EXPECT_NE(method, nullptr) << name;
    return method;
  }

  std::string Expand(const std::string& text) const { return absl::StrReplaceAll(text, names_); }

  // Calls `method` ("TeamService.GetTeam") with the secret `secret` and the text-proto `request`
  // (placeholders replaced); the reply lands in `reply` when given.
  grpc::Status CallWith(const std::string& secret, const std::string& method_name,
                        const std::string& request, Message* reply = nullptr,
                        grpc::GenericStub* stub = nullptr) {
    const MethodDescriptor* method = Method(method_name);
    if (method == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "test bug");
    std::unique_ptr<Message> message = ::zhiyuan::testing::NewRequest(*method);
    if (!google::protobuf::TextFormat::ParseFromString(Expand(request), message.get())) {
      ADD_FAILURE() << "unparsable request for " << method_name << ": " << Expand(request);
      return grpc::Status(grpc::StatusCode::INTERNAL, "test bug");
    }
    return ::zhiyuan::testing::CallMethod(stub != nullptr ? *stub : *stub_, secret, *method,
                                          *message, reply);
  }

  grpc::Status Call(Caller caller, const std::string& method, const std::string& request,
                    Message* reply = nullptr) {
    return CallWith(secrets_[caller], method, request, reply);
  }

  grpc::StatusCode Code(Caller caller, const std::string& method, const std::string& request) {
    return Call(caller, method, request).error_code();
  }

  // A fresh reply message for `method`.
  static std::unique_ptr<Message> NewReply(const std::string& method) {
    return ::zhiyuan::testing::NewReply(*Method(method));
  }

  // Calls as `caller` (the system admin unless given) and returns the "name" of the reply.
  std::string Make(const std::string& method, const std::string& request, Caller caller = kAdmin) {
    std::unique_ptr<Message> reply = NewReply(method);
    const grpc::Status status = Call(caller, method, request, reply.get());
    EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
    const FieldDescriptor* name = reply->GetDescriptor()->FindFieldByName("name");
    return name == nullptr ? "" : reply->GetReflection()->GetString(*reply, name);
  }

  // Creates a token as `maker`; returns the reply (the token and its secret).
  zhiyuan::v1::CreateTokenResponse MakeToken(const std::string& token, Caller maker = kAdmin,
                                             const std::string& ttl = "") {
    zhiyuan::v1::CreateTokenResponse reply;
    const grpc::Status status = Call(maker, "TokenService.CreateToken",
                                     absl::StrCat("token { ", token, " } ", ttl), &reply);
    EXPECT_TRUE(status.ok()) << token << ": " << status.error_message();
    return reply;
  }

  // Every page of a List as `caller` with `filters`, from `page_token`; the region of each item.
  std::vector<std::string> ListRegions(Caller caller, const std::string& method,
                                       const std::string& filters, std::string page_token = "",
                                       int page_size = 1000) {
    std::vector<std::string> regions;
    for (int pages = 0; pages < 100; ++pages) {
      std::unique_ptr<Message> page = NewReply(method);
      const grpc::Status status =
          Call(caller, method,
               absl::StrCat(filters, " page_size: ", page_size, " page_token: '", page_token, "'"),
               page.get());
      EXPECT_TRUE(status.ok()) << method << " " << filters << ": " << status.error_message();
      if (!status.ok()) break;
      for (std::string& region : ItemRegions(*page)) regions.push_back(std::move(region));
      page_token = page->GetReflection()->GetString(
          *page, page->GetDescriptor()->FindFieldByName("next_page_token"));
      if (page_token.empty()) break;
    }
    return regions;
  }

  // The first page token of `method` for the system admin, one item a page.
  std::string AdminPageToken(const std::string& method, const std::string& filters = "") {
    std::unique_ptr<Message> page = NewReply(method);
    EXPECT_TRUE(Call(kAdmin, method, absl::StrCat(filters, " page_size: 1"), page.get()).ok());
    return page->GetReflection()->GetString(
        *page, page->GetDescriptor()->FindFieldByName("next_page_token"));
  }

  // Runs `sql` on the test database.
  static void Sql(const std::string& sql) {
    pqxx::connection connection(TestDatabaseUrl());
    pqxx::nontransaction(connection).exec(sql);
  }

  // The number in "tokens/N", "teams/N", ...
  static std::string IdOf(const std::string& name) {
    return std::string(name.substr(name.rfind('/') + 1));
  }

  void Seed() {
    ASSERT_TRUE(Call(kAdmin, "RegionService.ImportRegions",
                     "regions { name: 'regions/14' display_name: '山西省' } "
                     "regions { name: 'regions/1411' display_name: '吕梁市' } "
                     "regions { name: 'regions/141124' display_name: '临县' } "
                     "regions { name: 'regions/141124100' display_name: '临泉镇' } "
                     "regions { name: 'regions/65' display_name: '新疆维吾尔自治区' } "
                     "regions { name: 'regions/6523' display_name: '昌吉回族自治州' } "
                     "regions { name: 'regions/652302' display_name: '阜康市' }")
                    .ok());
    names_["$U2"] = Make("PracticeUnitService.CreatePracticeUnit",
                         "practice_unit { display_name: '阜康市新时代文明实践中心' kind: "
                         "PRACTICE_UNIT_KIND_CENTER region: 'regions/652302' }");
    names_["$U"] = Make("PracticeUnitService.CreatePracticeUnit",
                        "practice_unit { display_name: '临县新时代文明实践中心' kind: "
                        "PRACTICE_UNIT_KIND_CENTER region: 'regions/141124' }");
    names_["$A"] = Make("TeamService.CreateTeam",
                        "team { display_name: '临县总队' home_region: 'regions/141124' }");
    names_["$A1"] = Make("TeamService.CreateTeam",
                         "team { display_name: '临泉镇分队' home_region: 'regions/141124100' "
                         "parent: '$A' }");
    names_["$F"] = Make("TeamService.CreateTeam",
                        "team { display_name: '阜康总队' home_region: 'regions/652302' }");
    names_["$P"] = Make("PostService.CreatePost",
                        "post { display_name: '临县车站服务岗' host_organization: '临县车站' "
                        "host_kind: POST_HOST_KIND_HOTEL region: 'regions/141124' }");
    names_["$P2"] = Make("PostService.CreatePost",
                         "post { display_name: '阜康车站服务岗' host_organization: '阜康车站' "
                         "host_kind: POST_HOST_KIND_HOTEL region: 'regions/652302' "
                         "duty_team: '$F' }");
    names_["$V_ID"] = IdNumber("14112419851122004");
    names_["$W_ID"] = IdNumber("65230219900101003");
    names_["$V"] = std::string(absl::StripPrefix(
        Make("VolunteerService.CreateVolunteer",
             "volunteer { display_name: '张三' birth_date: '1985-11-22' residence_region: "
             "'regions/141124' id_number: '$V_ID' phone: '13912345678' }"),
        "volunteers/"));
    names_["$W"] = std::string(absl::StripPrefix(
        Make("VolunteerService.CreateVolunteer",
             "volunteer { display_name: '李四' birth_date: '1990-01-01' residence_region: "
             "'regions/652302' id_number: '$W_ID' phone: '13712345678' }"),
        "volunteers/"));
    // A well-formed volunteer number of 阜康 that nobody holds; an ID number nobody registered.
    names_["$NEW_ID"] = IdNumber("14112419930303003");
    names_["$NOBODY"] = VolunteerNumber("65230220200999999");
    Make("TeamService.CreateTeamMember", "parent: '$A' volunteer: 'volunteers/$V'");
    Make("TeamService.CreateTeamMember", "parent: '$F' volunteer: 'volunteers/$W'");
    Make("TeamService.UpdateTeam",
         "team { name: '$A' leader: 'volunteers/$V' } update_mask { paths: 'leader' }");
    names_["$G"] = Make("ProgramService.CreateProgram",
                        "program { display_name: '新时代夜校' category: "
                        "SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/141124' "
                        "start_date: '2024-01-01' }");
    names_["$G2"] = Make("ProgramService.CreateProgram",
                         "program { display_name: '阜康夜校' category: "
                         "SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/652302' "
                         "start_date: '2024-01-01' }");

    zhiyuan::v1::Token self;
    ASSERT_TRUE(Call(kAdmin, "TokenService.GetToken", "name: 'tokens/self'", &self).ok());
    names_["$ADMIN"] = self.name();
    const auto token = [&](Caller caller, const std::string& text, const std::string& name) {
      zhiyuan::v1::CreateTokenResponse made = MakeToken(text);
      secrets_[caller] = made.secret();
      names_[name] = made.token().name();
    };
    token(kRegionAdmin,
          "display_name: '临县文明办' role: ROLE_REGION_ADMIN region: 'regions/141124'", "$RA");
    token(kReporter, "display_name: '临县统计' role: ROLE_REPORTER region: 'regions/141124'",
          "$REPORTER");
    token(kTeamLeader, "display_name: '总队长' role: ROLE_TEAM_LEADER team: '$A'", "$LEADER");
    token(kVolunteer, "display_name: '张三' role: ROLE_VOLUNTEER volunteer: 'volunteers/$V'",
          "$VT");
    token(kKiosk, "display_name: '车站自助机' role: ROLE_KIOSK posts: '$P' practice_units: '$U'",
          "$KIOSK");
    token(kTownshipAdmin,
          "display_name: '临泉镇' role: ROLE_REGION_ADMIN region: 'regions/141124100'", "$TA");
    token(kSubLeader, "display_name: '分队长' role: ROLE_TEAM_LEADER team: '$A1'", "$SUBLEADER");
    token(kFukangAdmin,
          "display_name: '阜康文明办' role: ROLE_REGION_ADMIN region: 'regions/652302'", "$FA");
    names_["$S2"] = MakeToken("display_name: '备用' role: ROLE_REPORTER region: 'regions/652302'")
                        .token()
                        .name();
    names_["$PROV"] =
        MakeToken("display_name: '省文明办' role: ROLE_REGION_ADMIN region: 'regions/14'")
            .token()
            .name();
    // Bare ids, for aliases like "teams/0N".
    for (const char* name : {"$A", "$A1", "$F", "$P", "$P2", "$U", "$U2", "$S2", "$ADMIN", "$RA"}) {
      names_[absl::StrCat("#", absl::StripPrefix(name, "$"))] = IdOf(names_[name]);
    }
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::array<std::string, kCallers> secrets_;
  std::map<std::string, std::string> names_;
};

// ---------------------------------------------------------------------------------------------
// Token delegation.

TEST_F(AuthorizationBatteryTest, ARegionAdminMintsNoTokenReachingPastItsRegion) {
  for (const char* token : {
           "display_name: 'x' role: ROLE_SYSTEM_ADMIN",
           "display_name: 'x' role: ROLE_REGION_ADMIN region: 'regions/14'",
           "display_name: 'x' role: ROLE_REGION_ADMIN region: 'regions/1411'",
           "display_name: 'x' role: ROLE_REPORTER region: 'regions/1411'",
           "display_name: 'x' role: ROLE_REGION_ADMIN region: 'regions/652302'",
           "display_name: 'x' role: ROLE_REPORTER region: 'regions/652302'",
           "display_name: 'x' role: ROLE_TEAM_LEADER team: '$F'",
           "display_name: 'x' role: ROLE_KIOSK posts: '$P2'",
           "display_name: 'x' role: ROLE_KIOSK posts: '$P' posts: '$P2'",
           "display_name: 'x' role: ROLE_KIOSK posts: '$P' practice_units: '$U2'",
           "display_name: 'x' role: ROLE_KIOSK practice_units: '$U' practice_units: '$U2'",
       }) {
    SCOPED_TRACE(token);
    EXPECT_EQ(Code(kRegionAdmin, "TokenService.CreateToken", absl::StrCat("token { ", token, " }")),
              kDenied);
  }
  // A township admin mints nothing of the county around it.
  for (const char* token : {
           "display_name: 'x' role: ROLE_REGION_ADMIN region: 'regions/141124'",
           "display_name: 'x' role: ROLE_REPORTER region: 'regions/141124'",
           "display_name: 'x' role: ROLE_TEAM_LEADER team: '$A'",
           "display_name: 'x' role: ROLE_KIOSK posts: '$P'",
           "display_name: 'x' role: ROLE_KIOSK practice_units: '$U'",
       }) {
    SCOPED_TRACE(token);
    EXPECT_EQ(
        Code(kTownshipAdmin, "TokenService.CreateToken", absl::StrCat("token { ", token, " }")),
        kDenied);
  }
  // Nobody else mints at all.
  for (const Caller caller : {kReporter, kTeamLeader, kSubLeader, kVolunteer, kKiosk}) {
    EXPECT_EQ(Code(caller, "TokenService.CreateToken",
                   "token { display_name: 'x' role: ROLE_VOLUNTEER volunteer: 'volunteers/$V' }"),
              kDenied)
        << caller;
  }
  // None of it was made: the tokens in 临县 are the seed's.
  zhiyuan::v1::ListTokensResponse tokens;
  ASSERT_TRUE(Call(kAdmin, "TokenService.ListTokens", "page_size: 1000", &tokens).ok());
  for (const zhiyuan::v1::Token& token : tokens.tokens()) {
    EXPECT_NE(token.display_name(), "x") << token.DebugString();
  }
}

TEST_F(AuthorizationBatteryTest, ADelegatedTokenLivesNoLongerThanItsMaker) {
  const zhiyuan::v1::CreateTokenResponse maker =
      MakeToken("display_name: '短期' role: ROLE_REGION_ADMIN region: 'regions/141124'", kAdmin,
                "ttl { seconds: 3600 }");
  const std::string maker_secret = maker.secret();
  const auto limit = maker.token().expire_time();
  const auto make = [&](const std::string& secret, const std::string& request) {
    zhiyuan::v1::CreateTokenResponse reply;
    const grpc::Status status = CallWith(secret, "TokenService.CreateToken", request, &reply);
    EXPECT_TRUE(status.ok()) << request << ": " << status.error_message();
    return reply;
  };
  // Asked for 30 days, 366 days, or the default 90: each ends when the maker does.
  const zhiyuan::v1::CreateTokenResponse reporter =
      make(maker_secret,
           "token { display_name: 'a' role: ROLE_REPORTER region: 'regions/141124' } "
           "ttl { seconds: 2592000 }");
  EXPECT_LE(reporter.token().expire_time().seconds(), limit.seconds());
  const zhiyuan::v1::CreateTokenResponse second =
      make(maker_secret,
           "token { display_name: 'b' role: ROLE_REGION_ADMIN region: 'regions/141124100' }");
  EXPECT_LE(second.token().expire_time().seconds(), limit.seconds());
  // And the token it made makes none that outlives the first maker.
  const zhiyuan::v1::CreateTokenResponse third =
      make(second.secret(),
           "token { display_name: 'c' role: ROLE_REPORTER region: 'regions/141124100' } "
           "ttl { seconds: 31622400 }");
  EXPECT_LE(third.token().expire_time().seconds(), limit.seconds());
  // A ttl past 366 days is refused, not cut.
  EXPECT_EQ(CallWith(maker_secret, "TokenService.CreateToken",
                     "token { display_name: 'd' role: ROLE_REPORTER region: 'regions/141124' } "
                     "ttl { seconds: 31708800 }")
                .error_code(),
            kInvalid);
}

TEST_F(AuthorizationBatteryTest, NoTokenIsMintedForADeletedTeamPostUnitOrVolunteer) {
  const std::string team =
      Make("TeamService.CreateTeam",
           "team { display_name: '临县三队' home_region: 'regions/141124' parent: '$A' }");
  Make("TeamService.DeleteTeam", absl::StrCat("name: '", team, "'"));
  const std::string post =
      Make("PostService.CreatePost",
           "post { display_name: '临县医院服务岗' host_organization: '临县医院' "
           "host_kind: POST_HOST_KIND_OTHER region: 'regions/141124' }");
  Make("PostService.DeletePost", absl::StrCat("name: '", post, "'"));
  const std::string unit =
      Make("PracticeUnitService.CreatePracticeUnit",
           "practice_unit { display_name: '临泉镇实践所' kind: PRACTICE_UNIT_KIND_INSTITUTE "
           "region: 'regions/141124100' parent: '$U' }");
  Make("PracticeUnitService.DeletePracticeUnit", absl::StrCat("name: '", unit, "'"));
  const std::string volunteer =
      Make("VolunteerService.CreateVolunteer",
           "volunteer { display_name: '王五' birth_date: '1988-08-08' residence_region: "
           "'regions/141124' id_number: '" +
               IdNumber("14112419880808002") + "' }");
  Make("VolunteerService.DeleteVolunteer", absl::StrCat("name: '", volunteer, "'"));
  for (const std::string& token : {
           absl::StrCat("role: ROLE_TEAM_LEADER team: '", team, "'"),
           absl::StrCat("role: ROLE_KIOSK posts: '", post, "'"),
           absl::StrCat("role: ROLE_KIOSK posts: '$P' practice_units: '", unit, "'"),
           absl::StrCat("role: ROLE_VOLUNTEER volunteer: '", volunteer, "'"),
       }) {
    SCOPED_TRACE(token);
    EXPECT_EQ(Code(kRegionAdmin, "TokenService.CreateToken",
                   absl::StrCat("token { display_name: 'x' ", token, " }")),
              kPrecondition);
  }
}

// Was a hole: CreateToken answered a VOLUNTEER scope out of reach with PERMISSION_DENIED naming
// the person's residence, and one that does not exist with FAILED_PRECONDITION, so any region
// admin could probe any volunteer number for existence and home region. Both now answer alike
// (the volunteer number itself, which the caller sent, carries its county of registration).
TEST_F(AuthorizationBatteryTest, MintingAVolunteerTokenDoesNotTellAnOutOfReachPersonFromNobody) {
  const auto probe = [&](Caller caller, const std::string& number) {
    return Call(caller, "TokenService.CreateToken",
                absl::StrCat("token { display_name: 'x' role: ROLE_VOLUNTEER volunteer: "
                             "'volunteers/",
                             number, "' }"));
  };
  const grpc::Status someone = probe(kRegionAdmin, "$W");
  const grpc::Status nobody = probe(kRegionAdmin, "$NOBODY");
  EXPECT_NE(someone.error_code(), kOk);
  EXPECT_EQ(someone.error_code(), nobody.error_code())
      << "W (阜康): " << someone.error_message() << "\nnobody: " << nobody.error_message();
  EXPECT_THAT(someone.error_message(), Not(HasSubstr("regions/652302")));
  EXPECT_EQ(absl::StrReplaceAll(someone.error_message(), {{names_["$W"], "N"}}),
            absl::StrReplaceAll(nobody.error_message(), {{names_["$NOBODY"], "N"}}));
  // The same from a township admin about a resident of the county around it.
  const grpc::Status county = probe(kTownshipAdmin, "$V");
  EXPECT_NE(county.error_code(), kOk);
  EXPECT_EQ(county.error_code(), probe(kTownshipAdmin, "$NOBODY").error_code())
      << county.error_message();
  EXPECT_THAT(county.error_message(), Not(HasSubstr("regions/141124")));
}

// Was a hole, by composition: a region admin may not move a resident out of its region, but it
// could mint that resident a VOLUNTEER token, and a volunteer could move itself anywhere, so a
// county admin could place people in another county's roster. Volunteers no longer move
// themselves.
TEST_F(AuthorizationBatteryTest, AMintedVolunteerTokenDoesNotMoveItsVolunteerPastItsMaker) {
  ASSERT_EQ(Code(kRegionAdmin, "VolunteerService.UpdateVolunteer",
                 "volunteer { name: 'volunteers/$V' residence_region: 'regions/652302' } "
                 "update_mask { paths: 'residence_region' }"),
            kDenied);
  const zhiyuan::v1::CreateTokenResponse minted = MakeToken(
      "display_name: '张三' role: ROLE_VOLUNTEER volunteer: 'volunteers/$V'", kRegionAdmin);
  const grpc::Status moved =
      CallWith(minted.secret(), "VolunteerService.UpdateVolunteer",
               "volunteer { name: 'volunteers/$V' residence_region: 'regions/652302' } "
               "update_mask { paths: 'residence_region' }");
  EXPECT_EQ(moved.error_code(), kDenied)
      << "a token minted by the region admin of 临县 moved its volunteer to 阜康";
  zhiyuan::v1::ListVolunteersResponse fukang;
  ASSERT_TRUE(Call(kFukangAdmin, "VolunteerService.ListVolunteers", "", &fukang).ok());
  for (const zhiyuan::v1::Volunteer& volunteer : fukang.volunteers()) {
    EXPECT_NE(volunteer.volunteer_number(), names_["$V"]) << "V now lives in 阜康's roster";
  }
}

// ---------------------------------------------------------------------------------------------
// Revoked and expired tokens.

TEST_F(AuthorizationBatteryTest, ARevokedTokenIsRefusedEverywhereAtOnce) {
  const zhiyuan::v1::CreateTokenResponse spare =
      MakeToken("display_name: '备用二' role: ROLE_REPORTER region: 'regions/141124'");
  ASSERT_TRUE(CallWith(spare.secret(), "TokenService.GetToken", "name: 'tokens/self'").ok());
  // Revoked by the region admin it lies under.
  ASSERT_TRUE(Call(kRegionAdmin, "TokenService.RevokeToken",
                   absl::StrCat("name: '", spare.token().name(), "'"))
                  .ok());
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"TokenService.GetToken", "name: 'tokens/self'"},
           {"TokenService.RevokeToken", "name: 'tokens/self'"},
           {"TeamService.ListTeams", ""},
           {"RegionService.GetRegion", "name: 'regions/141124'"},
           {"ServerInfoService.GetServerInfo", ""},
       }) {
    EXPECT_EQ(CallWith(spare.secret(), method, request).error_code(), kUnauthenticated) << method;
  }
  // Revoked by itself.
  const zhiyuan::v1::CreateTokenResponse own =
      MakeToken("display_name: '自撤' role: ROLE_REGION_ADMIN region: 'regions/141124'");
  ASSERT_TRUE(CallWith(own.secret(), "TokenService.RevokeToken", "name: 'tokens/self'").ok());
  EXPECT_EQ(CallWith(own.secret(), "TokenService.CreateToken",
                     "token { display_name: 'x' role: ROLE_REPORTER region: 'regions/141124' }")
                .error_code(),
            kUnauthenticated);
  EXPECT_EQ(CallWith(own.secret(), "TokenService.ListTokens", "").error_code(), kUnauthenticated);
}

TEST_F(AuthorizationBatteryTest, ARevokedTokenIsRefusedAtOnceThroughACachingServer) {
  auto caching = StartServer(absl::Seconds(60));
  ASSERT_THAT(caching, IsOk());
  std::unique_ptr<grpc::GenericStub> stub = StubFor(**caching);
  const zhiyuan::v1::CreateTokenResponse spare =
      MakeToken("display_name: '备用三' role: ROLE_REPORTER region: 'regions/141124'");
  ASSERT_TRUE(CallWith(spare.secret(), "TeamService.ListTeams", "", nullptr, stub.get()).ok());
  ASSERT_TRUE(CallWith(secrets_[kRegionAdmin], "TokenService.RevokeToken",
                       absl::StrCat("name: '", spare.token().name(), "'"), nullptr, stub.get())
                  .ok());
  EXPECT_EQ(CallWith(spare.secret(), "TeamService.ListTeams", "", nullptr, stub.get()).error_code(),
            kUnauthenticated);
  (*caching)->Shutdown(absl::Seconds(1));
}

TEST_F(AuthorizationBatteryTest, AnExpiredTokenIsRefused) {
  const zhiyuan::v1::CreateTokenResponse old =
      MakeToken("display_name: '过期' role: ROLE_REGION_ADMIN region: 'regions/141124'");
  ASSERT_TRUE(CallWith(old.secret(), "TokenService.GetToken", "name: 'tokens/self'").ok());
  Sql(
      absl::StrCat("UPDATE api_tokens SET create_time = now() - interval '2 hours', "
                   "expire_time = now() - interval '1 hour' WHERE id = ",
                   IdOf(old.token().name())));
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"TokenService.GetToken", "name: 'tokens/self'"},
           {"TokenService.CreateToken",
            "token { display_name: 'x' role: ROLE_REPORTER region: 'regions/141124' }"},
           {"ServerInfoService.GetServerInfo", ""},
           {"AuditService.ListAuditEntries", ""},
       }) {
    EXPECT_EQ(CallWith(old.secret(), method, request).error_code(), kUnauthenticated) << method;
  }
}

// ---------------------------------------------------------------------------------------------
// Who sees and revokes which token.

TEST_F(AuthorizationBatteryTest, TokensOutOfReachReadAsNotExisting) {
  for (const char* name : {"$ADMIN", "$S2", "$FA", "$PROV", "tokens/0#S2", "tokens/00#ADMIN"}) {
    SCOPED_TRACE(name);
    const grpc::Status get =
        Call(kRegionAdmin, "TokenService.GetToken", absl::StrCat("name: '", name, "'"));
    EXPECT_EQ(get.error_code(), kNotFound);
    EXPECT_EQ(Code(kRegionAdmin, "TokenService.RevokeToken", absl::StrCat("name: '", name, "'")),
              kNotFound);
  }
  // The same answer, word for word, as for a token that does not exist.
  const grpc::Status someone = Call(kRegionAdmin, "TokenService.GetToken", "name: '$S2'");
  const grpc::Status nobody = Call(kRegionAdmin, "TokenService.GetToken", "name: 'tokens/999999'");
  EXPECT_EQ(absl::StrReplaceAll(someone.error_message(), {{names_["#S2"], "N"}}),
            absl::StrReplaceAll(nobody.error_message(), {{"999999", "N"}}));
  // A township admin reaches no token of the county around it.
  for (const char* name : {"$RA", "$REPORTER", "$LEADER", "$VT", "$KIOSK"}) {
    EXPECT_EQ(Code(kTownshipAdmin, "TokenService.GetToken", absl::StrCat("name: '", name, "'")),
              kNotFound)
        << name;
  }
  // Callers that are not region admins reach their own token only, not others of their region.
  for (const Caller caller : {kReporter, kTeamLeader, kVolunteer, kKiosk, kSubLeader}) {
    for (const char* name : {"$RA", "$REPORTER", "$LEADER", "$VT", "$KIOSK", "$SUBLEADER"}) {
      zhiyuan::v1::Token self;
      ASSERT_TRUE(Call(caller, "TokenService.GetToken", "name: 'tokens/self'", &self).ok());
      if (self.name() == names_[name]) continue;
      EXPECT_EQ(Code(caller, "TokenService.GetToken", absl::StrCat("name: '", name, "'")),
                kNotFound)
          << caller << " " << name;
      EXPECT_EQ(Code(caller, "TokenService.RevokeToken", absl::StrCat("name: '", name, "'")),
                kNotFound)
          << caller << " " << name;
    }
    EXPECT_EQ(Code(caller, "TokenService.ListTokens", ""), kDenied) << caller;
  }
  // Nothing was revoked.
  for (const Caller caller : {kAdmin, kRegionAdmin, kReporter, kTeamLeader, kVolunteer, kKiosk,
                              kTownshipAdmin, kSubLeader, kFukangAdmin}) {
    EXPECT_TRUE(Call(caller, "TokenService.GetToken", "name: 'tokens/self'").ok()) << caller;
  }
  EXPECT_EQ(Code(kRegionAdmin, "TokenService.GetToken", "name: 'tokens/SELF'"), kInvalid);
}

TEST_F(AuthorizationBatteryTest, TokenListsHoldTheRegionOnly) {
  for (const char* filters : {"", "show_inactive: true", "scope_region: 'regions/141124100'"}) {
    for (const std::string& region :
         ListRegions(kRegionAdmin, "TokenService.ListTokens", filters)) {
      EXPECT_THAT(region, StartsWith("regions/141124")) << filters;
    }
  }
  for (const std::string& region : ListRegions(kTownshipAdmin, "TokenService.ListTokens", "")) {
    EXPECT_THAT(region, StartsWith("regions/141124100"));
  }
  for (const char* region : {"regions/14", "regions/1411", "regions/652302"}) {
    EXPECT_EQ(
        Code(kRegionAdmin, "TokenService.ListTokens", absl::StrCat("scope_region: '", region, "'")),
        kDenied)
        << region;
  }
  EXPECT_EQ(Code(kTownshipAdmin, "TokenService.ListTokens", "scope_region: 'regions/141124'"),
            kDenied);
}

// ---------------------------------------------------------------------------------------------
// Name aliases.

TEST_F(AuthorizationBatteryTest, NameAliasesReachNothingMore) {
  // A leader may not delete its own team under another spelling of its name.
  EXPECT_EQ(Code(kTeamLeader, "TeamService.DeleteTeam", "name: 'teams/0#A' etag: '999'"), kDenied);
  EXPECT_EQ(Code(kTeamLeader, "TeamService.DeleteTeam", "name: 'teams/000#A'"), kDenied);
  EXPECT_EQ(Code(kSubLeader, "TeamService.DeleteTeam", "name: 'teams/0#A1' etag: '999'"), kDenied);
  EXPECT_EQ(Code(kSubLeader, "TeamService.GetTeam", "name: 'teams/0#A'"), kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "TeamService.GetTeam", "name: 'teams/0#F'"), kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "TeamService.UpdateTeam",
                 "team { name: 'teams/0#F' display_name: '改名' etag: '999' } "
                 "update_mask { paths: 'display_name' }"),
            kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "TeamService.GetTeamMember", "name: 'teams/0#F/members/$W'"),
            kNotFound);
  EXPECT_EQ(Code(kRegionAdmin, "TeamService.ListTeamMembers", "parent: 'teams/0#F'"), kDenied);
  EXPECT_EQ(Code(kTeamLeader, "TeamService.CreateTeamMember",
                 "parent: 'teams/0#F' volunteer: 'volunteers/$V'"),
            kDenied);
  EXPECT_EQ(Code(kKiosk, "PostService.GetPost", "name: 'posts/0#P2'"), kDenied);
  EXPECT_EQ(Code(kKiosk, "PracticeUnitService.GetPracticeUnit", "name: 'practiceUnits/00#U2'"),
            kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "PostService.UpdatePost",
                 "post { name: 'posts/0#P2' display_name: '改名' etag: '999' } "
                 "update_mask { paths: 'display_name' }"),
            kDenied);
  // The wildcard team names no team to read, and lists across teams for region admins only.
  EXPECT_NE(Code(kRegionAdmin, "TeamService.GetTeam", "name: 'teams/-'"), kOk);
  EXPECT_NE(Code(kRegionAdmin, "TeamService.GetTeamMember", "name: 'teams/-/members/$W'"), kOk);
  EXPECT_EQ(Code(kTeamLeader, "TeamService.ListTeamMembers",
                 "parent: 'teams/-' volunteer: 'volunteers/$V'"),
            kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "TeamService.ListTeamMembers",
                 "parent: 'teams/-' volunteer: 'volunteers/$W'"),
            kDenied);
  EXPECT_NE(Code(kRegionAdmin, "TeamService.ListTeamMembers", "parent: 'teams/-'"), kOk);
  EXPECT_NE(Code(kRegionAdmin, "TeamService.ListTeamMembers", "parent: 'teams/0'"), kOk);
  // A membership name with the volunteer of another team spliced in.
  EXPECT_NE(
      Code(kRegionAdmin, "TeamService.GetTeamMember", "name: '$A/members/x/../../$F/members/$W'"),
      kOk);
  // The leader is still A's, the team still there.
  zhiyuan::v1::Team a;
  ASSERT_TRUE(Call(kAdmin, "TeamService.GetTeam", "name: '$A'", &a).ok());
  EXPECT_FALSE(a.has_delete_time());
}

// ---------------------------------------------------------------------------------------------
// Update masks that would move an object, or change who it belongs to.

TEST_F(AuthorizationBatteryTest, UpdateMasksCannotMoveObjectsOrChangeTheirOwner) {
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"TeamService.UpdateTeam",
            "team { name: '$A' home_region: 'regions/652302' } update_mask { paths: "
            "'home_region' }"},
           {"TeamService.UpdateTeam",
            "team { name: '$A' home_region: 'regions/652302' } update_mask { paths: "
            "'homeRegion' }"},
           {"TeamService.UpdateTeam",
            "team { name: '$A1' parent: '$F' } update_mask { paths: 'parent' }"},
           {"TeamService.UpdateTeam", "team { name: '$A1' } update_mask { paths: 'name' }"},
           {"PostService.UpdatePost",
            "post { name: '$P' region: 'regions/652302' } update_mask { paths: 'region' }"},
           {"PracticeUnitService.UpdatePracticeUnit",
            "practice_unit { name: '$U' region: 'regions/652302' } update_mask { paths: "
            "'region' }"},
           {"PracticeUnitService.UpdatePracticeUnit",
            "practice_unit { name: '$U' parent: '$U2' } update_mask { paths: 'parent' }"},
           {"PracticeUnitService.UpdatePracticeUnit",
            "practice_unit { name: '$U' kind: PRACTICE_UNIT_KIND_POINT } update_mask { paths: "
            "'kind' }"},
           {"ProgramService.UpdateProgram",
            "program { name: '$G' owner: 'regions/652302' } update_mask { paths: 'owner' }"},
           {"ProgramService.UpdateProgram",
            "program { name: '$G' region: 'regions/652302' } update_mask { paths: 'region' }"},
           {"TeamService.UpdateTeamMember",
            "team_member { name: '$A/members/$V' volunteer: 'volunteers/$W' } "
            "update_mask { paths: 'volunteer' }"},
           {"TeamService.UpdateTeamMember",
            "team_member { name: '$A/members/$V' role: TEAM_MEMBER_ROLE_ADMIN } "
            "update_mask { paths: 'role' paths: 'name' }"},
           {"VolunteerService.UpdateVolunteer",
            "volunteer { name: 'volunteers/$V' volunteer_number: '$W' } "
            "update_mask { paths: 'volunteer_number' }"},
           {"VolunteerService.UpdateVolunteer",
            "volunteer { name: 'volunteers/$V' id_number: '$W_ID' } "
            "update_mask { paths: 'id_number' }"},
           {"RegionService.UpdateRegion",
            "region { name: 'regions/141124' } update_mask { paths: 'name' }"},
       }) {
    EXPECT_EQ(Code(kRegionAdmin, method, request), kInvalid) << method << ": " << request;
  }
  // Fields that may change, but not to something out of reach.
  EXPECT_EQ(Code(kRegionAdmin, "VolunteerService.UpdateVolunteer",
                 "volunteer { name: 'volunteers/$V' residence_region: 'regions/652302' } "
                 "update_mask { paths: 'residence_region' }"),
            kDenied);
  EXPECT_EQ(Code(kTownshipAdmin, "VolunteerService.UpdateVolunteer",
                 "volunteer { name: 'volunteers/$V' residence_region: 'regions/141124100' } "
                 "update_mask { paths: 'residence_region' }"),
            kNotFound);
  EXPECT_EQ(Code(kRegionAdmin, "PostService.UpdatePost",
                 "post { name: '$P' duty_team: '$F' } update_mask { paths: 'duty_team' }"),
            kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "TeamService.UpdateTeam",
                 "team { name: '$A' practice_unit: '$U2' } update_mask { paths: 'practice_unit' }"),
            kDenied);
  EXPECT_EQ(Code(kTeamLeader, "TeamService.UpdateTeam",
                 "team { name: '$A' practice_unit: '$U' } update_mask { paths: 'practice_unit' }"),
            kDenied);
  EXPECT_EQ(Code(kVolunteer, "VolunteerService.UpdateVolunteer",
                 "volunteer { name: 'volunteers/$V' display_name: '张三' "
                 "status: VOLUNTEER_STATUS_ACTIVE } "
                 "update_mask { paths: 'display_name' paths: 'status' }"),
            kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "RegionService.UpdateRegion",
                 "region { name: 'regions/1411' population: 1 population_year: 2023 } "
                 "update_mask { paths: 'population' paths: 'population_year' }"),
            kDenied);
  EXPECT_EQ(Code(kTownshipAdmin, "RegionService.UpdateRegion",
                 "region { name: 'regions/141124' population: 1 population_year: 2023 } "
                 "update_mask { paths: 'population' paths: 'population_year' }"),
            kDenied);
  // Nothing moved.
  zhiyuan::v1::Team a, a1;
  ASSERT_TRUE(Call(kAdmin, "TeamService.GetTeam", "name: '$A'", &a).ok());
  ASSERT_TRUE(Call(kAdmin, "TeamService.GetTeam", "name: '$A1'", &a1).ok());
  EXPECT_EQ(a.home_region(), "regions/141124");
  EXPECT_EQ(a.practice_unit(), "");
  EXPECT_EQ(a1.parent(), names_["$A"]);
  zhiyuan::v1::Post p;
  ASSERT_TRUE(Call(kAdmin, "PostService.GetPost", "name: '$P'", &p).ok());
  EXPECT_EQ(p.region(), "regions/141124");
  EXPECT_EQ(p.duty_team(), "");
  zhiyuan::v1::Volunteer v;
  ASSERT_TRUE(Call(kAdmin, "VolunteerService.GetVolunteer", "name: 'volunteers/$V'", &v).ok());
  EXPECT_EQ(v.residence_region(), "regions/141124");
}

// ---------------------------------------------------------------------------------------------
// References to objects out of reach.

TEST_F(AuthorizationBatteryTest, CreatesReferToNothingOutOfReach) {
  struct Attack {
    Caller caller;
    const char* method;
    const char* request;
  };
  for (const Attack& attack : std::vector<Attack>{
           {kRegionAdmin, "PracticeUnitService.CreatePracticeUnit",
            "practice_unit { display_name: '实践所' kind: PRACTICE_UNIT_KIND_INSTITUTE region: "
            "'regions/141124100' parent: '$U2' }"},
           {kRegionAdmin, "PostService.CreatePost",
            "post { display_name: '岗' host_organization: '宾馆' host_kind: POST_HOST_KIND_HOTEL "
            "region: 'regions/141124' duty_team: '$F' }"},
           {kRegionAdmin, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/141124' parent: '$F' }"},
           {kRegionAdmin, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/652302' parent: '$A' }"},
           {kRegionAdmin, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/141124' practice_unit: '$U2' }"},
           {kRegionAdmin, "ProgramService.CreateProgram",
            "program { display_name: '项目' category: SERVICE_CATEGORY_THEORY_OUTREACH owner: "
            "'$U2' start_date: '2024-01-01' }"},
           {kRegionAdmin, "ProgramService.CreateProgram",
            "program { display_name: '项目' category: SERVICE_CATEGORY_THEORY_OUTREACH owner: "
            "'$F' start_date: '2024-01-01' }"},
           {kRegionAdmin, "ProgramService.CreateProgram",
            "program { display_name: '项目' category: SERVICE_CATEGORY_THEORY_OUTREACH owner: "
            "'regions/14' start_date: '2024-01-01' }"},
           {kTeamLeader, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/652302' parent: '$F' }"},
           {kTeamLeader, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/141124' }"},
           {kTeamLeader, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/141124' parent: '$A' "
            "practice_unit: '$U' }"},
           {kSubLeader, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/141124' parent: '$A' }"},
           {kSubLeader, "TeamService.CreateTeamMember", "parent: '$A' volunteer: 'volunteers/$W'"},
           {kTownshipAdmin, "TeamService.CreateTeam",
            "team { display_name: '队' home_region: 'regions/141124100' parent: '$A' }"},
           {kTownshipAdmin, "PracticeUnitService.CreatePracticeUnit",
            "practice_unit { display_name: '实践所' kind: PRACTICE_UNIT_KIND_INSTITUTE region: "
            "'regions/141124100' parent: '$U' }"},
           {kTownshipAdmin, "PostService.CreatePost",
            "post { display_name: '岗' host_organization: '宾馆' host_kind: POST_HOST_KIND_HOTEL "
            "region: 'regions/141124' }"},
           {kTownshipAdmin, "ProgramService.CreateProgram",
            "program { display_name: '项目' category: SERVICE_CATEGORY_THEORY_OUTREACH owner: "
            "'$A' start_date: '2024-01-01' }"},
           {kTownshipAdmin, "VolunteerService.CreateVolunteer",
            "volunteer { display_name: '赵六' birth_date: '1993-03-03' residence_region: "
            "'regions/141124' id_number: '$NEW_ID' }"},
       }) {
    EXPECT_EQ(Code(attack.caller, attack.method, attack.request), kDenied)
        << attack.caller << " " << attack.method << ": " << attack.request;
  }
  // A leader's sub-team lies within its parent's region (the store refuses the rest).
  EXPECT_NE(Code(kTeamLeader, "TeamService.CreateTeam",
                 "team { display_name: '队' home_region: 'regions/652302' parent: '$A' }"),
            kOk);
  // Nothing was made under 阜康's objects, nor by the township admin in the county.
  zhiyuan::v1::ListTeamsResponse under_f;
  ASSERT_TRUE(Call(kAdmin, "TeamService.ListTeams", "parent: '$F'", &under_f).ok());
  EXPECT_EQ(under_f.total_size(), 0);
  zhiyuan::v1::ListTeamsResponse all;
  ASSERT_TRUE(Call(kAdmin, "TeamService.ListTeams", "", &all).ok());
  EXPECT_EQ(all.total_size(), 3);
}

// ---------------------------------------------------------------------------------------------
// List filters and page tokens.

TEST_F(AuthorizationBatteryTest, ListFiltersNeverReachPastTheRegion) {
  Make("ProgramService.CreateProgram",
       "program { display_name: '阜康队项目' category: SERVICE_CATEGORY_THEORY_OUTREACH owner: "
       "'$F' start_date: '2024-01-01' }");
  Make("ProgramService.CreateProgram",
       "program { display_name: '阜康中心项目' category: SERVICE_CATEGORY_THEORY_OUTREACH owner: "
       "'$U2' start_date: '2024-01-01' }");
  struct Filter {
    const char* method;
    const char* filters;
  };
  for (const Filter& filter : std::vector<Filter>{
           {"PracticeUnitService.ListPracticeUnits", "parent: '$U2'"},
           {"PracticeUnitService.ListPracticeUnits", "parent: '$U2' show_deleted: true"},
           {"PostService.ListPosts", "duty_team: '$F'"},
           {"PostService.ListPosts", "duty_team: '$F' show_deleted: true"},
           {"ProgramService.ListPrograms", "owner: '$F'"},
           {"ProgramService.ListPrograms", "owner: '$U2'"},
           {"ProgramService.ListPrograms", "owner: 'regions/652302'"},
           {"TeamService.ListTeams", "parent: '$F' show_deleted: true"},
           {"AuditService.ListAuditEntries", "resource: '$F'"},
           {"AuditService.ListAuditEntries", "resource: 'volunteers/$W'"},
           {"AuditService.ListAuditEntries", "resource: '$F/members/$W'"},
       }) {
    for (const Caller caller : {kRegionAdmin, kReporter}) {
      if (caller == kReporter && absl::StartsWith(filter.method, "Audit")) continue;
      const std::vector<std::string> regions = ListRegions(caller, filter.method, filter.filters);
      EXPECT_TRUE(regions.empty()) << caller << " " << filter.method << " " << filter.filters
                                   << ": " << regions.size() << " items";
    }
  }
  // Wider or other regions are refused outright.
  for (const auto& [method, field] : std::vector<std::pair<std::string, std::string>>{
           {"PracticeUnitService.ListPracticeUnits", "region"},
           {"PostService.ListPosts", "region"},
           {"ProgramService.ListPrograms", "region"},
           {"TeamService.ListTeams", "home_region"},
           {"VolunteerService.ListVolunteers", "residence_region"},
           {"AuditService.ListAuditEntries", "region"},
           {"TokenService.ListTokens", "scope_region"},
       }) {
    for (const char* region : {"regions/14", "regions/1411", "regions/65", "regions/652302"}) {
      EXPECT_EQ(Code(kRegionAdmin, method, absl::StrCat(field, ": '", region, "'")), kDenied)
          << method << " " << region;
    }
    EXPECT_EQ(Code(kTownshipAdmin, method, absl::StrCat(field, ": 'regions/141124'")), kDenied)
        << method;
  }
  // A township admin's unfiltered lists hold its township only.
  for (const char* method :
       {"PracticeUnitService.ListPracticeUnits", "PostService.ListPosts",
        "ProgramService.ListPrograms", "TeamService.ListTeams", "VolunteerService.ListVolunteers",
        "AuditService.ListAuditEntries", "TokenService.ListTokens"}) {
    for (const std::string& region : ListRegions(kTownshipAdmin, method, "")) {
      EXPECT_THAT(region, StartsWith("regions/141124100")) << method;
    }
  }
  // Team leaders list under their own team only, whatever the region filter.
  for (const std::string& region :
       ListRegions(kTeamLeader, "TeamService.ListTeams", "home_region: 'regions/652302'")) {
    EXPECT_THAT(region, StartsWith("regions/141124"));
  }
  EXPECT_EQ(Code(kTeamLeader, "TeamService.ListTeams", "parent: '$F'"), kDenied);
  EXPECT_EQ(Code(kSubLeader, "TeamService.ListTeams", "parent: '$A'"), kDenied);
  // A reporter never sees who leads a team, in a list either.
  zhiyuan::v1::ListTeamsResponse teams;
  ASSERT_TRUE(Call(kReporter, "TeamService.ListTeams", "", &teams).ok());
  ASSERT_GT(teams.teams_size(), 0);
  for (const zhiyuan::v1::Team& team : teams.teams()) EXPECT_EQ(team.leader(), "") << team.name();
}

TEST_F(AuthorizationBatteryTest, APageTokenCarriesNoScope) {
  // Mark the audit log with entries of 阜康 and of no region.
  Make("ProgramService.UpdateProgram",
       "program { name: '$G2' description: '每周二' } update_mask { paths: 'description' }",
       kFukangAdmin);
  Make("VolunteerService.RevealVolunteerIdentity", "name: 'volunteers/$W'");
  MakeToken("display_name: '管理员二' role: ROLE_SYSTEM_ADMIN");
  for (const char* method :
       {"PracticeUnitService.ListPracticeUnits", "PostService.ListPosts",
        "ProgramService.ListPrograms", "TeamService.ListTeams", "VolunteerService.ListVolunteers",
        "AuditService.ListAuditEntries", "TokenService.ListTokens"}) {
    SCOPED_TRACE(method);
    // The system admin's first page of everything; its token, continued by the region admin.
    const std::string token = AdminPageToken(method);
    ASSERT_FALSE(token.empty());
    for (const std::string& region : ListRegions(kRegionAdmin, method, "", token, 1)) {
      EXPECT_THAT(region, StartsWith("regions/141124"));
    }
    // A token that says it is for another query is refused.
    EXPECT_EQ(Code(kRegionAdmin, method,
                   absl::StrCat("page_token: '", std::string("bm90IGEgdG9rZW4"), "'")),
              kInvalid);
  }
}

// ---------------------------------------------------------------------------------------------
// request_id replays.

TEST_F(AuthorizationBatteryTest, ARequestIdUsedOutOfReachReturnsNothingOfIt) {
  Make("PracticeUnitService.CreatePracticeUnit",
       "request_id: 'aaaaaaaa-0000-4000-8000-000000000001' practice_unit { display_name: "
       "'阜康实践点' kind: PRACTICE_UNIT_KIND_POINT region: 'regions/652302' parent: '$U2' }");
  Make("PostService.CreatePost",
       "request_id: 'aaaaaaaa-0000-4000-8000-000000000002' post { display_name: '阜康宾馆岗' "
       "host_organization: '阜康宾馆' host_kind: POST_HOST_KIND_HOTEL region: 'regions/652302' }");
  Make("ProgramService.CreateProgram",
       "request_id: 'aaaaaaaa-0000-4000-8000-000000000003' program { display_name: '阜康讲堂' "
       "category: SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/652302' "
       "start_date: '2024-01-01' }");
  Make("VolunteerService.CreateVolunteer",
       "request_id: 'aaaaaaaa-0000-4000-8000-000000000004' volunteer { display_name: '阿依古丽' "
       "birth_date: '1992-02-02' residence_region: 'regions/652302' id_number: '" +
           IdNumber("65230219920202002") + "' }");
  // In 临县, but not under A: made by the county.
  Make("TeamService.CreateTeam",
       "request_id: 'aaaaaaaa-0000-4000-8000-000000000005' team { display_name: '临县直属队' "
       "home_region: 'regions/141124' }",
       kRegionAdmin);
  Make("PostService.CreatePost",
       "request_id: 'aaaaaaaa-0000-4000-8000-000000000006' post { display_name: '临县宾馆岗' "
       "host_organization: '临县宾馆' host_kind: POST_HOST_KIND_HOTEL region: 'regions/141124' }",
       kRegionAdmin);
  Make(
      "TeamService.CreateTeamMember",
      "request_id: 'aaaaaaaa-0000-4000-8000-000000000007' parent: '$F' volunteer: 'volunteers/$V'");

  struct Replay {
    Caller caller;
    const char* method;
    const char* request;
  };
  for (const Replay& replay : std::vector<Replay>{
           {kRegionAdmin, "PracticeUnitService.CreatePracticeUnit",
            "request_id: 'aaaaaaaa-0000-4000-8000-000000000001' practice_unit { display_name: "
            "'临县实践点' kind: PRACTICE_UNIT_KIND_POINT region: 'regions/141124' parent: '$U' }"},
           {kRegionAdmin, "PostService.CreatePost",
            "request_id: 'AAAAAAAA-0000-4000-8000-000000000002' post { display_name: '临县岗' "
            "host_organization: '临县' host_kind: POST_HOST_KIND_HOTEL region: 'regions/141124' }"},
           {kRegionAdmin, "ProgramService.CreateProgram",
            "request_id: 'aaaaaaaa-0000-4000-8000-000000000003' program { display_name: '临县讲堂' "
            "category: SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/141124' "
            "start_date: '2024-01-01' }"},
           {kRegionAdmin, "VolunteerService.CreateVolunteer",
            "request_id: 'aaaaaaaa-0000-4000-8000-000000000004' volunteer { display_name: '赵六' "
            "birth_date: '1993-03-03' residence_region: 'regions/141124' id_number: "
            "'$NEW_ID' }"},
           {kTeamLeader, "TeamService.CreateTeam",
            "request_id: 'aaaaaaaa-0000-4000-8000-000000000005' team { display_name: '小队' "
            "home_region: 'regions/141124' parent: '$A' }"},
           {kTownshipAdmin, "PostService.CreatePost",
            "request_id: 'aaaaaaaa-0000-4000-8000-000000000006' post { display_name: '镇岗' "
            "host_organization: '镇' host_kind: POST_HOST_KIND_HOTEL region: "
            "'regions/141124100' }"},
           {kRegionAdmin, "TeamService.CreateTeamMember",
            "request_id: 'aaaaaaaa-0000-4000-8000-000000000007' parent: '$A' "
            "volunteer: 'volunteers/$V'"},
       }) {
    SCOPED_TRACE(absl::StrCat(replay.method, " ", replay.request));
    std::unique_ptr<Message> reply = NewReply(replay.method);
    const grpc::Status status = Call(replay.caller, replay.method, replay.request, reply.get());
    EXPECT_EQ(status.error_code(), kExists) << status.error_message();
    EXPECT_EQ(reply->ByteSizeLong(), 0u) << reply->DebugString();
    for (const char* leak : {"阜康", "652302", "临县直属队", "临县宾馆"}) {
      EXPECT_THAT(status.error_message(), Not(HasSubstr(leak)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Deleted objects.

TEST_F(AuthorizationBatteryTest, DeletedObjectsStayOutOfReach) {
  Make("PostService.DeletePost", "name: '$P2'");
  Make("ProgramService.DeleteProgram", "name: '$G2'");
  Make("VolunteerService.DeleteVolunteer", "name: 'volunteers/$W'");
  EXPECT_EQ(Code(kRegionAdmin, "PostService.GetPost", "name: '$P2'"), kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "ProgramService.GetProgram", "name: '$G2'"), kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "VolunteerService.GetVolunteer", "name: 'volunteers/$W'"),
            kNotFound);
  EXPECT_EQ(Code(kRegionAdmin, "PostService.DeletePost", "name: '$P2'"), kDenied);
  EXPECT_EQ(Code(kRegionAdmin, "VolunteerService.DeleteVolunteer", "name: 'volunteers/$W'"),
            kNotFound);
  for (const char* method : {"PostService.ListPosts", "ProgramService.ListPrograms",
                             "VolunteerService.ListVolunteers"}) {
    for (const std::string& region : ListRegions(kRegionAdmin, method, "show_deleted: true")) {
      EXPECT_THAT(region, StartsWith("regions/141124")) << method;
    }
  }
  // A deleted team of its own subtree gives a leader nothing new to hold.
  const std::string team =
      Make("TeamService.CreateTeam",
           "team { display_name: '临时队' home_region: 'regions/141124' parent: '$A' }");
  Make("TeamService.DeleteTeam", absl::StrCat("name: '", team, "'"));
  EXPECT_NE(Code(kTeamLeader, "TeamService.CreateTeamMember",
                 absl::StrCat("parent: '", team, "' volunteer: 'volunteers/$V'")),
            kOk);
  EXPECT_NE(Code(kTeamLeader, "TeamService.CreateTeam",
                 absl::StrCat("team { display_name: '子队' home_region: 'regions/141124' parent: '",
                              team, "' }")),
            kOk);
}

// ---------------------------------------------------------------------------------------------
// Personal data in answers.

TEST_F(AuthorizationBatteryTest, AnswersDoNotTellAnOutOfReachPersonFromNobody) {
  struct Probe {
    Caller caller;
    const char* method;
    const char* request;  // $WHO: the person asked about.
  };
  for (const Probe& probe : std::vector<Probe>{
           {kRegionAdmin, "VolunteerService.GetVolunteer", "name: 'volunteers/$WHO'"},
           {kRegionAdmin, "VolunteerService.UpdateVolunteer",
            "volunteer { name: 'volunteers/$WHO' display_name: '改名' } "
            "update_mask { paths: 'display_name' }"},
           {kRegionAdmin, "VolunteerService.UpdateVolunteer",
            "volunteer { name: 'volunteers/$WHO' residence_region: 'regions/141124' } "
            "update_mask { paths: 'residence_region' }"},
           {kRegionAdmin, "VolunteerService.DeleteVolunteer", "name: 'volunteers/$WHO'"},
           {kRegionAdmin, "TeamService.GetTeamMember", "name: '$F/members/$WHO'"},
           {kRegionAdmin, "TeamService.GetTeamMember", "name: '$A/members/$WHO'"},
           {kRegionAdmin, "TeamService.ListTeamMembers",
            "parent: 'teams/-' volunteer: 'volunteers/$WHO'"},
           {kRegionAdmin, "TeamService.UpdateTeamMember",
            "team_member { name: '$F/members/$WHO' role: TEAM_MEMBER_ROLE_ADMIN } "
            "update_mask { paths: 'role' }"},
           {kRegionAdmin, "TeamService.DeleteTeamMember", "name: '$F/members/$WHO'"},
           {kTeamLeader, "TeamService.GetTeamMember", "name: '$F/members/$WHO'"},
           {kTeamLeader, "TeamService.ListTeamMembers",
            "parent: 'teams/-' volunteer: 'volunteers/$WHO'"},
           {kVolunteer, "VolunteerService.GetVolunteer", "name: 'volunteers/$WHO'"},
           {kVolunteer, "TeamService.GetTeamMember", "name: '$F/members/$WHO'"},
           {kVolunteer, "TeamService.ListTeamMembers",
            "parent: 'teams/-' volunteer: 'volunteers/$WHO'"},
           {kVolunteer, "TeamService.DeleteTeamMember", "name: '$F/members/$WHO'"},
           {kTownshipAdmin, "VolunteerService.GetVolunteer", "name: 'volunteers/$WHO'"},
           {kReporter, "VolunteerService.GetVolunteer", "name: 'volunteers/$WHO'"},
           {kKiosk, "VolunteerService.GetVolunteer", "name: 'volunteers/$WHO'"},
       }) {
    SCOPED_TRACE(absl::StrCat(probe.caller, " ", probe.method, " ", probe.request));
    const std::string who = probe.caller == kTownshipAdmin ? "$V" : "$W";
    names_["$WHO"] = names_[who];
    const grpc::Status someone = Call(probe.caller, probe.method, probe.request);
    names_["$WHO"] = names_["$NOBODY"];
    const grpc::Status nobody = Call(probe.caller, probe.method, probe.request);
    EXPECT_NE(someone.error_code(), kOk);
    EXPECT_EQ(someone.error_code(), nobody.error_code())
        << someone.error_message() << " | " << nobody.error_message();
    EXPECT_EQ(absl::StrReplaceAll(someone.error_message(), {{names_[who], "N"}}),
              absl::StrReplaceAll(nobody.error_message(), {{names_["$NOBODY"], "N"}}));
  }
}

TEST_F(AuthorizationBatteryTest, RegisteringAnIdNumberOutOfReachNamesNoOne) {
  const grpc::Status status =
      Call(kRegionAdmin, "VolunteerService.CreateVolunteer",
           "volunteer { display_name: '李四' birth_date: '1990-01-01' residence_region: "
           "'regions/141124' id_number: '$W_ID' }");
  EXPECT_EQ(status.error_code(), kExists);
  for (const std::string& leak : {names_["$W"], names_["$W_ID"], std::string("652302"),
                                  std::string("阜康"), std::string("李四")}) {
    EXPECT_THAT(status.error_message(), Not(HasSubstr(leak)));
  }
  // A township admin is not told which of the county's residents holds the number.
  const grpc::Status township =
      Call(kTownshipAdmin, "VolunteerService.CreateVolunteer",
           "volunteer { display_name: '张三' birth_date: '1985-11-22' residence_region: "
           "'regions/141124100' id_number: '$V_ID' }");
  EXPECT_EQ(township.error_code(), kExists);
  EXPECT_THAT(township.error_message(), Not(HasSubstr(names_["$V"])));
}

TEST_F(AuthorizationBatteryTest, NoAnswerCarriesAnIdOrPhoneNumber) {
  const std::vector<std::string> secrets = {names_["$V_ID"], names_["$W_ID"], "13912345678",
                                            "13712345678"};
  const auto clean = [&](const Message& reply, const std::string& what) {
    for (const std::string& secret : secrets) {
      EXPECT_THAT(reply.DebugString(), Not(HasSubstr(secret))) << what;
    }
  };
  zhiyuan::v1::Volunteer volunteer;
  ASSERT_TRUE(
      Call(kRegionAdmin, "VolunteerService.GetVolunteer", "name: 'volunteers/$V'", &volunteer)
          .ok());
  clean(volunteer, "GetVolunteer, region admin");
  ASSERT_TRUE(
      Call(kVolunteer, "VolunteerService.GetVolunteer", "name: 'volunteers/$V'", &volunteer).ok());
  clean(volunteer, "GetVolunteer, the volunteer itself");
  ASSERT_TRUE(Call(kVolunteer, "VolunteerService.UpdateVolunteer",
                   "volunteer { name: 'volunteers/$V' phone: '13912345678' } "
                   "update_mask { paths: 'phone' }",
                   &volunteer)
                  .ok());
  clean(volunteer, "UpdateVolunteer, the volunteer itself");
  zhiyuan::v1::ListVolunteersResponse list;
  ASSERT_TRUE(
      Call(kRegionAdmin, "VolunteerService.ListVolunteers", "show_deleted: true", &list).ok());
  clean(list, "ListVolunteers");
  // Errors do not echo the numbers either.
  for (const auto& [caller, request] : std::vector<std::pair<Caller, std::string>>{
           {kRegionAdmin,
            "volunteer { display_name: '张三' birth_date: '1985-11-23' residence_region: "
            "'regions/141124' id_number: '$V_ID' phone: '13912345678' }"},
           {kRegionAdmin,
            "volunteer { display_name: '张三' birth_date: '1985-11-22' residence_region: "
            "'regions/141124' id_number: '$V_ID' phone: '1391234567' }"},
           {kRegionAdmin,
            "volunteer { display_name: '李四' birth_date: '1990-01-01' residence_region: "
            "'regions/652302' id_number: '$W_ID' phone: '13712345678' }"},
       }) {
    const grpc::Status status = Call(caller, "VolunteerService.CreateVolunteer", request);
    EXPECT_NE(status.error_code(), kOk);
    for (const std::string& secret : secrets) {
      EXPECT_THAT(status.error_message(), Not(HasSubstr(secret)));
    }
  }
  // Revealing is a system admin's alone, even for the volunteer's own numbers.
  for (const Caller caller : {kRegionAdmin, kVolunteer, kTownshipAdmin, kTeamLeader}) {
    const grpc::Status status =
        Call(caller, "VolunteerService.RevealVolunteerIdentity", "name: 'volunteers/$V'");
    EXPECT_EQ(status.error_code(), kDenied) << caller;
    for (const std::string& secret : secrets) {
      EXPECT_THAT(status.error_message(), Not(HasSubstr(secret)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Team leaders and volunteers.

TEST_F(AuthorizationBatteryTest, ASubTeamLeaderReachesNothingAboveItsTeam) {
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"TeamService.GetTeam", "name: '$A'"},
           {"TeamService.GetTeam", "name: '$F'"},
           {"TeamService.UpdateTeam",
            "team { name: '$A' display_name: '改名' etag: '999' } update_mask { paths: "
            "'display_name' }"},
           {"TeamService.DeleteTeam", "name: '$A1' etag: '999'"},
           {"TeamService.DeleteTeam", "name: '$A' etag: '999'"},
           {"TeamService.ListTeams", "parent: '$A'"},
           {"TeamService.ListTeamMembers", "parent: '$A'"},
           {"TeamService.ListTeamMembers", "parent: '$A' volunteer: 'volunteers/$V'"},
           {"TeamService.CreateTeamMember", "parent: '$A' volunteer: 'volunteers/$V'"},
           {"TeamService.UpdateTeamMember",
            "team_member { name: '$A/members/$V' role: TEAM_MEMBER_ROLE_ADMIN etag: '999' } "
            "update_mask { paths: 'role' }"},
           {"TeamService.DeleteTeamMember", "name: '$A/members/$V' etag: '999'"},
           {"VolunteerService.GetVolunteer", "name: 'volunteers/$V'"},
           {"PracticeUnitService.GetPracticeUnit", "name: '$U'"},
           {"PostService.GetPost", "name: '$P'"},
           {"AuditService.ListAuditEntries", ""},
       }) {
    const grpc::StatusCode code = Code(kSubLeader, method, request);
    EXPECT_TRUE(code == kDenied || code == kNotFound) << method << " " << request << ": " << code;
  }
  EXPECT_EQ(Code(kSubLeader, "TeamService.GetTeamMember", "name: '$A/members/$V'"), kNotFound);
  // The leader of A may not delete A, nor reach 阜康.
  EXPECT_EQ(Code(kTeamLeader, "TeamService.DeleteTeam", "name: '$A' etag: '999'"), kDenied);
  EXPECT_EQ(Code(kTeamLeader, "TeamService.GetTeamMember", "name: '$F/members/$W'"), kNotFound);
  EXPECT_EQ(Code(kTeamLeader, "TeamService.DeleteTeamMember", "name: '$F/members/$W' etag: '999'"),
            kDenied);
  EXPECT_EQ(Code(kTeamLeader, "VolunteerService.GetVolunteer", "name: 'volunteers/$V'"), kDenied);
}

TEST_F(AuthorizationBatteryTest, AVolunteerReachesItselfOnly) {
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"VolunteerService.GetVolunteer", "name: 'volunteers/$W'"},
           {"VolunteerService.UpdateVolunteer",
            "volunteer { name: 'volunteers/$W' display_name: '改名' etag: '999' } "
            "update_mask { paths: 'display_name' }"},
           {"VolunteerService.ListVolunteers", ""},
           {"VolunteerService.DeleteVolunteer", "name: 'volunteers/$V' etag: '999'"},
           {"TeamService.ListTeamMembers", "parent: '$F'"},
           {"TeamService.ListTeamMembers", "parent: '$A'"},
           {"TeamService.ListTeamMembers", "parent: '$F' volunteer: 'volunteers/$W'"},
           {"TeamService.ListTeamMembers", "parent: 'teams/-' volunteer: 'volunteers/$W'"},
           {"TeamService.GetTeamMember", "name: '$F/members/$W'"},
           {"TeamService.DeleteTeamMember", "name: '$F/members/$W' etag: '999'"},
           {"TeamService.CreateTeamMember", "parent: '$F' volunteer: 'volunteers/$V'"},
           {"TeamService.UpdateTeamMember",
            "team_member { name: '$A/members/$V' role: TEAM_MEMBER_ROLE_LEADER etag: '999' } "
            "update_mask { paths: 'role' }"},
           {"TeamService.GetTeam", "name: '$A'"},
           {"TokenService.ListTokens", ""},
           {"AuditService.ListAuditEntries", "resource: 'volunteers/$V'"},
       }) {
    const grpc::StatusCode code = Code(kVolunteer, method, request);
    EXPECT_TRUE(code == kDenied || code == kNotFound) << method << " " << request << ": " << code;
  }
  // What it reads of its memberships is its own.
  zhiyuan::v1::ListTeamMembersResponse own;
  ASSERT_TRUE(Call(kVolunteer, "TeamService.ListTeamMembers",
                   "parent: 'teams/-' volunteer: 'volunteers/$V'", &own)
                  .ok());
  for (const zhiyuan::v1::TeamMember& member : own.team_members()) {
    EXPECT_EQ(member.volunteer(), absl::StrCat("volunteers/", names_["$V"]));
  }
}

TEST_F(AuthorizationBatteryTest, ATownshipAdminReachesNothingOfTheCountyAroundIt) {
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"TeamService.GetTeam", "name: '$A'"},
           {"TeamService.UpdateTeam",
            "team { name: '$A' display_name: '改名' etag: '999' } update_mask { paths: "
            "'display_name' }"},
           {"TeamService.ListTeamMembers", "parent: '$A'"},
           {"TeamService.CreateTeamMember", "parent: '$A' volunteer: 'volunteers/$V'"},
           {"TeamService.ListTeamMembers", "parent: 'teams/-' volunteer: 'volunteers/$V'"},
           {"PostService.GetPost", "name: '$P'"},
           {"PracticeUnitService.GetPracticeUnit", "name: '$U'"},
           {"ProgramService.GetProgram", "name: '$G'"},
           {"ProgramService.DeleteProgram", "name: '$G' etag: '999'"},
           {"RegionService.UpdateRegion",
            "region { name: 'regions/141124' population: 1 population_year: 2023 } "
            "update_mask { paths: 'population' paths: 'population_year' }"},
       }) {
    EXPECT_EQ(Code(kTownshipAdmin, method, request), kDenied) << method << " " << request;
  }
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"VolunteerService.GetVolunteer", "name: 'volunteers/$V'"},
           {"VolunteerService.DeleteVolunteer", "name: 'volunteers/$V' etag: '999'"},
           {"TeamService.GetTeamMember", "name: '$A/members/$V'"},
           {"TokenService.RevokeToken", "name: '$RA'"},
       }) {
    EXPECT_EQ(Code(kTownshipAdmin, method, request), kNotFound) << method << " " << request;
  }
}

TEST_F(AuthorizationBatteryTest, AKioskReadsItsOwnPostAndUnitOnly) {
  const std::string child =
      Make("PracticeUnitService.CreatePracticeUnit",
           "practice_unit { display_name: '临泉镇实践所' kind: PRACTICE_UNIT_KIND_INSTITUTE "
           "region: 'regions/141124100' parent: '$U' }");
  const std::string sibling =
      Make("PostService.CreatePost",
           "post { display_name: '临县医院服务岗' host_organization: '临县医院' "
           "host_kind: POST_HOST_KIND_OTHER region: 'regions/141124' }");
  for (const auto& [method, request] : std::vector<std::pair<std::string, std::string>>{
           {"PracticeUnitService.GetPracticeUnit", absl::StrCat("name: '", child, "'")},
           {"PostService.GetPost", absl::StrCat("name: '", sibling, "'")},
           {"PostService.GetPost", "name: '$P2'"},
           {"PostService.ListPosts", ""},
           {"PracticeUnitService.ListPracticeUnits", "parent: '$U'"},
           {"PostService.UpdatePost",
            "post { name: '$P' display_name: '改名' etag: '999' } update_mask { paths: "
            "'display_name' }"},
           {"TeamService.GetTeam", "name: '$A'"},
           {"ProgramService.GetProgram", "name: '$G'"},
           {"ProgramService.ListPrograms", ""},
           {"TokenService.ListTokens", ""},
       }) {
    EXPECT_EQ(Code(kKiosk, method, request), kDenied) << method << " " << request;
  }
  EXPECT_TRUE(Call(kKiosk, "PostService.GetPost", "name: '$P'").ok());
  EXPECT_TRUE(Call(kKiosk, "PracticeUnitService.GetPracticeUnit", "name: '$U'").ok());
}

// ---------------------------------------------------------------------------------------------
// The audit log.

TEST_F(AuthorizationBatteryTest, TheAuditLogShowsARegionAdminItsRegionOnly) {
  Make("ProgramService.UpdateProgram",
       "program { name: '$G2' description: '每周二' } update_mask { paths: 'description' }",
       kFukangAdmin);
  Make("VolunteerService.RevealVolunteerIdentity", "name: 'volunteers/$W'");
  MakeToken("display_name: '管理员二' role: ROLE_SYSTEM_ADMIN");
  MakeToken("display_name: '跨省' role: ROLE_KIOSK posts: '$P' posts: '$P2'");
  for (const char* filters :
       {"", "resource: 'regions'", "resource: '$G2'", "resource: 'volunteers/$W'", "actor: '$FA'",
        "actor: '$ADMIN'", "region: 'regions/141124100'"}) {
    for (const std::string& region :
         ListRegions(kRegionAdmin, "AuditService.ListAuditEntries", filters)) {
      EXPECT_THAT(region, StartsWith("regions/141124")) << filters;
    }
  }
  for (const char* filters :
       {"resource: 'regions'", "resource: '$G2'", "resource: 'volunteers/$W'", "actor: '$FA'"}) {
    EXPECT_TRUE(ListRegions(kRegionAdmin, "AuditService.ListAuditEntries", filters).empty())
        << filters;
  }
  for (const std::string& region :
       ListRegions(kTownshipAdmin, "AuditService.ListAuditEntries", "")) {
    EXPECT_THAT(region, StartsWith("regions/141124100"));
  }
  for (const Caller caller : {kReporter, kTeamLeader, kSubLeader, kVolunteer, kKiosk}) {
    EXPECT_EQ(Code(caller, "AuditService.ListAuditEntries", "resource: 'volunteers/$V'"), kDenied)
        << caller;
  }
}

// ---------------------------------------------------------------------------------------------
// The streaming import.

TEST_F(AuthorizationBatteryTest, OnlyASystemAdminStreamsAnImport) {
  for (const Caller caller :
       {kRegionAdmin, kTownshipAdmin, kReporter, kTeamLeader, kVolunteer, kKiosk}) {
    EXPECT_EQ(Code(caller, "RegionService.ImportRegions",
                   "regions { name: 'regions/141124' display_name: '改名县' } "
                   "regions { name: 'regions/141124999' display_name: '新镇' }"),
              kDenied)
        << caller;
  }
  EXPECT_EQ(CallWith("", "RegionService.ImportRegions",
                     "regions { name: 'regions/141124' display_name: '改名县' }")
                .error_code(),
            kUnauthenticated);
  zhiyuan::v1::Region region;
  ASSERT_TRUE(Call(kAdmin, "RegionService.GetRegion", "name: 'regions/141124'", &region).ok());
  EXPECT_EQ(region.display_name(), "临县");
  EXPECT_EQ(Code(kAdmin, "RegionService.GetRegion", "name: 'regions/141124999'"), kNotFound);
}

}  // namespace
}  // namespace zhiyuan::services
