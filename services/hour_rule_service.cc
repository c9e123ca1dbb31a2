#include "services/hour_rule_service.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/audit.h"
#include "services/handler.h"
#include "services/hour_rules.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;

constexpr absl::string_view kCollection = "hourRuleSets";
constexpr int kMaxNoteChars = 200;
constexpr int kMaxGraceMinutes = 24 * 60;
constexpr int kMaxAutoCloseMinutes = 72 * 60;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

v1::HourRuleSet ToProto(const storage::HourRuleSet& rules) {
  v1::HourRuleSet proto;
  proto.set_name(IdName(kCollection, rules.id));
  if (!rules.region_code.empty()) proto.set_region(RegionName(rules.region_code));
  proto.set_version(rules.version);
  for (const auto& [up_to, credit] : rules.bands) {
    v1::RoundingBand* band = proto.add_bands();
    band->set_up_to_minutes(up_to);
    band->set_credit_minutes(credit);
  }
  proto.set_grace_minutes(rules.grace_minutes);
  proto.set_auto_close_minutes(rules.auto_close_minutes);
  proto.set_note(rules.note);
  *proto.mutable_create_time() = services::ToProto(rules.create_time);
  if (rules.creator_token_id != 0) proto.set_creator(IdName("tokens", rules.creator_token_id));
  return proto;
}

absl::StatusOr<std::string> ParseOptionalRegion(absl::string_view field, absl::string_view name) {
  if (name.empty()) return std::string();
  return ParseRegionName(field, name);
}

absl::StatusOr<storage::HourRuleSet> FromProto(const v1::HourRuleSet& proto) {
  storage::HourRuleSet rules;
  ZY_ASSIGN_OR_RETURN(rules.region_code,
                      ParseOptionalRegion("hour_rule_set.region", proto.region()));
  HourRules engine;
  for (const v1::RoundingBand& band : proto.bands()) {
    engine.bands.push_back({band.up_to_minutes(), band.credit_minutes()});
    rules.bands.emplace_back(band.up_to_minutes(), band.credit_minutes());
  }
  if (proto.grace_minutes() < 0 || proto.grace_minutes() > kMaxGraceMinutes) {
    return InvalidField("hour_rule_set.grace_minutes",
                        absl::StrCat("must be 0 to ", kMaxGraceMinutes));
  }
  if (proto.auto_close_minutes() < 0 || proto.auto_close_minutes() > kMaxAutoCloseMinutes) {
    return InvalidField("hour_rule_set.auto_close_minutes",
                        absl::StrCat("must be 0 to ", kMaxAutoCloseMinutes));
  }
  engine.grace = absl::Minutes(proto.grace_minutes());
  engine.auto_close_after = absl::Minutes(proto.auto_close_minutes());
  if (absl::Status valid = ValidateHourRules(engine); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("hour_rule_set.", valid.message()));
  }
  rules.grace_minutes = proto.grace_minutes();
  rules.auto_close_minutes = proto.auto_close_minutes();
  ZY_RETURN_IF_ERROR(ValidateText("hour_rule_set.note", proto.note(), 0, kMaxNoteChars));
  rules.note = proto.note();
  return rules;
}

}  // namespace

// The rules are public policy: every caller reads them.
grpc::Status HourRuleServiceImpl::GetHourRuleSet(grpc::ServerContext* context,
                                                 const v1::GetHourRuleSetRequest* request,
                                                 v1::HourRuleSet* response) {
  return Serve(authorizer_, *context, [&](const Principal&) -> absl::Status {
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    ZY_ASSIGN_OR_RETURN(const storage::HourRuleSet rules, store_.Get(id, Deadline(*context)));
    *response = ToProto(rules);
    return absl::OkStatus();
  });
}

grpc::Status HourRuleServiceImpl::ListHourRuleSets(grpc::ServerContext* context,
                                                   const v1::ListHourRuleSetsRequest* request,
                                                   v1::ListHourRuleSetsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal&) -> absl::Status {
    storage::HourRuleQuery query;
    ZY_ASSIGN_OR_RETURN(query.region_code, ParseOptionalRegion("region", request->region()));
    int page_size;
    ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                       kMaxPageSize, &page_size));
    const std::string fingerprint = absl::StrCat("hourRuleSets|", query.region_code);
    ZY_ASSIGN_OR_RETURN(const std::string before,
                        DecodePageToken("page_token", request->page_token(), fingerprint));
    if (!before.empty() && !absl::SimpleAtoi(before, &query.before_version)) {
      return InvalidField("page_token", "is not a page token this service issued");
    }
    query.limit = page_size + 1;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const std::vector<storage::HourRuleSet> sets,
                        store_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        sets, page_size, fingerprint,
        [&](const storage::HourRuleSet& rules) {
          *response->add_hour_rule_sets() = ToProto(rules);
        },
        [](const storage::HourRuleSet& rules) { return absl::StrCat(rules.version); }));
    return absl::OkStatus();
  });
}

grpc::Status HourRuleServiceImpl::GetEffectiveHourRuleSet(
    grpc::ServerContext* context, const v1::GetEffectiveHourRuleSetRequest* request,
    v1::HourRuleSet* response) {
  return Serve(authorizer_, *context, [&](const Principal&) -> absl::Status {
    ZY_ASSIGN_OR_RETURN(const std::string region, ParseOptionalRegion("region", request->region()));
    ZY_ASSIGN_OR_RETURN(const storage::HourRuleSet rules,
                        store_.Effective(region, Deadline(*context)));
    *response = ToProto(rules);
    return absl::OkStatus();
  });
}

grpc::Status HourRuleServiceImpl::CreateHourRuleSet(grpc::ServerContext* context,
                                                    const v1::CreateHourRuleSetRequest* request,
                                                    v1::HourRuleSet* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "make hour rules"));
    const absl::Time deadline = Deadline(*context);
    ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request->request_id()));
    ZY_ASSIGN_OR_RETURN(storage::HourRuleSet rules, FromProto(request->hour_rule_set()));
    // National rules are a system admin's; a region admin's are for its region's subtree.
    if (!caller.is_system_admin() &&
        (rules.region_code.empty() || !Authorizer::ReachesRegion(caller, rules.region_code))) {
      return Authorizer::Deny(
          caller, absl::StrCat("make hour rules for ", rules.region_code.empty()
                                                           ? std::string("the whole country")
                                                           : RegionName(rules.region_code)));
    }
    if (!rules.region_code.empty()) {
      if (absl::Status region = regions_.Get(rules.region_code, deadline).status();
          absl::IsNotFound(region)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "hour_rule_set.region: ", RegionName(rules.region_code), " does not exist"));
      } else if (!region.ok()) {
        return region;
      }
    }
    rules.creator_token_id = caller.token_id;
    ZY_ASSIGN_OR_RETURN(
        const storage::HourRuleSet created,
        store_.Create(
            rules, absl::AsciiStrToLower(request->request_id()),
            AuditOf(caller, *context, "zhiyuan.v1.HourRuleService.CreateHourRuleSet", *request),
            deadline));
    if (!caller.is_system_admin() &&
        (created.region_code.empty() || !Authorizer::ReachesRegion(caller, created.region_code))) {
      return Authorizer::RequestIdTaken(request->request_id());
    }
    *response = ToProto(created);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
