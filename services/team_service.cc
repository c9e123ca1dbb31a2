#include "services/team_service.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/grpc_status.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

constexpr absl::string_view kCollection = "teams";
constexpr absl::string_view kUnits = "practiceUnits";
constexpr int kMaxNameChars = 100;
constexpr int kMaxCategories = 5;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

zhiyuan::v1::Team ToProto(const storage::Team& team) {
  zhiyuan::v1::Team proto;
  proto.set_name(IdName(kCollection, team.id));
  proto.set_display_name(team.display_name);
  if (team.parent_id != 0) proto.set_parent(IdName(kCollection, team.parent_id));
  proto.set_home_region(RegionName(team.home_region_code));
  if (team.practice_unit_id != 0) proto.set_practice_unit(IdName(kUnits, team.practice_unit_id));
  for (const int category : team.categories) {
    proto.add_categories(static_cast<zhiyuan::v1::ServiceCategory>(category));
  }
  if (!team.leader.empty()) proto.set_leader(VolunteerName(team.leader));
  proto.set_status(static_cast<zhiyuan::v1::TeamStatus>(team.status));
  *proto.mutable_create_time() = services::ToProto(team.create_time);
  *proto.mutable_update_time() = services::ToProto(team.update_time);
  if (team.delete_time.has_value()) *proto.mutable_delete_time() = services::ToProto(*team.delete_time);
  proto.set_etag(absl::StrCat(team.revision));
  return proto;
}

grpc::Status Reply(const absl::StatusOr<storage::Team>& team, zhiyuan::v1::Team* response) {
  if (!team.ok()) return ToGrpcStatus(team.status());
  *response = ToProto(*team);
  return grpc::Status::OK;
}

absl::StatusOr<std::vector<int>> ParseCategories(
    const google::protobuf::RepeatedField<int>& categories) {
  if (categories.size() > kMaxCategories) {
    return InvalidField("team.categories", absl::StrCat("at most ", kMaxCategories));
  }
  std::set<int> seen;
  std::vector<int> result;
  for (int i = 0; i < categories.size(); ++i) {
    const std::string field = absl::StrCat("team.categories[", i, "]");
    if (categories[i] == zhiyuan::v1::SERVICE_CATEGORY_UNSPECIFIED ||
        !zhiyuan::v1::ServiceCategory_IsValid(categories[i])) {
      return InvalidField(field, "is not a ServiceCategory");
    }
    if (!seen.insert(categories[i]).second) return InvalidField(field, "repeats a category");
    result.push_back(categories[i]);
  }
  return result;
}

// The practice unit id in `name` ("" gives 0: none).
absl::StatusOr<int64_t> ParseOptionalUnit(absl::string_view name) {
  if (name.empty()) return 0;
  return ParseIdName("team.practice_unit", kUnits, name);
}

// The volunteer number in `name` ("" gives "": none).
absl::StatusOr<std::string> ParseOptionalLeader(absl::string_view name) {
  if (name.empty()) return std::string();
  return ParseVolunteerName("team.leader", name);
}

absl::StatusOr<int> ParseStatus(int status, bool required) {
  if (!zhiyuan::v1::TeamStatus_IsValid(status) ||
      (required && status == zhiyuan::v1::TEAM_STATUS_UNSPECIFIED)) {
    return InvalidField("team.status", "must be ACTIVE or INACTIVE");
  }
  return status == zhiyuan::v1::TEAM_STATUS_UNSPECIFIED ? zhiyuan::v1::TEAM_STATUS_ACTIVE
                                                        : status;
}

absl::StatusOr<storage::Team> FromCreateRequest(const zhiyuan::v1::CreateTeamRequest& request) {
  ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  const zhiyuan::v1::Team& proto = request.team();
  storage::Team team;
  ZY_RETURN_IF_ERROR(ValidateText("team.display_name", proto.display_name(), 1, kMaxNameChars));
  team.display_name = proto.display_name();
  if (!proto.parent().empty()) {
    ZY_ASSIGN_OR_RETURN(team.parent_id, ParseIdName("team.parent", kCollection, proto.parent()));
  }
  ZY_ASSIGN_OR_RETURN(team.home_region_code,
                      ParseRegionName("team.home_region", proto.home_region()));
  ZY_ASSIGN_OR_RETURN(team.practice_unit_id, ParseOptionalUnit(proto.practice_unit()));
  ZY_ASSIGN_OR_RETURN(team.categories, ParseCategories(proto.categories()));
  ZY_ASSIGN_OR_RETURN(team.leader, ParseOptionalLeader(proto.leader()));
  ZY_ASSIGN_OR_RETURN(team.status, ParseStatus(proto.status(), /*required=*/false));
  return team;
}

