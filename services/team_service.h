// zhiyuan.v1.TeamService: validation and conversion around a TeamStore.
#ifndef ZHIYUAN_SERVICES_TEAM_SERVICE_H_
#define ZHIYUAN_SERVICES_TEAM_SERVICE_H_

#include "storage/team_store.h"
#include "zhiyuan/v1/team.grpc.pb.h"

namespace zhiyuan::services {

class TeamServiceImpl final : public zhiyuan::v1::TeamService::Service {
 public:
  // `store` must outlive the service.
  explicit TeamServiceImpl(storage::TeamStore& store) : store_(store) {}

  grpc::Status GetTeam(grpc::ServerContext* context, const zhiyuan::v1::GetTeamRequest* request,
                       zhiyuan::v1::Team* response) override;
  grpc::Status ListTeams(grpc::ServerContext* context,
                         const zhiyuan::v1::ListTeamsRequest* request,
                         zhiyuan::v1::ListTeamsResponse* response) override;
  grpc::Status CreateTeam(grpc::ServerContext* context,
                          const zhiyuan::v1::CreateTeamRequest* request,
                          zhiyuan::v1::Team* response) override;
  grpc::Status UpdateTeam(grpc::ServerContext* context,
                          const zhiyuan::v1::UpdateTeamRequest* request,
                          zhiyuan::v1::Team* response) override;
  grpc::Status DeleteTeam(grpc::ServerContext* context,
                          const zhiyuan::v1::DeleteTeamRequest* request,
                          zhiyuan::v1::Team* response) override;

 private:
  storage::TeamStore& store_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_TEAM_SERVICE_H_
