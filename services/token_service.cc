#include "services/token_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/audit.h"
#include "services/handler.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/region_code.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;

constexpr absl::string_view kCollection = "tokens";
constexpr int kMaxNameChars = 100;
constexpr int kMaxKioskPlaces = 20;
constexpr absl::Duration kDefaultTtl = absl::Hours(24 * 90);
constexpr absl::Duration kMinTtl = absl::Minutes(1);
constexpr absl::Duration kMaxTtl = absl::Hours(24 * 366);
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// The longest region code that begins every one of `codes`: the region they all lie in ("" when
// they lie in different provinces).
std::string CommonRegion(const std::vector<std::string>& codes) {
  if (codes.empty()) return "";
  std::string common = codes.front();
  for (const std::string& code : codes) {
    size_t same = 0;
    while (same < common.size() && same < code.size() && common[same] == code[same]) ++same;
    common.resize(same);
  }
  for (const storage::RegionLevel level :
       {storage::RegionLevel::kVillage, storage::RegionLevel::kTownship,
        storage::RegionLevel::kCounty, storage::RegionLevel::kCity,
        storage::RegionLevel::kProvince}) {
    const size_t length = storage::RegionCodeLength(level);
    if (common.size() >= length) return common.substr(0, length);
  }
  return "";
}

// The id in "tokens/{id}", or the caller's own for "tokens/self".
absl::StatusOr<int64_t> ParseTokenName(const Principal& caller, absl::string_view field,
                                       absl::string_view name) {
  if (name == "tokens/self") return caller.token_id;
  return ParseIdName(field, kCollection, name);
}

absl::StatusOr<std::vector<int64_t>> ParseIds(
    absl::string_view field, absl::string_view collection,
    const google::protobuf::RepeatedPtrField<std::string>& names) {
  if (names.size() > kMaxKioskPlaces) {
    return InvalidField(field, absl::StrCat("at most ", kMaxKioskPlaces));
  }
  std::vector<int64_t> ids;
  for (int i = 0; i < names.size(); ++i) {
    ZY_ASSIGN_OR_RETURN(const int64_t id,
                        ParseIdName(absl::StrCat(field, "[", i, "]"), collection, names[i]));
    for (const int64_t seen : ids) {
      if (seen == id) return InvalidField(absl::StrCat(field, "[", i, "]"), "repeats");
    }
    ids.push_back(id);
  }
  return ids;
}

// A scope field set for a role that has no use for it.
absl::Status Unused(absl::string_view field, v1::Role role) {
  return InvalidField(field, absl::StrCat("must be empty for ", v1::Role_Name(role)));
}

// The role and scope fields, checked for shape; ResolveScope checks what they name.
absl::StatusOr<storage::Token> FromProto(const v1::Token& proto) {
  storage::Token token;
  ZY_RETURN_IF_ERROR(ValidateText("token.display_name", proto.display_name(), 1, kMaxNameChars));
  token.display_name = proto.display_name();
  if (proto.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(proto.role())) {
    return InvalidField("token.role", "is required: a Role");
  }
  token.role = proto.role();
  const v1::Role role = proto.role();
  const bool regional = role == v1::ROLE_REGION_ADMIN || role == v1::ROLE_REPORTER;
  if (regional) {
    ZY_ASSIGN_OR_RETURN(token.region_code, ParseRegionName("token.region", proto.region()));
  } else if (!proto.region().empty()) {
    return Unused("token.region", role);
  }
  if (role == v1::ROLE_TEAM_LEADER) {
    ZY_ASSIGN_OR_RETURN(token.team_id, ParseIdName("token.team", "teams", proto.team()));
  } else if (!proto.team().empty()) {
    return Unused("token.team", role);
  }
  if (role == v1::ROLE_VOLUNTEER) {
    ZY_ASSIGN_OR_RETURN(token.volunteer_number,
                        ParseVolunteerName("token.volunteer", proto.volunteer()));
  } else if (!proto.volunteer().empty()) {
    return Unused("token.volunteer", role);
  }
  if (role == v1::ROLE_KIOSK) {
    ZY_ASSIGN_OR_RETURN(token.post_ids, ParseIds("token.posts", "posts", proto.posts()));
    ZY_ASSIGN_OR_RETURN(token.practice_unit_ids,
                        ParseIds("token.practice_units", "practiceUnits", proto.practice_units()));
    if (token.post_ids.empty() && token.practice_unit_ids.empty()) {
      return InvalidField("token.posts", "a KIOSK needs at least one post or practice unit");
    }
  } else if (!proto.posts().empty()) {
    return Unused("token.posts", role);
  } else if (!proto.practice_units().empty()) {
    return Unused("token.practice_units", role);
  }
  return token;
}

