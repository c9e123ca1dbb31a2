#include "services/team_service.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
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
  if (team.delete_time.has_value())
    *proto.mutable_delete_time() = services::ToProto(*team.delete_time);
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
  return status == zhiyuan::v1::TEAM_STATUS_UNSPECIFIED ? zhiyuan::v1::TEAM_STATUS_ACTIVE : status;
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
      ZY_RETURN_IF_ERROR(ValidateText("team.display_name", proto.display_name(), 1, kMaxNameChars));
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
      return InvalidField("update_mask", absl::StrCat("cannot set \"", path,
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
  if (!request.display_name_prefix().empty()) {
    ZY_RETURN_IF_ERROR(
        ValidateText("display_name_prefix", request.display_name_prefix(), 1, kMaxNameChars));
    query.name_prefix = request.display_name_prefix();
  }
  ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request.page_size(), kDefaultPageSize,
                                     kMaxPageSize, &query.limit));
  *fingerprint =
      absl::StrCat("teams|", query.region_code, "|", query.parent_id, "|", query.category, "|",
                   query.status, "|", query.show_deleted, "|", query.name_prefix);
  ZY_ASSIGN_OR_RETURN(const std::string after,
                      DecodePageToken("page_token", request.page_token(), *fingerprint));
  if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  return query;
}

// "teams/{id}/members/{volunteer_number}".
struct MemberName {
  int64_t team_id;
  std::string volunteer_number;
};

absl::StatusOr<MemberName> ParseMemberName(absl::string_view field, absl::string_view name) {
  const size_t split = name.find("/members/");
  if (name.empty()) return InvalidField(field, "is required");
  if (split == absl::string_view::npos) {
    return InvalidField(field, "must be teams/{id}/members/{volunteer_number}");
  }
  MemberName parsed;
  ZY_ASSIGN_OR_RETURN(parsed.team_id, ParseIdName(field, kCollection, name.substr(0, split)));
  ZY_ASSIGN_OR_RETURN(
      parsed.volunteer_number,
      ParseVolunteerName(field, absl::StrCat("volunteers/", name.substr(split + 9))));
  return parsed;
}

zhiyuan::v1::TeamMember ToProto(const storage::TeamMember& member) {
  zhiyuan::v1::TeamMember proto;
  proto.set_name(
      absl::StrCat(IdName(kCollection, member.team_id), "/members/", member.volunteer_number));
  proto.set_volunteer(VolunteerName(member.volunteer_number));
  proto.set_role(static_cast<zhiyuan::v1::TeamMemberRole>(member.role));
  *proto.mutable_join_time() = services::ToProto(member.join_time);
  if (member.leave_time.has_value())
    *proto.mutable_leave_time() = services::ToProto(*member.leave_time);
  proto.set_etag(absl::StrCat(member.revision));
  return proto;
}

grpc::Status Reply(const absl::StatusOr<storage::TeamMember>& member,
                   zhiyuan::v1::TeamMember* response) {
  if (!member.ok()) return ToGrpcStatus(member.status());
  *response = ToProto(*member);
  return grpc::Status::OK;
}

absl::StatusOr<int> ParseRole(absl::string_view field, int role, bool required) {
  if (!zhiyuan::v1::TeamMemberRole_IsValid(role) ||
      (required && role == zhiyuan::v1::TEAM_MEMBER_ROLE_UNSPECIFIED)) {
    return InvalidField(field, "must be MEMBER, LEADER or ADMIN");
  }
  return role == zhiyuan::v1::TEAM_MEMBER_ROLE_UNSPECIFIED ? zhiyuan::v1::TEAM_MEMBER_ROLE_MEMBER
                                                           : role;
}

absl::StatusOr<storage::TeamMemberQuery> ToMemberQuery(
    const zhiyuan::v1::ListTeamMembersRequest& request, std::string* fingerprint) {
  storage::TeamMemberQuery query;
  if (!request.volunteer().empty()) {
    ZY_ASSIGN_OR_RETURN(query.volunteer_number,
                        ParseVolunteerName("volunteer", request.volunteer()));
  }
  if (request.parent() == "teams/-") {
    if (query.volunteer_number.empty()) {
      return InvalidField("volunteer", "is required when the parent is teams/-");
    }
  } else {
    ZY_ASSIGN_OR_RETURN(query.team_id, ParseIdName("parent", kCollection, request.parent()));
  }
  query.show_former = request.show_former();
  ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request.page_size(), kDefaultPageSize,
                                     kMaxPageSize, &query.limit));
  *fingerprint =
      absl::StrCat("members|", query.team_id, "|", query.volunteer_number, "|", query.show_former);
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
  response->set_next_page_token(FillPage(
      page->teams, page_size, fingerprint,
      [&](const storage::Team& team) { *response->add_teams() = ToProto(team); },
      [](const storage::Team& team) { return absl::StrCat(team.id); }));
  response->set_total_size(page->total);
  return grpc::Status::OK;
}