absl::StatusOr<storage::TeamChange> ToChange(const zhiyuan::v1::UpdateTeamRequest& request) {
  const zhiyuan::v1::Team& proto = request.team();
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "is required: name the fields to set");
  }
  storage::TeamChange change;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ZY_RETURN_IF_ERROR(
          ValidateText("team.display_name", proto.display_name(), 1, kMaxNameChars));
      change.display_name = proto.display_name();
    } else if (path == "categories") {
      ZY_ASSIGN_OR_RETURN(change.categories, ParseCategories(proto.categories()));
    } else if (path == "leader") {
      ZY_ASSIGN_OR_RETURN(change.leader, ParseOptionalLeader(proto.leader()));
    } else if (path == "practice_unit") {
      ZY_ASSIGN_OR_RETURN(change.practice_unit_id, ParseOptionalUnit(proto.practice_unit()));
    } else if (path == "status") {
      ZY_ASSIGN_OR_RETURN(change.status, ParseStatus(proto.status(), /*required=*/true));
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot set \"", path,
                                       "\": only display_name, categories, leader, "
                                       "practice_unit and status"));
    }
  }
  ZY_RETURN_IF_ERROR(ParseEtag("team.etag", proto.etag(), &change.expected_revision));
  return change;
}

absl::StatusOr<storage::TeamQuery> ToQuery(const zhiyuan::v1::ListTeamsRequest& request,
                                           std::string* fingerprint) {
  storage::TeamQuery query;
  if (!request.home_region().empty()) {
    ZY_ASSIGN_OR_RETURN(query.region_code, ParseRegionName("home_region", request.home_region()));
  }
  if (!request.parent().empty()) {
    ZY_ASSIGN_OR_RETURN(query.parent_id, ParseIdName("parent", kCollection, request.parent()));
  }
  if (!zhiyuan::v1::ServiceCategory_IsValid(request.category())) {
    return InvalidField("category", "is not a ServiceCategory");
  }
  query.category = request.category();
  if (!zhiyuan::v1::TeamStatus_IsValid(request.status())) {
    return InvalidField("status", "is not a TeamStatus");
  }
  query.status = request.status();
  query.show_deleted = request.show_deleted();
  ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request.page_size(), kDefaultPageSize,
                                     kMaxPageSize, &query.limit));
  *fingerprint = absl::StrCat(query.region_code, "|", query.parent_id, "|", query.category, "|",
                              query.status, "|", query.show_deleted);
  ZY_ASSIGN_OR_RETURN(const std::string after,
                      DecodePageToken("page_token", request.page_token(), *fingerprint));
  if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  return query;
}

}  // namespace

grpc::Status TeamServiceImpl::GetTeam(grpc::ServerContext* context,
                                      const zhiyuan::v1::GetTeamRequest* request,
                                      zhiyuan::v1::Team* response) {
  const absl::StatusOr<int64_t> id = ParseIdName("name", kCollection, request->name());
  if (!id.ok()) return ToGrpcStatus(id.status());
  return Reply(store_.Get(*id, Deadline(*context)), response);
}

grpc::Status TeamServiceImpl::ListTeams(grpc::ServerContext* context,
                                        const zhiyuan::v1::ListTeamsRequest* request,
                                        zhiyuan::v1::ListTeamsResponse* response) {
  std::string fingerprint;
  absl::StatusOr<storage::TeamQuery> query = ToQuery(*request, &fingerprint);
  if (!query.ok()) return ToGrpcStatus(query.status());
  const int page_size = query->limit;
  ++query->limit;  // One more tells whether there is a next page.
  absl::StatusOr<storage::TeamPage> page = store_.List(*query, Deadline(*context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  const bool more = static_cast<int>(page->teams.size()) > page_size;
  if (more) page->teams.pop_back();
  for (const storage::Team& team : page->teams) *response->add_teams() = ToProto(team);
  if (more) {
    response->set_next_page_token(EncodePageToken(fingerprint, absl::StrCat(page->teams.back().id)));
  }
  response->set_total_size(page->total);
  return grpc::Status::OK;
}

grpc::Status TeamServiceImpl::CreateTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::CreateTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  const absl::StatusOr<storage::Team> team = FromCreateRequest(*request);
  if (!team.ok()) return ToGrpcStatus(team.status());
  return Reply(store_.Create(*team, request->request_id(), Deadline(*context)), response);
}

grpc::Status TeamServiceImpl::UpdateTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::UpdateTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  const absl::StatusOr<int64_t> id =
      ParseIdName("team.name", kCollection, request->team().name());
  if (!id.ok()) return ToGrpcStatus(id.status());
  const absl::StatusOr<storage::TeamChange> change = ToChange(*request);
  if (!change.ok()) return ToGrpcStatus(change.status());
  return Reply(store_.Update(*id, *change, Deadline(*context)), response);
}

grpc::Status TeamServiceImpl::DeleteTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::DeleteTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  const absl::StatusOr<int64_t> id = ParseIdName("name", kCollection, request->name());
  if (!id.ok()) return ToGrpcStatus(id.status());
  std::optional<int64_t> revision;
  if (absl::Status valid = ParseEtag("etag", request->etag(), &revision); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  return Reply(store_.Delete(*id, revision, Deadline(*context)), response);
}

}  // namespace zhiyuan::services
