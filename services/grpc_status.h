// The one conversion from absl::Status to grpc::Status, at the handler edge.
#ifndef ZHIYUAN_SERVICES_GRPC_STATUS_H_
#define ZHIYUAN_SERVICES_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace zhiyuan::services {

// The canonical codes are the same numbers in both libraries; the message carries over as is
// (storage keeps SQL and values out of it).
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_GRPC_STATUS_H_
