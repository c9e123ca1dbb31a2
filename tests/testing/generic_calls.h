// Calling any RPC of a running server by its descriptor, with a request given as a text proto:
// for tests that sweep every RPC (the authorization matrix, the battery).
#ifndef ZHIYUAN_TESTS_TESTING_GENERIC_CALLS_H_
#define ZHIYUAN_TESTS_TESTING_GENERIC_CALLS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <memory>
#include <string>

namespace zhiyuan::testing {

// The method named "zhiyuan.v1.TeamService.GetTeam"; null when there is none.
const google::protobuf::MethodDescriptor* FindMethod(const std::string& full_name);

// A new, empty request or reply of `method`.
std::unique_ptr<google::protobuf::Message> NewRequest(
    const google::protobuf::MethodDescriptor& method);
std::unique_ptr<google::protobuf::Message> NewReply(
    const google::protobuf::MethodDescriptor& method);

// Calls `method` through `stub` with "authorization: Bearer `secret`" (none when empty) and a 20 s
// deadline. A client-streaming or bidirectional method is sent `request` as its one message, and
// its first reply is the reply. The reply is parsed into `reply` when the call succeeds and
// `reply` is given.
grpc::Status CallMethod(grpc::GenericStub& stub, const std::string& secret,
                        const google::protobuf::MethodDescriptor& method,
                        const google::protobuf::Message& request,
                        google::protobuf::Message* reply = nullptr);

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_GENERIC_CALLS_H_
