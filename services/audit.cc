#include "services/audit.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/field_mask.pb.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace zhiyuan::services {
namespace {

using ::google::protobuf::FieldDescriptor;

// The fields of `message` that are set (proto3: not at their defaults), by name.
std::vector<std::string> SetFields(const google::protobuf::Message& message) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  std::vector<std::string> names;
  for (const FieldDescriptor* field : fields) names.push_back(field->name());
  return names;
}

}  // namespace

storage::AuditEntry AuditOf(const Principal& caller, const grpc::ServerContext& context,
                            absl::string_view method, const google::protobuf::Message& request) {
  storage::AuditEntry entry;
  entry.actor_token_id = caller.token_id;
  entry.method = std::string(method);
  entry.peer = context.peer();
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  if (const FieldDescriptor* id = descriptor->FindFieldByName("request_id");
      id != nullptr && id->type() == FieldDescriptor::TYPE_STRING) {
    entry.request_id = absl::AsciiStrToLower(reflection->GetString(request, id));
  }
  if (const FieldDescriptor* mask = descriptor->FindFieldByName("update_mask"); mask != nullptr) {
    const auto& paths =
        static_cast<const google::protobuf::FieldMask&>(reflection->GetMessage(request, mask))
            .paths();
    entry.field_paths.assign(paths.begin(), paths.end());
  } else if (absl::StartsWith(descriptor->name(), "Create")) {
    // The resource a create makes is the request's one message field.
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (field->type() == FieldDescriptor::TYPE_MESSAGE && !field->is_repeated()) {
        entry.field_paths = SetFields(reflection->GetMessage(request, field));
        break;
      }
    }
  }
  return entry;
}

}  // namespace zhiyuan::services
