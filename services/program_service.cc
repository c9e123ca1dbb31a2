#include "services/program_service.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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

constexpr absl::string_view kCollection = "programs";
constexpr absl::string_view kUnits = "practiceUnits";
constexpr absl::string_view kTeams = "teams";
constexpr int kMaxNameChars = 100;
constexpr int kMaxDescriptionChars = 500;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

std::string OwnerName(const storage::ProgramOwner& owner) {
  if (owner.practice_unit_id != 0) return IdName(kUnits, owner.practice_unit_id);
  if (owner.team_id != 0) return IdName(kTeams, owner.team_id);
  return RegionName(owner.region_code);
}

// A region, practice unit or team name. Errors: INVALID_ARGUMENT naming `field`.
absl::StatusOr<storage::ProgramOwner> ParseOwner(absl::string_view field, absl::string_view name) {
  storage::ProgramOwner owner;
  if (absl::StartsWith(name, "practiceUnits/")) {
    ZY_ASSIGN_OR_RETURN(owner.practice_unit_id, ParseIdName(field, kUnits, name));
  } else if (absl::StartsWith(name, "teams/")) {
    ZY_ASSIGN_OR_RETURN(owner.team_id, ParseIdName(field, kTeams, name));
  } else if (absl::StartsWith(name, "regions/")) {
    ZY_ASSIGN_OR_RETURN(owner.region_code, ParseRegionName(field, name));
  } else {
    return InvalidField(
        field, name.empty() ? "is required" : "must name a region, a practice unit or a team");
  }
  return owner;
}

zhiyuan::v1::Program ToProto(const storage::Program& program) {
  zhiyuan::v1::Program proto;
  proto.set_name(IdName(kCollection, program.id));
  proto.set_display_name(program.display_name);
  proto.set_category(static_cast<zhiyuan::v1::ServiceCategory>(program.category));
  proto.set_owner(OwnerName(program.owner));
  proto.set_region(RegionName(program.region_code));
  proto.set_description(program.description);
  proto.set_start_date(absl::FormatCivilTime(program.start_date));
  if (program.end_date.has_value()) proto.set_end_date(absl::FormatCivilTime(*program.end_date));
  *proto.mutable_create_time() = services::ToProto(program.create_time);
  *proto.mutable_update_time() = services::ToProto(program.update_time);
  if (program.delete_time.has_value()) {
    *proto.mutable_delete_time() = services::ToProto(*program.delete_time);
  }
  proto.set_etag(absl::StrCat(program.revision));
  return proto;
}

absl::Status Reply(const absl::StatusOr<storage::Program>& program,
                   zhiyuan::v1::Program* response) {
  ZY_RETURN_IF_ERROR(program.status());
  *response = ToProto(*program);
  return absl::OkStatus();
}

absl::StatusOr<int> ParseCategory(int category) {
  if (category == zhiyuan::v1::SERVICE_CATEGORY_UNSPECIFIED ||
      !zhiyuan::v1::ServiceCategory_IsValid(category)) {
    return InvalidField("program.category", "is required: a ServiceCategory");
  }
  return category;
}

absl::StatusOr<std::optional<absl::CivilDay>> ParseEndDate(absl::string_view text) {
  if (text.empty()) return std::optional<absl::CivilDay>();
  ZY_ASSIGN_OR_RETURN(const absl::CivilDay day, ParseDate("program.end_date", text));
  return std::make_optional(day);
}

