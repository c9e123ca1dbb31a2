#include "services/audit_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/handler.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr int kMaxResourceChars = 200;

zhiyuan::v1::AuditEntry ToProto(const storage::AuditRecord& record) {
  zhiyuan::v1::AuditEntry proto;
  proto.set_name(IdName("auditEntries", record.id));
  *proto.mutable_time() = services::ToProto(record.time);
  if (record.entry.actor_token_id != 0) {
    proto.set_actor(IdName("tokens", record.entry.actor_token_id));
  }
  proto.set_method(record.entry.method);
  proto.set_resource(record.resource);
  if (!record.region_code.empty()) proto.set_region(RegionName(record.region_code));
  for (const std::string& path : record.entry.field_paths) proto.add_field_paths(path);
  proto.set_peer(record.entry.peer);
  proto.set_request_id(record.entry.request_id);
  return proto;
}

}  // namespace

grpc::Status AuditServiceImpl::ListAuditEntries(grpc::ServerContext* context,
                                                const zhiyuan::v1::ListAuditEntriesRequest* request,
                                                zhiyuan::v1::ListAuditEntriesResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {zhiyuan::v1::ROLE_REGION_ADMIN}, "read the audit log"));
    storage::AuditQuery query;
    if (!request->region().empty()) {
      ZY_ASSIGN_OR_RETURN(query.region_code, ParseRegionName("region", request->region()));
    }
    if (!request->resource().empty()) {
      ZY_RETURN_IF_ERROR(ValidateText("resource", request->resource(), 1, kMaxResourceChars));
      query.resource = request->resource();
    }
    if (!request->actor().empty()) {
      ZY_ASSIGN_OR_RETURN(query.actor_token_id, ParseIdName("actor", "tokens", request->actor()));
    }
    int page_size;
    ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                       kMaxPageSize, &page_size));
    const std::string fingerprint =
        absl::StrCat("audit|", query.region_code, "|", query.resource, "|", query.actor_token_id);
    ZY_ASSIGN_OR_RETURN(const std::string before,
                        DecodePageToken("page_token", request->page_token(), fingerprint));
    if (!before.empty() && !absl::SimpleAtoi(before, &query.before_id)) {
      return InvalidField("page_token", "is not a page token this service issued");
    }
    ZY_ASSIGN_OR_RETURN(query.region_code,
                        Authorizer::NarrowRegion(caller, "region", query.region_code));
    query.limit = page_size + 1;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::AuditPage page, log_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        page.records, page_size, fingerprint,
        [&](const storage::AuditRecord& record) {
          *response->add_audit_entries() = ToProto(record);
        },
        [](const storage::AuditRecord& record) { return absl::StrCat(record.id); }));
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
