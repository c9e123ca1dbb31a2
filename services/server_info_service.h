// zhiyuan.v1.ServerInfoService: which zhiyuand answers and the state of its database.
#ifndef ZHIYUAN_SERVICES_SERVER_INFO_SERVICE_H_
#define ZHIYUAN_SERVICES_SERVER_INFO_SERVICE_H_

#include <string>

#include "absl/time/time.h"
#include "services/authorizer.h"
#include "storage/database_info_store.h"
#include "zhiyuan/v1/server_info.grpc.pb.h"

namespace zhiyuan::services {

class ServerInfoServiceImpl final : public zhiyuan::v1::ServerInfoService::Service {
 public:
  // `store` and `authorizer` must outlive the service.
  ServerInfoServiceImpl(storage::DatabaseInfoStore& store, Authorizer& authorizer,
                        std::string version, absl::Time start_time)
      : store_(store),
        authorizer_(authorizer),
        version_(std::move(version)),
        start_time_(start_time) {}

  grpc::Status GetServerInfo(grpc::ServerContext* context,
                             const zhiyuan::v1::GetServerInfoRequest* request,
                             zhiyuan::v1::ServerInfo* response) override;

 private:
  void Fill(const storage::DatabaseInfo& info, zhiyuan::v1::ServerInfo* response) const;

  storage::DatabaseInfoStore& store_;
  Authorizer& authorizer_;
  const std::string version_;
  const absl::Time start_time_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_SERVER_INFO_SERVICE_H_
