#include "services/rpc_log.h"

#include <glog/logging.h>
#include <grpcpp/server_context.h>

#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace zhiyuan::services {
namespace {

using grpc::experimental::InterceptionHookPoints;

absl::string_view CodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {"OK",
                                                 "CANCELLED",
                                                 "UNKNOWN",
                                                 "INVALID_ARGUMENT",
                                                 "DEADLINE_EXCEEDED",
                                                 "NOT_FOUND",
                                                 "ALREADY_EXISTS",
                                                 "PERMISSION_DENIED",
                                                 "RESOURCE_EXHAUSTED",
                                                 "FAILED_PRECONDITION",
                                                 "ABORTED",
                                                 "OUT_OF_RANGE",
                                                 "UNIMPLEMENTED",
                                                 "INTERNAL",
                                                 "UNAVAILABLE",
                                                 "DATA_LOSS",
                                                 "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  return index >= 0 && index < static_cast<int>(std::size(kNames)) ? kNames[index] : "INVALID";
}

// Lives as long as the call; logs when gRPC destroys it at the call's end.
class RpcLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), method_(info->method()), start_(absl::Now()) {}

  ~RpcLogInterceptor() override {
    // A call that ends without sending a status was cancelled (by the client, the deadline or a
    // shutdown).
    LOG(INFO) << absl::StrFormat("rpc %s code=%s latency_ms=%.3f peer=%s", method_,
                                 CodeName(code_.value_or(grpc::StatusCode::CANCELLED)),
                                 absl::ToDoubleMilliseconds(absl::Now() - start_), peer_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // The context knows the peer once the call's metadata has arrived, not at construction.
    if (peer_.empty()) peer_ = info_->server_context()->peer();
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      code_ = methods->GetSendStatus().error_code();
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
  const std::string method_;
  std::string peer_;
  const absl::Time start_;
  std::optional<grpc::StatusCode> code_;
};

}  // namespace

grpc::experimental::Interceptor* RpcLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcLogInterceptor(info);
}

}  // namespace zhiyuan::services
