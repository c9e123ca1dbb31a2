#include "services/post_service.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/audit.h"
#include "services/grpc_status.h"
#include "services/handler.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;

constexpr absl::string_view kCollection = "posts";
constexpr absl::string_view kTeams = "teams";
constexpr int kMaxNameChars = 100;
constexpr int kMaxAddressChars = 200;
constexpr int kMaxHoursChars = 100;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

zhiyuan::v1::Post ToProto(const storage::Post& post) {
  zhiyuan::v1::Post proto;
  proto.set_name(IdName(kCollection, post.id));
  proto.set_display_name(post.display_name);
  proto.set_host_organization(post.host_organization);
  proto.set_host_kind(static_cast<zhiyuan::v1::PostHostKind>(post.host_kind));
  proto.set_region(RegionName(post.region_code));
  proto.set_address(post.address);
  if (post.location.has_value()) {
    proto.mutable_location()->set_latitude(post.location->first);
    proto.mutable_location()->set_longitude(post.location->second);
  }
  proto.set_opening_hours(post.opening_hours);
  if (post.duty_team_id != 0) proto.set_duty_team(IdName(kTeams, post.duty_team_id));
  proto.set_status(static_cast<zhiyuan::v1::PostStatus>(post.status));
  *proto.mutable_create_time() = services::ToProto(post.create_time);
  *proto.mutable_update_time() = services::ToProto(post.update_time);
  if (post.delete_time.has_value())
    *proto.mutable_delete_time() = services::ToProto(*post.delete_time);
  proto.set_etag(absl::StrCat(post.revision));
  return proto;
}

absl::Status Reply(const absl::StatusOr<storage::Post>& post, zhiyuan::v1::Post* response) {
  ZY_RETURN_IF_ERROR(post.status());
  *response = ToProto(*post);
  return absl::OkStatus();
}

absl::StatusOr<int> ParseHostKind(int kind) {
  if (kind == zhiyuan::v1::POST_HOST_KIND_UNSPECIFIED || !zhiyuan::v1::PostHostKind_IsValid(kind)) {
    return InvalidField("post.host_kind", "is required: a PostHostKind");
  }
  return kind;
}

absl::StatusOr<int> ParseStatus(int status, bool required) {
  if (!zhiyuan::v1::PostStatus_IsValid(status) ||
      (required && status == zhiyuan::v1::POST_STATUS_UNSPECIFIED)) {
    return InvalidField("post.status", "must be OPEN or CLOSED");
  }
  return status == zhiyuan::v1::POST_STATUS_UNSPECIFIED ? zhiyuan::v1::POST_STATUS_OPEN : status;
}

// The location, or none when the request has none. Errors: INVALID_ARGUMENT out of range.
absl::StatusOr<std::optional<std::pair<double, double>>> ParseLocation(
    const zhiyuan::v1::Post& post) {
  if (!post.has_location()) return std::optional<std::pair<double, double>>();
  const double latitude = post.location().latitude();
  const double longitude = post.location().longitude();
  if (!std::isfinite(latitude) || latitude < -90 || latitude > 90) {
    return InvalidField("post.location.latitude", "must be -90 to 90");
  }
  if (!std::isfinite(longitude) || longitude < -180 || longitude > 180) {
    return InvalidField("post.location.longitude", "must be -180 to 180");
  }
  return std::make_optional(std::make_pair(latitude, longitude));
}

absl::StatusOr<int64_t> ParseOptionalTeam(absl::string_view name) {
  if (name.empty()) return 0;
  return ParseIdName("post.duty_team", kTeams, name);
}

absl::StatusOr<storage::Post> FromCreateRequest(const zhiyuan::v1::CreatePostRequest& request) {
  ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  const zhiyuan::v1::Post& proto = request.post();
  storage::Post post;
  ZY_RETURN_IF_ERROR(ValidateText("post.display_name", proto.display_name(), 1, kMaxNameChars));
  post.display_name = proto.display_name();
  ZY_RETURN_IF_ERROR(
      ValidateText("post.host_organization", proto.host_organization(), 1, kMaxNameChars));
  post.host_organization = proto.host_organization();
  ZY_ASSIGN_OR_RETURN(post.host_kind, ParseHostKind(proto.host_kind()));
  ZY_ASSIGN_OR_RETURN(post.region_code, ParseRegionName("post.region", proto.region()));
  ZY_RETURN_IF_ERROR(ValidateText("post.address", proto.address(), 0, kMaxAddressChars));
  post.address = proto.address();
  ZY_ASSIGN_OR_RETURN(post.location, ParseLocation(proto));
  ZY_RETURN_IF_ERROR(ValidateText("post.opening_hours", proto.opening_hours(), 0, kMaxHoursChars));
  post.opening_hours = proto.opening_hours();
  ZY_ASSIGN_OR_RETURN(post.duty_team_id, ParseOptionalTeam(proto.duty_team()));
  ZY_ASSIGN_OR_RETURN(post.status, ParseStatus(proto.status(), /*required=*/false));
  return post;
}

