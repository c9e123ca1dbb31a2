// A channel whose every call carries "authorization: Bearer <secret>", over plaintext or TLS.
// (gRPC's own call credentials refuse plaintext channels, which zhiyuand serves on loopback.)
#ifndef ZHIYUAN_CLIENTS_BEARER_CHANNEL_H_
#define ZHIYUAN_CLIENTS_BEARER_CHANNEL_H_

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

namespace zhiyuan::clients {

// A channel to `target` with `arguments`; with an empty `secret`, calls carry no authorization.
std::shared_ptr<grpc::Channel> CreateBearerChannel(
    const std::string& target, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const std::string& secret, const grpc::ChannelArguments& arguments = {});

}  // namespace zhiyuan::clients

#endif  // ZHIYUAN_CLIENTS_BEARER_CHANNEL_H_
