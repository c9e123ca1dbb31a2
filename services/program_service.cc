#include "services/program_service.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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

grpc::Status Reply(const absl::StatusOr<storage::Program>& program,
                   zhiyuan::v1::Program* response) {
  if (!program.ok()) return ToGrpcStatus(program.status());
  *response = ToProto(*program);
  return grpc::Status::OK;
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

grpc::Status ProgramServiceImpl::GetProgram(grpc::ServerContext* context,
                                            const zhiyuan::v1::GetProgramRequest* request,
                                            zhiyuan::v1::Program* response) {
  const absl::StatusOr<int64_t> id = ParseIdName("name", kCollection, request->name());
  if (!id.ok()) return ToGrpcStatus(id.status());
  return Reply(store_.Get(*id, Deadline(*context)), response);
}

grpc::Status ProgramServiceImpl::ListPrograms(grpc::ServerContext* context,
                                              const zhiyuan::v1::ListProgramsRequest* request,
                                              zhiyuan::v1::ListProgramsResponse* response) {
  std::string fingerprint;
  absl::StatusOr<storage::ProgramQuery> query = ToQuery(*request, &fingerprint);
  if (!query.ok()) return ToGrpcStatus(query.status());
  const int page_size = query->limit;
  ++query->limit;  // One more tells whether there is a next page.
  absl::StatusOr<storage::ProgramPage> page = store_.List(*query, Deadline(*context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  response->set_next_page_token(FillPage(
      page->programs, page_size, fingerprint,
      [&](const storage::Program& program) { *response->add_programs() = ToProto(program); },
      [](const storage::Program& program) { return absl::StrCat(program.id); }));
  response->set_total_size(page->total);
  return grpc::Status::OK;
}

grpc::Status ProgramServiceImpl::CreateProgram(grpc::ServerContext* context,
                                               const zhiyuan::v1::CreateProgramRequest* request,
                                               zhiyuan::v1::Program* response) {
  const absl::StatusOr<storage::Program> program = FromCreateRequest(*request);
  if (!program.ok()) return ToGrpcStatus(program.status());
  return Reply(
      store_.Create(*program, absl::AsciiStrToLower(request->request_id()), Deadline(*context)),
      response);
}

grpc::Status ProgramServiceImpl::UpdateProgram(grpc::ServerContext* context,
                                               const zhiyuan::v1::UpdateProgramRequest* request,
                                               zhiyuan::v1::Program* response) {
  const absl::StatusOr<int64_t> id =
      ParseIdName("program.name", kCollection, request->program().name());
  if (!id.ok()) return ToGrpcStatus(id.status());
  const absl::StatusOr<storage::ProgramChange> change = ToChange(*request);
  if (!change.ok()) return ToGrpcStatus(change.status());
  return Reply(store_.Update(*id, *change, Deadline(*context)), response);
}

grpc::Status ProgramServiceImpl::DeleteProgram(grpc::ServerContext* context,
                                               const zhiyuan::v1::DeleteProgramRequest* request,
                                               zhiyuan::v1::Program* response) {
  const absl::StatusOr<int64_t> id = ParseIdName("name", kCollection, request->name());
  if (!id.ok()) return ToGrpcStatus(id.status());
  std::optional<int64_t> revision;
  if (absl::Status valid = ParseEtag("etag", request->etag(), &revision); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  return Reply(store_.Delete(*id, revision, Deadline(*context)), response);
}

}  // namespace zhiyuan::services
