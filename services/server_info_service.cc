#include "services/server_info_service.h"

#include "services/grpc_status.h"
#include "services/proto_time.h"

namespace zhiyuan::services {

grpc::Status ServerInfoServiceImpl::GetServerInfo(grpc::ServerContext* context,
                                                  const zhiyuan::v1::GetServerInfoRequest*,
                                                  zhiyuan::v1::ServerInfo* response) {
  const absl::StatusOr<storage::DatabaseInfo> info = store_.Get(Deadline(*context));
  if (!info.ok()) return ToGrpcStatus(info.status());
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
  return grpc::Status::OK;
}

}  // namespace zhiyuan::services
