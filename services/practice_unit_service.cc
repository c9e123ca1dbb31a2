#include "services/practice_unit_service.h"

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
#include "storage/region_code.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;

using storage::PracticeUnitKind;
using storage::RegionLevel;

constexpr absl::string_view kCollection = "practiceUnits";
constexpr int kMaxNameChars = 100;
constexpr int kMaxAddressChars = 200;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

zhiyuan::v1::PracticeUnit ToProto(const storage::PracticeUnit& unit) {
  zhiyuan::v1::PracticeUnit proto;
  proto.set_name(IdName(kCollection, unit.id));
  proto.set_display_name(unit.display_name);
  proto.set_kind(static_cast<zhiyuan::v1::PracticeUnitKind>(unit.kind));
  if (unit.parent_id != 0) proto.set_parent(IdName(kCollection, unit.parent_id));
  proto.set_region(RegionName(unit.region_code));
  proto.set_address(unit.address);
  *proto.mutable_create_time() = services::ToProto(unit.create_time);
  *proto.mutable_update_time() = services::ToProto(unit.update_time);
  if (unit.delete_time.has_value()) {
    *proto.mutable_delete_time() = services::ToProto(*unit.delete_time);
  }
  proto.set_etag(absl::StrCat(unit.revision));
  return proto;
}

// The region level a unit of `kind` sits at; kInvalid for any (a point).
RegionLevel LevelOf(PracticeUnitKind kind) {
  switch (kind) {
    case PracticeUnitKind::kCenter:
      return RegionLevel::kCounty;
    case PracticeUnitKind::kInstitute:
      return RegionLevel::kTownship;
    case PracticeUnitKind::kStation:
      return RegionLevel::kVillage;
    default:
      return RegionLevel::kInvalid;
  }
}

absl::StatusOr<storage::PracticeUnit> FromCreateRequest(
    const zhiyuan::v1::CreatePracticeUnitRequest& request) {
  ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  const zhiyuan::v1::PracticeUnit& proto = request.practice_unit();
  storage::PracticeUnit unit;
  if (proto.kind() == zhiyuan::v1::PRACTICE_UNIT_KIND_UNSPECIFIED ||
      !zhiyuan::v1::PracticeUnitKind_IsValid(proto.kind())) {
    return InvalidField("practice_unit.kind", "is required: center, institute, station or point");
  }
  unit.kind = static_cast<PracticeUnitKind>(proto.kind());
  ZY_RETURN_IF_ERROR(
      ValidateText("practice_unit.display_name", proto.display_name(), 1, kMaxNameChars));
  unit.display_name = proto.display_name();
  ZY_RETURN_IF_ERROR(ValidateText("practice_unit.address", proto.address(), 0, kMaxAddressChars));
  unit.address = proto.address();
  ZY_ASSIGN_OR_RETURN(unit.region_code, ParseRegionName("practice_unit.region", proto.region()));
  const RegionLevel level = LevelOf(unit.kind);
  if (level != RegionLevel::kInvalid && storage::LevelOfRegionCode(unit.region_code) != level) {
    return InvalidField(
        "practice_unit.region",
        absl::StrCat("a ", zhiyuan::v1::PracticeUnitKind_Name(proto.kind()),
                     " sits in a region with a ", storage::RegionCodeLength(level), "-digit code"));
  }
  if (unit.kind == PracticeUnitKind::kCenter) {
    if (!proto.parent().empty()) {
      return InvalidField("practice_unit.parent", "a center has no parent");
    }
  } else {
    ZY_ASSIGN_OR_RETURN(unit.parent_id,
                        ParseIdName("practice_unit.parent", kCollection, proto.parent()));
  }
  return unit;
}

absl::StatusOr<storage::PracticeUnitChange> ToChange(
    const zhiyuan::v1::UpdatePracticeUnitRequest& request) {
  const zhiyuan::v1::PracticeUnit& proto = request.practice_unit();
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "is required: name the fields to set");
  }
  storage::PracticeUnitChange change;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ZY_RETURN_IF_ERROR(
          ValidateText("practice_unit.display_name", proto.display_name(), 1, kMaxNameChars));
      change.display_name = proto.display_name();
    } else if (path == "address") {
      ZY_RETURN_IF_ERROR(
          ValidateText("practice_unit.address", proto.address(), 0, kMaxAddressChars));
      change.address = proto.address();
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot set \"", path, "\": only display_name and address"));
    }
  }
  ZY_RETURN_IF_ERROR(ParseEtag("practice_unit.etag", proto.etag(), &change.expected_revision));
  return change;
}

absl::StatusOr<storage::PracticeUnitQuery> ToQuery(
    const zhiyuan::v1::ListPracticeUnitsRequest& request, std::string* fingerprint) {
  storage::PracticeUnitQuery query;
  if (!request.region().empty()) {
    ZY_ASSIGN_OR_RETURN(query.region_code, ParseRegionName("region", request.region()));
  }
  if (!zhiyuan::v1::PracticeUnitKind_IsValid(request.kind())) {
    return InvalidField("kind", "is not a PracticeUnitKind");
  }
  query.kind = static_cast<PracticeUnitKind>(request.kind());
  if (!request.parent().empty()) {
    ZY_ASSIGN_OR_RETURN(query.parent_id, ParseIdName("parent", kCollection, request.parent()));
  }
  query.show_deleted = request.show_deleted();
  ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request.page_size(), kDefaultPageSize,
                                     kMaxPageSize, &query.limit));
  *fingerprint = absl::StrCat("practiceUnits|", query.region_code, "|", request.kind(), "|",
                              query.parent_id, "|", query.show_deleted);
  ZY_ASSIGN_OR_RETURN(const std::string after,
                      DecodePageToken("page_token", request.page_token(), *fingerprint));
  if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  return query;
}