absl::StatusOr<absl::Duration> ParseTtl(const v1::CreateTokenRequest& request) {
  if (!request.has_ttl()) return kDefaultTtl;
  const absl::Duration ttl =
      absl::Seconds(request.ttl().seconds()) + absl::Nanoseconds(request.ttl().nanos());
  if (ttl < kMinTtl || ttl > kMaxTtl) return InvalidField("ttl", "must be 1 minute to 366 days");
  return ttl;
}

absl::Status Missing(absl::string_view field, absl::string_view name) {
  return absl::FailedPreconditionError(
      absl::StrCat(field, ": ", name, " does not exist or is deleted"));
}

// What a token's scope names: read, and there and not deleted. Errors: Missing(field, name);
// those of the store.
template <typename T>
absl::StatusOr<T> Live(absl::StatusOr<T> found, absl::string_view field, absl::string_view name) {
  if (absl::IsNotFound(found.status()) || (found.ok() && found->delete_time.has_value())) {
    return Missing(field, name);
  }
  return found;
}

zhiyuan::v1::Token TokenToProto(const storage::Token& token) {
  v1::Token proto;
  proto.set_name(IdName(kCollection, token.id));
  proto.set_display_name(token.display_name);
  proto.set_role(static_cast<v1::Role>(token.role));
  if (!token.region_code.empty()) proto.set_region(RegionName(token.region_code));
  if (token.team_id != 0) proto.set_team(IdName("teams", token.team_id));
  if (!token.volunteer_number.empty()) proto.set_volunteer(VolunteerName(token.volunteer_number));
  for (const int64_t id : token.post_ids) proto.add_posts(IdName("posts", id));
  for (const int64_t id : token.practice_unit_ids) {
    proto.add_practice_units(IdName("practiceUnits", id));
  }
  if (!token.scope_region_code.empty()) {
    proto.set_scope_region(RegionName(token.scope_region_code));
  }
  if (token.creator_id != 0) proto.set_creator(IdName(kCollection, token.creator_id));
  *proto.mutable_create_time() = ToProto(token.create_time);
  *proto.mutable_expire_time() = ToProto(token.expire_time);
  if (token.revoke_time.has_value()) *proto.mutable_revoke_time() = ToProto(*token.revoke_time);
  return proto;
}

}  // namespace

// Checks that what the scope names exists and that the caller reaches it, and sets the scope
// region.
absl::Status TokenServiceImpl::ResolveScope(const Principal& caller, storage::Token& token,
                                            absl::Time deadline) {
  const Authorizer::Stores& stores = authorizer_.stores();
  std::vector<std::string> regions;
  switch (token.role) {
    case v1::ROLE_SYSTEM_ADMIN:
      if (!caller.is_system_admin()) return Authorizer::Deny(caller, "make system admin tokens");
      return absl::OkStatus();
    case v1::ROLE_REGION_ADMIN:
    case v1::ROLE_REPORTER:
      if (absl::Status region = regions_.Get(token.region_code, deadline).status();
          absl::IsNotFound(region)) {
        return Missing("token.region", RegionName(token.region_code));
      } else if (!region.ok()) {
        return region;
      }
      regions.push_back(token.region_code);
      break;
    case v1::ROLE_TEAM_LEADER: {
      ZY_ASSIGN_OR_RETURN(const storage::Team team,
                          Live(stores.teams.Get(token.team_id, deadline), "token.team",
                               IdName("teams", token.team_id)));
      regions.push_back(team.home_region_code);
      break;
    }
    case v1::ROLE_VOLUNTEER: {
      absl::StatusOr<storage::Volunteer> volunteer =
          stores.volunteers.Get(token.volunteer_number, deadline);
      // A person out of the caller's reach answers as one who does not exist: where a
      // volunteer lives, or that they are registered, is not the caller's to learn.
      if (absl::IsNotFound(volunteer.status()) ||
          (volunteer.ok() && (volunteer->delete_time.has_value() ||
                              !Authorizer::ReachesVolunteer(caller, *volunteer)))) {
        return Missing("token.volunteer", VolunteerName(token.volunteer_number));
      }
      ZY_RETURN_IF_ERROR(volunteer.status());
      regions.push_back(volunteer->residence_region_code);
      break;
    }
    case v1::ROLE_KIOSK:
      for (const int64_t id : token.post_ids) {
        ZY_ASSIGN_OR_RETURN(const storage::Post post, Live(stores.posts.Get(id, deadline),
                                                           "token.posts", IdName("posts", id)));
        regions.push_back(post.region_code);
      }
      for (const int64_t id : token.practice_unit_ids) {
        ZY_ASSIGN_OR_RETURN(const storage::PracticeUnit unit,
                            Live(stores.units.Get(id, deadline), "token.practice_units",
                                 IdName("practiceUnits", id)));
        regions.push_back(unit.region_code);
      }
      break;
    default:
      return InvalidField("token.role", "is required: a Role");
  }
  for (const std::string& region : regions) {
    if (!Authorizer::ReachesRegion(caller, region)) {
      return Authorizer::Deny(caller, absl::StrCat("make a token reaching ", RegionName(region)));
    }
  }
  token.scope_region_code = CommonRegion(regions);
  return absl::OkStatus();
}