absl::StatusOr<storage::Program> FromCreateRequest(
    const zhiyuan::v1::CreateProgramRequest& request) {
  ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  const zhiyuan::v1::Program& proto = request.program();
  storage::Program program;
  ZY_RETURN_IF_ERROR(ValidateText("program.display_name", proto.display_name(), 1, kMaxNameChars));
  program.display_name = proto.display_name();
  ZY_ASSIGN_OR_RETURN(program.category, ParseCategory(proto.category()));
  ZY_ASSIGN_OR_RETURN(program.owner, ParseOwner("program.owner", proto.owner()));
  ZY_RETURN_IF_ERROR(
      ValidateText("program.description", proto.description(), 0, kMaxDescriptionChars));
  program.description = proto.description();
  ZY_ASSIGN_OR_RETURN(program.start_date, ParseDate("program.start_date", proto.start_date()));
  ZY_ASSIGN_OR_RETURN(program.end_date, ParseEndDate(proto.end_date()));
  if (program.end_date.has_value() && *program.end_date < program.start_date) {
    return InvalidField("program.end_date", "must not be before start_date");
  }
  return program;
}

absl::StatusOr<storage::ProgramChange> ToChange(const zhiyuan::v1::UpdateProgramRequest& request) {
  const zhiyuan::v1::Program& proto = request.program();
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "is required: name the fields to set");
  }
  storage::ProgramChange change;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ZY_RETURN_IF_ERROR(
          ValidateText("program.display_name", proto.display_name(), 1, kMaxNameChars));
      change.display_name = proto.display_name();
    } else if (path == "category") {
      ZY_ASSIGN_OR_RETURN(change.category, ParseCategory(proto.category()));
    } else if (path == "description") {
      ZY_RETURN_IF_ERROR(
          ValidateText("program.description", proto.description(), 0, kMaxDescriptionChars));
      change.description = proto.description();
    } else if (path == "start_date") {
      ZY_ASSIGN_OR_RETURN(change.start_date, ParseDate("program.start_date", proto.start_date()));
    } else if (path == "end_date") {
      ZY_ASSIGN_OR_RETURN(change.end_date, ParseEndDate(proto.end_date()));
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot set \"", path,
                                       "\": only display_name, category, description, "
                                       "start_date and end_date"));
    }
  }
  ZY_RETURN_IF_ERROR(ParseEtag("program.etag", proto.etag(), &change.expected_revision));
  return change;
}

absl::StatusOr<storage::ProgramQuery> ToQuery(const zhiyuan::v1::ListProgramsRequest& request,
                                              std::string* fingerprint) {
  storage::ProgramQuery query;
  if (!request.region().empty()) {
    ZY_ASSIGN_OR_RETURN(query.region_code, ParseRegionName("region", request.region()));
  }
  if (!zhiyuan::v1::ServiceCategory_IsValid(request.category())) {
    return InvalidField("category", "is not a ServiceCategory");
  }
  query.category = request.category();
  if (!request.owner().empty()) {
    ZY_ASSIGN_OR_RETURN(query.owner, ParseOwner("owner", request.owner()));
  }
  query.show_deleted = request.show_deleted();
  ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request.page_size(), kDefaultPageSize,
                                     kMaxPageSize, &query.limit));
  *fingerprint = absl::StrCat("programs|", query.region_code, "|", query.category, "|",
                              request.owner(), "|", query.show_deleted);
  ZY_ASSIGN_OR_RETURN(const std::string after,
                      DecodePageToken("page_token", request.page_token(), *fingerprint));
  if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  return query;
}

}  // namespace

// The program `id` when the caller reaches its region. Errors: NOT_FOUND; PERMISSION_DENIED
// naming `verb`.
absl::StatusOr<storage::Program> ProgramServiceImpl::ReachableProgram(const Principal& caller,
                                                                      int64_t id,
                                                                      absl::string_view verb,
                                                                      absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(storage::Program program, store_.Get(id, deadline));
  if (!Authorizer::ReachesRegion(caller, program.region_code)) {
    return Authorizer::Deny(caller, absl::StrCat(verb, " ", IdName(kCollection, id)));
  }
  return program;
}