absl::StatusOr<storage::PostChange> ToChange(const zhiyuan::v1::UpdatePostRequest& request) {
  const zhiyuan::v1::Post& proto = request.post();
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "is required: name the fields to set");
  }
  storage::PostChange change;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ZY_RETURN_IF_ERROR(ValidateText("post.display_name", proto.display_name(), 1, kMaxNameChars));
      change.display_name = proto.display_name();
    } else if (path == "host_organization") {
      ZY_RETURN_IF_ERROR(
          ValidateText("post.host_organization", proto.host_organization(), 1, kMaxNameChars));
      change.host_organization = proto.host_organization();
    } else if (path == "host_kind") {
      ZY_ASSIGN_OR_RETURN(change.host_kind, ParseHostKind(proto.host_kind()));
    } else if (path == "address") {
      ZY_RETURN_IF_ERROR(ValidateText("post.address", proto.address(), 0, kMaxAddressChars));
      change.address = proto.address();
    } else if (path == "location") {
      ZY_ASSIGN_OR_RETURN(change.location, ParseLocation(proto));
    } else if (path == "opening_hours") {
      ZY_RETURN_IF_ERROR(
          ValidateText("post.opening_hours", proto.opening_hours(), 0, kMaxHoursChars));
      change.opening_hours = proto.opening_hours();
    } else if (path == "duty_team") {
      ZY_ASSIGN_OR_RETURN(change.duty_team_id, ParseOptionalTeam(proto.duty_team()));
    } else if (path == "status") {
      ZY_ASSIGN_OR_RETURN(change.status, ParseStatus(proto.status(), /*required=*/true));
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot set \"", path,
                                       "\": only display_name, host_organization, host_kind, "
                                       "address, location, opening_hours, duty_team, status"));
    }
  }
  ZY_RETURN_IF_ERROR(ParseEtag("post.etag", proto.etag(), &change.expected_revision));
  return change;
}

absl::StatusOr<storage::PostQuery> ToQuery(const zhiyuan::v1::ListPostsRequest& request,
                                           std::string* fingerprint) {
  storage::PostQuery query;
  if (!request.region().empty()) {
    ZY_ASSIGN_OR_RETURN(query.region_code, ParseRegionName("region", request.region()));
  }
  if (!zhiyuan::v1::PostHostKind_IsValid(request.host_kind())) {
    return InvalidField("host_kind", "is not a PostHostKind");
  }
  query.host_kind = request.host_kind();
  if (!zhiyuan::v1::PostStatus_IsValid(request.status())) {
    return InvalidField("status", "is not a PostStatus");
  }
  query.status = request.status();
  if (!request.duty_team().empty()) {
    ZY_ASSIGN_OR_RETURN(query.duty_team_id, ParseIdName("duty_team", kTeams, request.duty_team()));
  }
  query.show_deleted = request.show_deleted();
  ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request.page_size(), kDefaultPageSize,
                                     kMaxPageSize, &query.limit));
  *fingerprint = absl::StrCat("posts|", query.region_code, "|", query.host_kind, "|", query.status,
                              "|", query.duty_team_id, "|", query.show_deleted);
  ZY_ASSIGN_OR_RETURN(const std::string after,
                      DecodePageToken("page_token", request.page_token(), *fingerprint));
  if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  return query;
}

}  // namespace

// The post `id` when the caller reaches it. Errors: NOT_FOUND; PERMISSION_DENIED naming `verb`.
absl::StatusOr<storage::Post> PostServiceImpl::ReachablePost(const Principal& caller, int64_t id,
                                                             absl::string_view verb,
                                                             absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(storage::Post post, store_.Get(id, deadline));
  if (!Authorizer::ReachesPost(caller, post)) {
    return Authorizer::Deny(caller, absl::StrCat(verb, " ", IdName(kCollection, id)));
  }
  return post;
}

