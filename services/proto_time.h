// Conversions between gRPC/protobuf time types and absl::Time.
#ifndef ZHIYUAN_SERVICES_PROTO_TIME_H_
#define ZHIYUAN_SERVICES_PROTO_TIME_H_

#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/server_context.h>

#include "absl/time/time.h"

namespace zhiyuan::services {

inline google::protobuf::Timestamp ToProto(absl::Time time) {
  const int64_t micros = absl::ToUnixMicros(time);
  google::protobuf::Timestamp proto;
  // Floor division, so that times before 1970 keep nanos in [0, 1e9).
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    --seconds;
    rest += 1000000;
  }
  proto.set_seconds(seconds);
  proto.set_nanos(static_cast<int32_t>(rest * 1000));
  return proto;
}

// The call's deadline; InfiniteFuture() when the client set none.
inline absl::Time Deadline(const grpc::ServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PROTO_TIME_H_