// The owner of a new program must be a region, practice unit or team the caller reaches.
absl::Status ProgramServiceImpl::CheckOwner(const Principal& caller,
                                            const storage::ProgramOwner& owner,
                                            absl::Time deadline) {
  bool reached = false;
  if (owner.practice_unit_id != 0) {
    ZY_ASSIGN_OR_RETURN(reached, authorizer_.ReachesUnitId(caller, "program.owner",
                                                           owner.practice_unit_id, deadline));
  } else if (owner.team_id != 0) {
    ZY_ASSIGN_OR_RETURN(
        reached, authorizer_.ReachesTeamId(caller, "program.owner", owner.team_id, deadline));
  } else {
    reached = Authorizer::ReachesRegion(caller, owner.region_code);
  }
  if (reached) return absl::OkStatus();
  return Authorizer::Deny(caller, absl::StrCat("create a program run by ", OwnerName(owner)));
}

grpc::Status ProgramServiceImpl::GetProgram(grpc::ServerContext* context,
                                            const zhiyuan::v1::GetProgramRequest* request,
                                            zhiyuan::v1::Program* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER},
                                               "read programs"));
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    return Reply(ReachableProgram(caller, id, "read", Deadline(*context)), response);
  });
}

grpc::Status ProgramServiceImpl::ListPrograms(grpc::ServerContext* context,
                                              const zhiyuan::v1::ListProgramsRequest* request,
                                              zhiyuan::v1::ListProgramsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER},
                                               "list programs"));
    std::string fingerprint;
    ZY_ASSIGN_OR_RETURN(storage::ProgramQuery query, ToQuery(*request, &fingerprint));
    ZY_ASSIGN_OR_RETURN(query.region_code,
                        Authorizer::NarrowRegion(caller, "region", query.region_code));
    const int page_size = query.limit;
    ++query.limit;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::ProgramPage page, store_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        page.programs, page_size, fingerprint,
        [&](const storage::Program& program) { *response->add_programs() = ToProto(program); },
        [](const storage::Program& program) { return absl::StrCat(program.id); }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status ProgramServiceImpl::CreateProgram(grpc::ServerContext* context,
                                               const zhiyuan::v1::CreateProgramRequest* request,
                                               zhiyuan::v1::Program* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "create programs"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const storage::Program program, FromCreateRequest(*request));
    ZY_RETURN_IF_ERROR(CheckOwner(caller, program.owner, deadline));
    ZY_ASSIGN_OR_RETURN(const storage::Program created,
                        store_.Create(program, absl::AsciiStrToLower(request->request_id()),
                                      AuditOf(caller, *context,
                                              "zhiyuan.v1.ProgramService.CreateProgram", *request),
                                      deadline));
    if (!Authorizer::ReachesRegion(caller, created.region_code)) {
      return Authorizer::RequestIdTaken(request->request_id());
    }
    return Reply(created, response);
  });
}

grpc::Status ProgramServiceImpl::UpdateProgram(grpc::ServerContext* context,
                                               const zhiyuan::v1::UpdateProgramRequest* request,
                                               zhiyuan::v1::Program* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "change programs"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id,
                        ParseIdName("program.name", kCollection, request->program().name()));
    ZY_ASSIGN_OR_RETURN(const storage::ProgramChange change, ToChange(*request));
    ZY_RETURN_IF_ERROR(ReachableProgram(caller, id, "change", deadline).status());
    return Reply(store_.Update(
                     id, change,
                     AuditOf(caller, *context, "zhiyuan.v1.ProgramService.UpdateProgram", *request),
                     deadline),
                 response);
  });
}

grpc::Status ProgramServiceImpl::DeleteProgram(grpc::ServerContext* context,
                                               const zhiyuan::v1::DeleteProgramRequest* request,
                                               zhiyuan::v1::Program* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "delete programs"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("etag", request->etag(), &revision));
    ZY_RETURN_IF_ERROR(ReachableProgram(caller, id, "delete", deadline).status());
    return Reply(store_.Delete(
                     id, revision,
                     AuditOf(caller, *context, "zhiyuan.v1.ProgramService.DeleteProgram", *request),
                     deadline),
                 response);
  });
}

}  // namespace zhiyuan::services