// A duty team must be one the caller reaches.
absl::Status PostServiceImpl::CheckDutyTeam(const Principal& caller, int64_t team_id,
                                            absl::Time deadline) {
  if (team_id == 0) return absl::OkStatus();
  ZY_ASSIGN_OR_RETURN(const bool reached,
                      authorizer_.ReachesTeamId(caller, "post.duty_team", team_id, deadline));
  if (reached) return absl::OkStatus();
  return Authorizer::Deny(caller, absl::StrCat("put ", IdName(kTeams, team_id), " on duty"));
}

grpc::Status PostServiceImpl::GetPost(grpc::ServerContext* context,
                                      const zhiyuan::v1::GetPostRequest* request,
                                      zhiyuan::v1::Post* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER, v1::ROLE_KIOSK}, "read posts"));
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    return Reply(ReachablePost(caller, id, "read", Deadline(*context)), response);
  });
}

grpc::Status PostServiceImpl::ListPosts(grpc::ServerContext* context,
                                        const zhiyuan::v1::ListPostsRequest* request,
                                        zhiyuan::v1::ListPostsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER}, "list posts"));
    std::string fingerprint;
    ZY_ASSIGN_OR_RETURN(storage::PostQuery query, ToQuery(*request, &fingerprint));
    ZY_ASSIGN_OR_RETURN(query.region_code,
                        Authorizer::NarrowRegion(caller, "region", query.region_code));
    const int page_size = query.limit;
    ++query.limit;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::PostPage page, store_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        page.posts, page_size, fingerprint,
        [&](const storage::Post& post) { *response->add_posts() = ToProto(post); },
        [](const storage::Post& post) { return absl::StrCat(post.id); }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status PostServiceImpl::CreatePost(grpc::ServerContext* context,
                                         const zhiyuan::v1::CreatePostRequest* request,
                                         zhiyuan::v1::Post* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "create posts"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const storage::Post post, FromCreateRequest(*request));
    if (!Authorizer::ReachesRegion(caller, post.region_code)) {
      return Authorizer::Deny(caller,
                              absl::StrCat("create a post in ", RegionName(post.region_code)));
    }
    ZY_RETURN_IF_ERROR(CheckDutyTeam(caller, post.duty_team_id, deadline));
    ZY_ASSIGN_OR_RETURN(
        const storage::Post created,
        store_.Create(post, absl::AsciiStrToLower(request->request_id()),
                      AuditOf(caller, *context, "zhiyuan.v1.PostService.CreatePost", *request),
                      deadline));
    if (!Authorizer::ReachesPost(caller, created)) {
      return Authorizer::RequestIdTaken(request->request_id());
    }
    return Reply(created, response);
  });
}

grpc::Status PostServiceImpl::UpdatePost(grpc::ServerContext* context,
                                         const zhiyuan::v1::UpdatePostRequest* request,
                                         zhiyuan::v1::Post* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "change posts"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id,
                        ParseIdName("post.name", kCollection, request->post().name()));
    ZY_ASSIGN_OR_RETURN(const storage::PostChange change, ToChange(*request));
    ZY_RETURN_IF_ERROR(ReachablePost(caller, id, "change", deadline).status());
    ZY_RETURN_IF_ERROR(CheckDutyTeam(caller, change.duty_team_id.value_or(0), deadline));
    return Reply(
        store_.Update(id, change,
                      AuditOf(caller, *context, "zhiyuan.v1.PostService.UpdatePost", *request),
                      deadline),
        response);
  });
}

grpc::Status PostServiceImpl::DeletePost(grpc::ServerContext* context,
                                         const zhiyuan::v1::DeletePostRequest* request,
                                         zhiyuan::v1::Post* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "delete posts"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("etag", request->etag(), &revision));
    ZY_RETURN_IF_ERROR(ReachablePost(caller, id, "delete", deadline).status());
    return Reply(
        store_.Delete(id, revision,
                      AuditOf(caller, *context, "zhiyuan.v1.PostService.DeletePost", *request),
                      deadline),
        response);
  });
}

}  // namespace zhiyuan::services
