// Conversions between gRPC/protobuf time types and absl::Time, and the deadline of a call's work.
#ifndef ZHIYUAN_SERVICES_PROTO_TIME_H_
#define ZHIYUAN_SERVICES_PROTO_TIME_H_

#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/server_context.h>

#include <algorithm>

#include "absl/time/clock.h"
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

// The longest a call may keep the server working for it, whatever deadline the client sets (or
// does not): handlers stop waiting for a connection, and the database cancels statements, past
// it. Generous for any one RPC. A handler with longer work (a region import) gives its own cap.
inline constexpr absl::Duration kMaxCallDuration = absl::Seconds(30);

// `requested`, but no later than `now` + `cap`.
inline absl::Time CapDeadline(absl::Time requested, absl::Time now,
                              absl::Duration cap = kMaxCallDuration) {
  return std::min(requested, now + cap);
}

// The deadline to do a call's work by: the client's, or none, capped by CapDeadline.
inline absl::Time Deadline(const grpc::ServerContext& context,
                           absl::Duration cap = kMaxCallDuration) {
  const auto deadline = context.deadline();
  const absl::Time requested = deadline == std::chrono::system_clock::time_point::max()
                                   ? absl::InfiniteFuture()
                                   : absl::FromChrono(deadline);
  return CapDeadline(requested, absl::Now(), cap);
}

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PROTO_TIME_H_
