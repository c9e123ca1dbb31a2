#include "services/team_service.h"

#include <set>
#include <string>
#include <vector>

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

// A team as `caller` may see it: a reporter sees no one, not even who leads it.
zhiyuan::v1::Team ForCaller(const Principal& caller, zhiyuan::v1::Team team) {
  if (caller.role == zhiyuan::v1::ROLE_REPORTER) team.clear_leader();
  return team;
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

// The team `id` when the caller reaches it. Errors: NOT_FOUND; PERMISSION_DENIED naming `verb`
// and the team.
absl::StatusOr<storage::Team> TeamServiceImpl::ReachableTeam(const Principal& caller, int64_t id,
                                                             absl::string_view verb,
                                                             absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(storage::Team team, store_.Get(id, deadline));
  ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesTeam(caller, team, deadline));
  if (!reached) return Authorizer::Deny(caller, absl::StrCat(verb, " ", IdName(kCollection, id)));
  return team;
}

// OK when the caller reaches team `id`; a system admin reaches every team, so that the store
// answers for one that does not exist.
absl::Status TeamServiceImpl::CheckTeamReach(const Principal& caller, int64_t id,
                                             absl::string_view verb, absl::Time deadline) {
  if (caller.is_system_admin()) return absl::OkStatus();
  return ReachableTeam(caller, id, verb, deadline).status();
}

// A team leader may only put new teams under their own or one below it; a region admin, in a
// home region, parent and practice unit they reach.
absl::Status TeamServiceImpl::CheckNewTeam(const Principal& caller, const storage::Team& team,
                                           absl::Time deadline) {
  if (caller.role == zhiyuan::v1::ROLE_TEAM_LEADER) {
    if (team.parent_id == 0) {
      return Authorizer::Deny(caller, "create a team that is not under its own team");
    }
  } else if (!Authorizer::ReachesRegion(caller, team.home_region_code)) {
    return Authorizer::Deny(caller,
                            absl::StrCat("create a team in ", RegionName(team.home_region_code)));
  }
  if (team.parent_id != 0) {
    ZY_ASSIGN_OR_RETURN(const bool reached,
                        authorizer_.ReachesTeamId(caller, "team.parent", team.parent_id, deadline));
    if (!reached) {
      return Authorizer::Deny(
          caller, absl::StrCat("create a team under ", IdName(kCollection, team.parent_id)));
    }
  }
  return CheckUnit(caller, "team.practice_unit", team.practice_unit_id, deadline);
}

absl::Status TeamServiceImpl::CheckUnit(const Principal& caller, absl::string_view field,
                                        int64_t unit_id, absl::Time deadline) {
  if (unit_id == 0) return absl::OkStatus();
  ZY_ASSIGN_OR_RETURN(const bool reached,
                      authorizer_.ReachesUnitId(caller, field, unit_id, deadline));
  if (reached) return absl::OkStatus();
  return Authorizer::Deny(caller, absl::StrCat("link a team to ", IdName(kUnits, unit_id)));
}