grpc::Status TeamServiceImpl::CreateTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::CreateTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  const absl::StatusOr<storage::Team> team = FromCreateRequest(*request);
  if (!team.ok()) return ToGrpcStatus(team.status());
  return Reply(
      store_.Create(*team, absl::AsciiStrToLower(request->request_id()), Deadline(*context)),
      response);
}

grpc::Status TeamServiceImpl::UpdateTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::UpdateTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  const absl::StatusOr<int64_t> id = ParseIdName("team.name", kCollection, request->team().name());
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

grpc::Status TeamServiceImpl::GetTeamMember(grpc::ServerContext* context,
                                            const zhiyuan::v1::GetTeamMemberRequest* request,
                                            zhiyuan::v1::TeamMember* response) {
  const absl::StatusOr<MemberName> name = ParseMemberName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  return Reply(members_.Get(name->team_id, name->volunteer_number, Deadline(*context)), response);
}

grpc::Status TeamServiceImpl::ListTeamMembers(grpc::ServerContext* context,
                                              const zhiyuan::v1::ListTeamMembersRequest* request,
                                              zhiyuan::v1::ListTeamMembersResponse* response) {
  std::string fingerprint;
  absl::StatusOr<storage::TeamMemberQuery> query = ToMemberQuery(*request, &fingerprint);
  if (!query.ok()) return ToGrpcStatus(query.status());
  const int page_size = query->limit;
  ++query->limit;  // One more tells whether there is a next page.
  absl::StatusOr<storage::TeamMemberPage> page = members_.List(*query, Deadline(*context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  response->set_next_page_token(FillPage(
      page->members, page_size, fingerprint,
      [&](const storage::TeamMember& member) { *response->add_team_members() = ToProto(member); },
      [](const storage::TeamMember& member) { return absl::StrCat(member.id); }));
  response->set_total_size(page->total);
  return grpc::Status::OK;
}

grpc::Status TeamServiceImpl::CreateTeamMember(grpc::ServerContext* context,
                                               const zhiyuan::v1::CreateTeamMemberRequest* request,
                                               zhiyuan::v1::TeamMember* response) {
  const absl::StatusOr<int64_t> team = ParseIdName("parent", kCollection, request->parent());
  if (!team.ok()) return ToGrpcStatus(team.status());
  const absl::StatusOr<std::string> volunteer =
      ParseVolunteerName("volunteer", request->volunteer());
  if (!volunteer.ok()) return ToGrpcStatus(volunteer.status());
  const absl::StatusOr<int> role = ParseRole("role", request->role(), /*required=*/false);
  if (!role.ok()) return ToGrpcStatus(role.status());
  if (absl::Status valid = ValidateRequestId("request_id", request->request_id()); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  return Reply(members_.Create(*team, *volunteer, *role,
                               absl::AsciiStrToLower(request->request_id()), Deadline(*context)),
               response);
}

grpc::Status TeamServiceImpl::UpdateTeamMember(grpc::ServerContext* context,
                                               const zhiyuan::v1::UpdateTeamMemberRequest* request,
                                               zhiyuan::v1::TeamMember* response) {
  const zhiyuan::v1::TeamMember& proto = request->team_member();
  const absl::StatusOr<MemberName> name = ParseMemberName("team_member.name", proto.name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  if (request->update_mask().paths_size() != 1 || request->update_mask().paths(0) != "role") {
    return ToGrpcStatus(InvalidField("update_mask", "must name role, the one field to set"));
  }
  const absl::StatusOr<int> role = ParseRole("team_member.role", proto.role(), /*required=*/true);
  if (!role.ok()) return ToGrpcStatus(role.status());
  std::optional<int64_t> revision;
  if (absl::Status valid = ParseEtag("team_member.etag", proto.etag(), &revision); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  return Reply(members_.UpdateRole(name->team_id, name->volunteer_number, *role, revision,
                                   Deadline(*context)),
               response);
}

grpc::Status TeamServiceImpl::DeleteTeamMember(grpc::ServerContext* context,
                                               const zhiyuan::v1::DeleteTeamMemberRequest* request,
                                               zhiyuan::v1::TeamMember* response) {
  const absl::StatusOr<MemberName> name = ParseMemberName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  std::optional<int64_t> revision;
  if (absl::Status valid = ParseEtag("etag", request->etag(), &revision); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  return Reply(members_.Leave(name->team_id, name->volunteer_number, revision, Deadline(*context)),
               response);
}

}  // namespace zhiyuan::services
