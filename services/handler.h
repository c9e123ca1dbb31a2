// The frame of every zhiyuan.v1 handler: authenticate the caller, run the body, answer with its
// status.
#ifndef ZHIYUAN_SERVICES_HANDLER_H_
#define ZHIYUAN_SERVICES_HANDLER_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "services/authorizer.h"
#include "services/grpc_status.h"

namespace zhiyuan::services {

// Authenticates the caller of `context` and runs `body(const Principal& caller)`, which returns
// an absl::Status; a caller that fails authentication never reaches the body.
template <typename Body>
grpc::Status Serve(Authorizer& authorizer, const grpc::ServerContext& context, Body&& body) {
  const absl::StatusOr<Principal> caller = authorizer.Authenticate(context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(body(*caller));
}

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_HANDLER_H_