absl::Status Reply(const absl::StatusOr<storage::PracticeUnit>& unit,
                   zhiyuan::v1::PracticeUnit* response) {
  ZY_RETURN_IF_ERROR(unit.status());
  *response = ToProto(*unit);
  return absl::OkStatus();
}

}  // namespace

// The unit `id` when the caller reaches it. Errors: NOT_FOUND; PERMISSION_DENIED naming `verb`.
absl::StatusOr<storage::PracticeUnit> PracticeUnitServiceImpl::ReachableUnit(
    const Principal& caller, int64_t id, absl::string_view verb, absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(storage::PracticeUnit unit, store_.Get(id, deadline));
  if (!Authorizer::ReachesUnit(caller, unit)) {
    return Authorizer::Deny(caller, absl::StrCat(verb, " ", IdName(kCollection, id)));
  }
  return unit;
}

grpc::Status PracticeUnitServiceImpl::GetPracticeUnit(
    grpc::ServerContext* context, const zhiyuan::v1::GetPracticeUnitRequest* request,
    zhiyuan::v1::PracticeUnit* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER, v1::ROLE_KIOSK}, "read practice units"));
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    return Reply(ReachableUnit(caller, id, "read", Deadline(*context)), response);
  });
}

grpc::Status PracticeUnitServiceImpl::ListPracticeUnits(
    grpc::ServerContext* context, const zhiyuan::v1::ListPracticeUnitsRequest* request,
    zhiyuan::v1::ListPracticeUnitsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER},
                                               "list practice units"));
    std::string fingerprint;
    ZY_ASSIGN_OR_RETURN(storage::PracticeUnitQuery query, ToQuery(*request, &fingerprint));
    ZY_ASSIGN_OR_RETURN(query.region_code,
                        Authorizer::NarrowRegion(caller, "region", query.region_code));
    const int page_size = query.limit;
    ++query.limit;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::PracticeUnitPage page,
                        store_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        page.units, page_size, fingerprint,
        [&](const storage::PracticeUnit& unit) { *response->add_practice_units() = ToProto(unit); },
        [](const storage::PracticeUnit& unit) { return absl::StrCat(unit.id); }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status PracticeUnitServiceImpl::CreatePracticeUnit(
    grpc::ServerContext* context, const zhiyuan::v1::CreatePracticeUnitRequest* request,
    zhiyuan::v1::PracticeUnit* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "create practice units"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const storage::PracticeUnit unit, FromCreateRequest(*request));
    if (!Authorizer::ReachesRegion(caller, unit.region_code)) {
      return Authorizer::Deny(
          caller, absl::StrCat("create a practice unit in ", RegionName(unit.region_code)));
    }
    if (unit.parent_id != 0) {
      ZY_ASSIGN_OR_RETURN(
          const bool reached,
          authorizer_.ReachesUnitId(caller, "practice_unit.parent", unit.parent_id, deadline));
      if (!reached) {
        return Authorizer::Deny(caller, absl::StrCat("create a practice unit under ",
                                                     IdName(kCollection, unit.parent_id)));
      }
    }
    ZY_ASSIGN_OR_RETURN(
        const storage::PracticeUnit created,
        store_.Create(unit, absl::AsciiStrToLower(request->request_id()),
                      AuditOf(caller, *context, "zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
                              *request),
                      deadline));
    if (!Authorizer::ReachesUnit(caller, created)) {
      return Authorizer::RequestIdTaken(request->request_id());
    }
    return Reply(created, response);
  });
}

grpc::Status PracticeUnitServiceImpl::UpdatePracticeUnit(
    grpc::ServerContext* context, const zhiyuan::v1::UpdatePracticeUnitRequest* request,
    zhiyuan::v1::PracticeUnit* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "change practice units"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("practice_unit.name", kCollection,
                                                      request->practice_unit().name()));
    ZY_ASSIGN_OR_RETURN(const storage::PracticeUnitChange change, ToChange(*request));
    ZY_RETURN_IF_ERROR(ReachableUnit(caller, id, "change", deadline).status());
    return Reply(
        store_.Update(id, change,
                      AuditOf(caller, *context, "zhiyuan.v1.PracticeUnitService.UpdatePracticeUnit",
                              *request),
                      deadline),
        response);
  });
}

grpc::Status PracticeUnitServiceImpl::DeletePracticeUnit(
    grpc::ServerContext* context, const zhiyuan::v1::DeletePracticeUnitRequest* request,
    zhiyuan::v1::PracticeUnit* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "delete practice units"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("etag", request->etag(), &revision));
    ZY_RETURN_IF_ERROR(ReachableUnit(caller, id, "delete", deadline).status());
    return Reply(
        store_.Delete(id, revision,
                      AuditOf(caller, *context, "zhiyuan.v1.PracticeUnitService.DeletePracticeUnit",
                              *request),
                      deadline),
        response);
  });
}

}  // namespace zhiyuan::services