grpc::Status TeamServiceImpl::GetTeam(grpc::ServerContext* context,
                                      const zhiyuan::v1::GetTeamRequest* request,
                                      zhiyuan::v1::Team* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER, v1::ROLE_TEAM_LEADER}, "read teams"));
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    ZY_ASSIGN_OR_RETURN(const storage::Team team,
                        ReachableTeam(caller, id, "read", Deadline(*context)));
    *response = ForCaller(caller, ToProto(team));
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::ListTeams(grpc::ServerContext* context,
                                        const zhiyuan::v1::ListTeamsRequest* request,
                                        zhiyuan::v1::ListTeamsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER, v1::ROLE_TEAM_LEADER}, "list teams"));
    const absl::Time deadline = Deadline(*context);
    std::string fingerprint;
    ZY_ASSIGN_OR_RETURN(storage::TeamQuery query, ToQuery(*request, &fingerprint));
    if (caller.role == v1::ROLE_TEAM_LEADER) {
      // A team leader lists the teams directly under their own, or under one below it.
      if (query.parent_id == 0) query.parent_id = caller.team_id;
      ZY_ASSIGN_OR_RETURN(const bool within,
                          authorizer_.IsTeamWithin(query.parent_id, caller.team_id, deadline));
      if (!within) {
        return Authorizer::Deny(
            caller, absl::StrCat("list the teams under ", IdName(kCollection, query.parent_id)));
      }
    } else {
      ZY_ASSIGN_OR_RETURN(query.region_code,
                          Authorizer::NarrowRegion(caller, "home_region", query.region_code));
    }
    const int page_size = query.limit;
    ++query.limit;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::TeamPage page, store_.List(query, deadline));
    response->set_next_page_token(FillPage(
        page.teams, page_size, fingerprint,
        [&](const storage::Team& team) {
          *response->add_teams() = ForCaller(caller, ToProto(team));
        },
        [](const storage::Team& team) { return absl::StrCat(team.id); }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::CreateTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::CreateTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "create teams"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const storage::Team team, FromCreateRequest(*request));
    ZY_RETURN_IF_ERROR(CheckNewTeam(caller, team, deadline));
    ZY_ASSIGN_OR_RETURN(
        const storage::Team created,
        store_.Create(team, absl::AsciiStrToLower(request->request_id()),
                      AuditOf(caller, *context, "zhiyuan.v1.TeamService.CreateTeam", *request),
                      deadline));
    ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesTeam(caller, created, deadline));
    if (!reached) return Authorizer::RequestIdTaken(request->request_id());
    *response = ToProto(created);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::UpdateTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::UpdateTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "change teams"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id,
                        ParseIdName("team.name", kCollection, request->team().name()));
    ZY_ASSIGN_OR_RETURN(const storage::TeamChange change, ToChange(*request));
    ZY_RETURN_IF_ERROR(ReachableTeam(caller, id, "change", deadline).status());
    ZY_RETURN_IF_ERROR(
        CheckUnit(caller, "team.practice_unit", change.practice_unit_id.value_or(0), deadline));
    ZY_ASSIGN_OR_RETURN(
        const storage::Team updated,
        store_.Update(id, change,
                      AuditOf(caller, *context, "zhiyuan.v1.TeamService.UpdateTeam", *request),
                      deadline));
    *response = ToProto(updated);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::DeleteTeam(grpc::ServerContext* context,
                                         const zhiyuan::v1::DeleteTeamRequest* request,
                                         zhiyuan::v1::Team* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "delete teams"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("etag", request->etag(), &revision));
    if (caller.role == v1::ROLE_TEAM_LEADER && id == caller.team_id) {
      return Authorizer::Deny(caller, "delete its own team");
    }
    ZY_RETURN_IF_ERROR(ReachableTeam(caller, id, "delete", deadline).status());
    ZY_ASSIGN_OR_RETURN(
        const storage::Team deleted,
        store_.Delete(id, revision,
                      AuditOf(caller, *context, "zhiyuan.v1.TeamService.DeleteTeam", *request),
                      deadline));
    *response = ToProto(deleted);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::GetTeamMember(grpc::ServerContext* context,
                                            const zhiyuan::v1::GetTeamMemberRequest* request,
                                            zhiyuan::v1::TeamMember* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER, v1::ROLE_VOLUNTEER},
        "read team members"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const MemberName name, ParseMemberName("name", request->name()));
    // Who is in which team is personal: out of reach reads the same as not a member.
    const absl::Status hidden =
        absl::NotFoundError(absl::StrCat(request->name(), " does not exist: volunteers/",
                                         name.volunteer_number, " is not a member now"));
    if (caller.role == v1::ROLE_VOLUNTEER) {
      if (name.volunteer_number != caller.volunteer_number) return hidden;
    } else if (absl::StatusOr<storage::Team> team = store_.Get(name.team_id, deadline);
               absl::IsNotFound(team.status())) {
      return hidden;
    } else if (!team.ok()) {
      return team.status();
    } else {
      ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesTeam(caller, *team, deadline));
      if (!reached) return hidden;
    }
    ZY_ASSIGN_OR_RETURN(const storage::TeamMember member,
                        members_.Get(name.team_id, name.volunteer_number, deadline));
    *response = ToProto(member);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::ListTeamMembers(grpc::ServerContext* context,
                                              const zhiyuan::v1::ListTeamMembersRequest* request,
                                              zhiyuan::v1::ListTeamMembersResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER, v1::ROLE_VOLUNTEER},
        "list team members"));
    const absl::Time deadline = Deadline(*context);
    std::string fingerprint;
    ZY_ASSIGN_OR_RETURN(storage::TeamMemberQuery query, ToMemberQuery(*request, &fingerprint));
    if (caller.role == v1::ROLE_VOLUNTEER) {
      // A volunteer lists their own memberships only.
      if (query.volunteer_number != caller.volunteer_number) {
        return Authorizer::Deny(caller, "list other volunteers' memberships");
      }
    } else if (query.team_id == 0) {
      // teams/-: one volunteer's memberships of every team.
      ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesVolunteerNumber(
                                                  caller, query.volunteer_number, deadline));
      if (!reached || caller.role == v1::ROLE_TEAM_LEADER) {
        return Authorizer::Deny(caller, absl::StrCat("list the memberships of ",
                                                     VolunteerName(query.volunteer_number)));
      }
    } else {
      ZY_RETURN_IF_ERROR(
          ReachableTeam(caller, query.team_id, "list the members of", deadline).status());
    }
    const int page_size = query.limit;
    ++query.limit;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::TeamMemberPage page, members_.List(query, deadline));
    response->set_next_page_token(FillPage(
        page.members, page_size, fingerprint,
        [&](const storage::TeamMember& member) { *response->add_team_members() = ToProto(member); },
        [](const storage::TeamMember& member) { return absl::StrCat(member.id); }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::CreateTeamMember(grpc::ServerContext* context,
                                               const zhiyuan::v1::CreateTeamMemberRequest* request,
                                               zhiyuan::v1::TeamMember* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "add team members"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t team, ParseIdName("parent", kCollection, request->parent()));
    ZY_ASSIGN_OR_RETURN(const std::string volunteer,
                        ParseVolunteerName("volunteer", request->volunteer()));
    ZY_ASSIGN_OR_RETURN(const int role, ParseRole("role", request->role(), /*required=*/false));
    ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request->request_id()));
    ZY_ASSIGN_OR_RETURN(const bool reached,
                        authorizer_.ReachesTeamId(caller, "parent", team, deadline));
    if (!reached) {
      return Authorizer::Deny(caller, absl::StrCat("add members to ", IdName(kCollection, team)));
    }
    ZY_ASSIGN_OR_RETURN(
        const storage::TeamMember member,
        members_.Create(
            team, volunteer, role, absl::AsciiStrToLower(request->request_id()),
            AuditOf(caller, *context, "zhiyuan.v1.TeamService.CreateTeamMember", *request),
            deadline));
    // The request_id named this volunteer's joining of another team.
    if (member.team_id != team) return Authorizer::RequestIdTaken(request->request_id());
    *response = ToProto(member);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::UpdateTeamMember(grpc::ServerContext* context,
                                               const zhiyuan::v1::UpdateTeamMemberRequest* request,
                                               zhiyuan::v1::TeamMember* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "change team members"));
    const absl::Time deadline = Deadline(*context);
    const zhiyuan::v1::TeamMember& proto = request->team_member();
    ZY_ASSIGN_OR_RETURN(const MemberName name, ParseMemberName("team_member.name", proto.name()));
    if (request->update_mask().paths_size() != 1 || request->update_mask().paths(0) != "role") {
      return InvalidField("update_mask", "must name role, the one field to set");
    }
    ZY_ASSIGN_OR_RETURN(const int role,
                        ParseRole("team_member.role", proto.role(), /*required=*/true));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("team_member.etag", proto.etag(), &revision));
    ZY_RETURN_IF_ERROR(CheckTeamReach(caller, name.team_id, "change the members of", deadline));
    ZY_ASSIGN_OR_RETURN(
        const storage::TeamMember member,
        members_.UpdateRole(
            name.team_id, name.volunteer_number, role, revision,
            AuditOf(caller, *context, "zhiyuan.v1.TeamService.UpdateTeamMember", *request),
            deadline));
    *response = ToProto(member);
    return absl::OkStatus();
  });
}

grpc::Status TeamServiceImpl::DeleteTeamMember(grpc::ServerContext* context,
                                               const zhiyuan::v1::DeleteTeamMemberRequest* request,
                                               zhiyuan::v1::TeamMember* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER, v1::ROLE_VOLUNTEER},
        "remove team members"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const MemberName name, ParseMemberName("name", request->name()));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("etag", request->etag(), &revision));
    if (caller.role == v1::ROLE_VOLUNTEER) {
      // A volunteer may leave a team, not remove others.
      if (name.volunteer_number != caller.volunteer_number) {
        return Authorizer::Deny(caller, "remove other volunteers from teams");
      }
    } else {
      ZY_RETURN_IF_ERROR(CheckTeamReach(caller, name.team_id, "remove the members of", deadline));
    }
    ZY_ASSIGN_OR_RETURN(const storage::TeamMember member,
                        members_.Leave(name.team_id, name.volunteer_number, revision,
                                       AuditOf(caller, *context,
                                               "zhiyuan.v1.TeamService.DeleteTeamMember", *request),
                                       deadline));
    *response = ToProto(member);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
