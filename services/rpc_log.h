// One log line per RPC: method, status code, latency and peer. Never a request or response body,
// nor the status message (it may quote what the caller sent).
#ifndef ZHIYUAN_SERVICES_RPC_LOG_H_
#define ZHIYUAN_SERVICES_RPC_LOG_H_

#include <grpcpp/support/server_interceptor.h>

namespace zhiyuan::services {

class RpcLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_RPC_LOG_H_
