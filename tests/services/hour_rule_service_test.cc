// HourRuleService's handlers over an in-process channel and the in-memory stores.
#include "services/hour_rule_service.h"

#include <gmock/gmock.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "storage/in_memory_hour_rule_store.h"
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
using ::zhiyuan::v1::CreateHourRuleSetRequest;
using ::zhiyuan::v1::HourRuleSet;

constexpr char kBands[] =
    "bands { up_to_minutes: 14 } bands { up_to_minutes: 29 credit_minutes: 15 } "
    "bands { up_to_minutes: 44 credit_minutes: 30 } bands { up_to_minutes: 59 credit_minutes: 45 "
    "} ";
const std::string kQuarterHours = absl::StrCat(kBands, "grace_minutes: 10 auto_close_minutes: 60");

class HourRuleServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(::zhiyuan::testing::ImportRegions(
                    regions_, {{"14", "山西省"}, {"1411", "吕梁市"}, {"141124", "临县"}}),
                IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ =
        zhiyuan::v1::HourRuleService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    storage::Token county;
    county.display_name = "临县文明办";
    county.role = zhiyuan::v1::ROLE_REGION_ADMIN;
    county.region_code = "141124";
    county.scope_region_code = "141124";
    county_ = auth_.Mint(county);
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status Create(const std::string& text, HourRuleSet* rules, const std::string& secret = "") {
    grpc::ClientContext context;
    if (secret.empty()) {
      auth_.Authorize(context);
    } else {
      ::zhiyuan::testing::TestAuth::Authorize(context, secret);
    }
    return stub_->CreateHourRuleSet(&context, ParseTextProto<CreateHourRuleSetRequest>(text),
                                    rules);
  }

  HourRuleSet Effective(const std::string& region) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    zhiyuan::v1::GetEffectiveHourRuleSetRequest request;
    request.set_region(region);
    HourRuleSet rules;
    EXPECT_THAT(stub_->GetEffectiveHourRuleSet(&context, request, &rules), IsOk());
    return rules;
  }

  storage::InMemoryRegionStore regions_;
  storage::InMemoryHourRuleStore rules_;
  ::zhiyuan::testing::TestAuth auth_{{}};
  HourRuleServiceImpl service_{rules_, regions_, auth_.authorizer()};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<zhiyuan::v1::HourRuleService::Stub> stub_;
  std::string county_;
};

TEST_F(HourRuleServiceTest, ARegionsRulesAreVersionedAndApplyBelowIt) {
  EXPECT_EQ(Effective("regions/141124").region(), "");  // The national rules.
  HourRuleSet first;
  ASSERT_THAT(Create(absl::StrCat("hour_rule_set { region: 'regions/141124' ", kQuarterHours,
                                  " note: '临县志愿服务计时办法' }"),
                     &first, county_),
              IsOk());
  EXPECT_EQ(first.version(), 1);
  EXPECT_EQ(first.bands_size(), 4);
  EXPECT_THAT(first.creator(), ::testing::StartsWith("tokens/"));
  HourRuleSet second;
  ASSERT_THAT(Create(absl::StrCat("hour_rule_set { region: 'regions/141124' ", kQuarterHours, " }"),
                     &second, county_),
              IsOk());
  EXPECT_EQ(second.version(), 2);
  EXPECT_EQ(Effective("regions/141124").name(), second.name());
  EXPECT_EQ(Effective("regions/1411").region(), "");
}

using BadRules = std::tuple<std::string, grpc::StatusCode, std::string>;
class CreateBadRulesTest : public HourRuleServiceTest,
                           public ::testing::WithParamInterface<BadRules> {};

TEST_P(CreateBadRulesTest, IsRefused) {
  const auto& [text, code, message] = GetParam();
  HourRuleSet rules;
  EXPECT_THAT(Create(text, &rules, county_), StatusIs(code, HasSubstr(message)));
  EXPECT_EQ(Effective("regions/141124").region(), "");
}

constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadRulesTest,
    ::testing::Values(
        BadRules{"hour_rule_set { region: 'regions/141124' auto_close_minutes: 60 }", kInvalid,
                 "hour_rule_set.bands: at least one"},
        BadRules{"hour_rule_set { region: 'regions/141124' bands { up_to_minutes: 45 } }", kInvalid,
                 "the last band must reach 59"},
        BadRules{"hour_rule_set { region: 'regions/141124' bands { up_to_minutes: 30 "
                 "credit_minutes: 30 } bands { up_to_minutes: 59 } }",
                 kInvalid, "hour_rule_set.bands[1].credit_minutes"},
        BadRules{absl::StrCat("hour_rule_set { region: 'regions/141124' ", kBands,
                              " grace_minutes: 1441 }"),
                 kInvalid, "hour_rule_set.grace_minutes"},
        BadRules{absl::StrCat("hour_rule_set { region: 'regions/141124' ", kBands,
                              " auto_close_minutes: -1 }"),
                 kInvalid, "hour_rule_set.auto_close_minutes"},
        BadRules{absl::StrCat("hour_rule_set { region: 'regions/141124' ", kQuarterHours,
                              " note: '", std::string(201, 'x'), "' }"),
                 kInvalid, "hour_rule_set.note"},
        BadRules{absl::StrCat("hour_rule_set { region: 'teams/1' ", kQuarterHours, " }"), kInvalid,
                 "hour_rule_set.region"},
        BadRules{absl::StrCat("request_id: 'x' hour_rule_set { region: 'regions/141124' ",
                              kQuarterHours, " }"),
                 kInvalid, "request_id"},
        BadRules{absl::StrCat("hour_rule_set { ", kQuarterHours, " }"),
                 grpc::StatusCode::PERMISSION_DENIED, "the whole country"},
        BadRules{absl::StrCat("hour_rule_set { region: 'regions/14' ", kQuarterHours, " }"),
                 grpc::StatusCode::PERMISSION_DENIED, "regions/14"},
        BadRules{absl::StrCat("hour_rule_set { region: 'regions/141124999' ", kQuarterHours, " }"),
                 grpc::StatusCode::FAILED_PRECONDITION, "does not exist"}));

}  // namespace
}  // namespace zhiyuan::services
