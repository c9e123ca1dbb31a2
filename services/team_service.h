// zhiyuan.v1.TeamService: validation and conversion around a TeamStore and a TeamMemberStore.
#ifndef ZHIYUAN_SERVICES_TEAM_SERVICE_H_
#define ZHIYUAN_SERVICES_TEAM_SERVICE_H_

#include "services/authorizer.h"
#include "storage/team_member_store.h"
#include "storage/team_store.h"
#include "zhiyuan/v1/team.grpc.pb.h"

namespace zhiyuan::services {

class TeamServiceImpl final : public zhiyuan::v1::TeamService::Service {
 public:
  // The stores and the authorizer must outlive the service.
  TeamServiceImpl(storage::TeamStore& store, storage::TeamMemberStore& members,
                  Authorizer& authorizer)
      : store_(store), members_(members), authorizer_(authorizer) {}

  grpc::Status GetTeam(grpc::ServerContext* context, const zhiyuan::v1::GetTeamRequest* request,
                       zhiyuan::v1::Team* response) override;
  grpc::Status ListTeams(grpc::ServerContext* context, const zhiyuan::v1::ListTeamsRequest* request,
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
  grpc::Status GetTeamMember(grpc::ServerContext* context,
                             const zhiyuan::v1::GetTeamMemberRequest* request,
                             zhiyuan::v1::TeamMember* response) override;
  grpc::Status ListTeamMembers(grpc::ServerContext* context,
                               const zhiyuan::v1::ListTeamMembersRequest* request,
                               zhiyuan::v1::ListTeamMembersResponse* response) override;
  grpc::Status CreateTeamMember(grpc::ServerContext* context,
                                const zhiyuan::v1::CreateTeamMemberRequest* request,
                                zhiyuan::v1::TeamMember* response) override;
  grpc::Status UpdateTeamMember(grpc::ServerContext* context,
                                const zhiyuan::v1::UpdateTeamMemberRequest* request,
                                zhiyuan::v1::TeamMember* response) override;
  grpc::Status DeleteTeamMember(grpc::ServerContext* context,
                                const zhiyuan::v1::DeleteTeamMemberRequest* request,
                                zhiyuan::v1::TeamMember* response) override;

 private:
  absl::StatusOr<storage::Team> ReachableTeam(const Principal& caller, int64_t id,
                                              absl::string_view verb, absl::Time deadline);
  absl::Status CheckTeamReach(const Principal& caller, int64_t id, absl::string_view verb,
                              absl::Time deadline);
  absl::Status CheckNewTeam(const Principal& caller, const storage::Team& team,
                            absl::Time deadline);
  absl::Status CheckUnit(const Principal& caller, absl::string_view field, int64_t unit_id,
                         absl::Time deadline);

  storage::TeamStore& store_;
  storage::TeamMemberStore& members_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_TEAM_SERVICE_H_
