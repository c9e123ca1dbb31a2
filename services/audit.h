// The audit entries handlers hand to the stores with each mutation (storage/audit_log.h).
#ifndef ZHIYUAN_SERVICES_AUDIT_H_
#define ZHIYUAN_SERVICES_AUDIT_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include "absl/strings/string_view.h"
#include "services/authorizer.h"
#include "storage/audit_log.h"

namespace zhiyuan::services {

// The entry for `method` ("zhiyuan.v1.TeamService.UpdateTeam") called by `caller` from
// `context`'s peer with `request`: its request_id, and as field paths its update_mask's paths or,
// for a create, the fields the new resource was given. Names only, never values.
storage::AuditEntry AuditOf(const Principal& caller, const grpc::ServerContext& context,
                            absl::string_view method, const google::protobuf::Message& request);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_AUDIT_H_