// The token `name` names when the caller may see it: their own, or one whose scope lies in
// their region. Others read as not existing.
absl::StatusOr<storage::Token> TokenServiceImpl::ReachableToken(const Principal& caller,
                                                                absl::string_view name,
                                                                absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(const int64_t id, ParseTokenName(caller, "name", name));
  ZY_ASSIGN_OR_RETURN(storage::Token token, store_.Get(id, deadline));
  const bool reached = id == caller.token_id || caller.is_system_admin() ||
                       (caller.role == v1::ROLE_REGION_ADMIN && !token.scope_region_code.empty() &&
                        Authorizer::ReachesRegion(caller, token.scope_region_code));
  if (!reached)
    return absl::NotFoundError(absl::StrCat(IdName(kCollection, id), " does not exist"));
  return token;
}

grpc::Status TokenServiceImpl::CreateToken(grpc::ServerContext* context,
                                           const zhiyuan::v1::CreateTokenRequest* request,
                                           zhiyuan::v1::CreateTokenResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "make tokens"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(storage::Token token, FromProto(request->token()));
    ZY_ASSIGN_OR_RETURN(const absl::Duration ttl, ParseTtl(*request));
    ZY_RETURN_IF_ERROR(ResolveScope(caller, token, deadline));
    token.creator_id = caller.token_id;
    // A token lives no longer than its maker's, unless a system admin makes it.
    token.expire_time = absl::Now() + ttl;
    if (!caller.is_system_admin())
      token.expire_time = std::min(token.expire_time, caller.expire_time);
    const TokenSecret secret = MintTokenSecret();
    ZY_ASSIGN_OR_RETURN(
        const storage::Token created,
        store_.Create(token, secret.hash,
                      AuditOf(caller, *context, "zhiyuan.v1.TokenService.CreateToken", *request),
                      deadline));
    *response->mutable_token() = TokenToProto(created);
    response->set_secret(secret.secret);
    return absl::OkStatus();
  });
}

grpc::Status TokenServiceImpl::GetToken(grpc::ServerContext* context,
                                        const zhiyuan::v1::GetTokenRequest* request,
                                        zhiyuan::v1::Token* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_ASSIGN_OR_RETURN(const storage::Token token,
                        ReachableToken(caller, request->name(), Deadline(*context)));
    *response = TokenToProto(token);
    return absl::OkStatus();
  });
}

grpc::Status TokenServiceImpl::ListTokens(grpc::ServerContext* context,
                                          const zhiyuan::v1::ListTokensRequest* request,
                                          zhiyuan::v1::ListTokensResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "list tokens"));
    storage::TokenQuery query;
    if (!request->scope_region().empty()) {
      ZY_ASSIGN_OR_RETURN(query.scope_region_code,
                          ParseRegionName("scope_region", request->scope_region()));
    }
    query.show_inactive = request->show_inactive();
    int page_size;
    ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                       kMaxPageSize, &page_size));
    const std::string fingerprint =
        absl::StrCat("tokens|", query.scope_region_code, "|", query.show_inactive);
    ZY_ASSIGN_OR_RETURN(const std::string after,
                        DecodePageToken("page_token", request->page_token(), fingerprint));
    if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
      return InvalidField("page_token", "is not a page token this service issued");
    }
    ZY_ASSIGN_OR_RETURN(query.scope_region_code,
                        Authorizer::NarrowRegion(caller, "scope_region", query.scope_region_code));
    query.limit = page_size + 1;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::TokenPage page, store_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        page.tokens, page_size, fingerprint,
        [&](const storage::Token& token) { *response->add_tokens() = TokenToProto(token); },
        [](const storage::Token& token) { return absl::StrCat(token.id); }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status TokenServiceImpl::RevokeToken(grpc::ServerContext* context,
                                           const zhiyuan::v1::RevokeTokenRequest* request,
                                           zhiyuan::v1::Token* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const storage::Token token,
                        ReachableToken(caller, request->name(), deadline));
    ZY_ASSIGN_OR_RETURN(
        const storage::Token revoked,
        store_.Revoke(token.id,
                      AuditOf(caller, *context, "zhiyuan.v1.TokenService.RevokeToken", *request),
                      deadline));
    authorizer_.Forget(token.id);
    *response = TokenToProto(revoked);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
