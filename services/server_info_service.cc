#include "services/server_info_service.h"

#include "services/handler.h"
#include "services/proto_time.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {

grpc::Status ServerInfoServiceImpl::GetServerInfo(grpc::ServerContext* context,
                                                  const zhiyuan::v1::GetServerInfoRequest*,
                                                  zhiyuan::v1::ServerInfo* response) {
  // Every caller may ask; the answer holds nothing about anyone.
  return Serve(authorizer_, *context, [&](const Principal&) -> absl::Status {
    ZY_ASSIGN_OR_RETURN(const storage::DatabaseInfo info, store_.Get(Deadline(*context)));
    Fill(info, response);
    return absl::OkStatus();
  });
}

void ServerInfoServiceImpl::Fill(const storage::DatabaseInfo& info_value,
                                 zhiyuan::v1::ServerInfo* response) const {
  const storage::DatabaseInfo* info = &info_value;
  response->set_version(version_);
  *response->mutable_start_time() = ToProto(start_time_);
  response->set_database_status(info->schema.up_to_date()
                                    ? zhiyuan::v1::DATABASE_STATUS_READY
                                    : zhiyuan::v1::DATABASE_STATUS_MIGRATIONS_PENDING);
  response->set_schema_version(info->schema.applied_version);
  response->set_binary_schema_version(info->schema.known_version);
  response->set_database_server_version(info->server_version);
  response->set_database_id(info->database_id);
  if (info->create_time != absl::InfinitePast()) {
    *response->mutable_database_create_time() = ToProto(info->create_time);
  }
}

}  // namespace zhiyuan::services
