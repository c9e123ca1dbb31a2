#include "tests/testing/generic_calls.h"

#include <google/protobuf/dynamic_message.h>
#include <grpcpp/completion_queue.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace zhiyuan::testing {
namespace {

using ::google::protobuf::Message;
using ::google::protobuf::MethodDescriptor;

// A client-streaming or bidirectional call of one message, and its first reply.
grpc::Status StreamOne(grpc::GenericStub& stub, grpc::ClientContext& context,
                       const std::string& path, const grpc::ByteBuffer& request,
                       grpc::ByteBuffer* reply) {
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, path, &queue);
  void* tag;
  bool ok;
  auto step = [&](intptr_t id) {
    return queue.Next(&tag, &ok) && tag == reinterpret_cast<void*>(id) && ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  if (step(1)) {
    call->Write(request, reinterpret_cast<void*>(2));
    if (step(2)) {
      call->WritesDone(reinterpret_cast<void*>(3));
      if (step(3)) {
        call->Read(reply, reinterpret_cast<void*>(4));
        step(4);
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace

const MethodDescriptor* FindMethod(const std::string& full_name) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
}

std::unique_ptr<Message> NewRequest(const MethodDescriptor& method) {
  return std::unique_ptr<Message>(google::protobuf::MessageFactory::generated_factory()
                                      ->GetPrototype(method.input_type())
                                      ->New());
}

std::unique_ptr<Message> NewReply(const MethodDescriptor& method) {
  return std::unique_ptr<Message>(google::protobuf::MessageFactory::generated_factory()
                                      ->GetPrototype(method.output_type())
                                      ->New());
}

grpc::Status CallMethod(grpc::GenericStub& stub, const std::string& secret,
                        const MethodDescriptor& method, const Message& request, Message* reply) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  if (!secret.empty()) context.AddMetadata("authorization", "Bearer " + secret);
  const std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  const std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer out(&slice, 1);
  grpc::ByteBuffer in;
  grpc::Status status;
  if (method.client_streaming()) {
    status = StreamOne(stub, context, path, out, &in);
  } else {
    absl::Notification done;
    stub.UnaryCall(&context, path, grpc::StubOptions(), &out, &in, [&](grpc::Status result) {
      status = std::move(result);
      done.Notify();
    });
    done.WaitForNotification();
  }
  if (status.ok() && reply != nullptr) {
    std::vector<grpc::Slice> slices;
    (void)in.Dump(&slices);
    std::string received;
    for (const grpc::Slice& piece : slices) {
      received.append(reinterpret_cast<const char*>(piece.begin()), piece.size());
    }
    if (!reply->ParseFromString(received)) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the reply does not parse");
    }
  }
  return status;
}

}  // namespace zhiyuan::testing
