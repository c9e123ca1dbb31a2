// zhiyuan.v1.ProgramService: validation and conversion around a ProgramStore.
#ifndef ZHIYUAN_SERVICES_PROGRAM_SERVICE_H_
#define ZHIYUAN_SERVICES_PROGRAM_SERVICE_H_

#include "services/authorizer.h"
#include "storage/program_store.h"
#include "zhiyuan/v1/program.grpc.pb.h"

namespace zhiyuan::services {

class ProgramServiceImpl final : public zhiyuan::v1::ProgramService::Service {
 public:
  // The store and the authorizer must outlive the service.
  ProgramServiceImpl(storage::ProgramStore& store, Authorizer& authorizer)
      : store_(store), authorizer_(authorizer) {}

  grpc::Status GetProgram(grpc::ServerContext* context,
                          const zhiyuan::v1::GetProgramRequest* request,
                          zhiyuan::v1::Program* response) override;
  grpc::Status ListPrograms(grpc::ServerContext* context,
                            const zhiyuan::v1::ListProgramsRequest* request,
                            zhiyuan::v1::ListProgramsResponse* response) override;
  grpc::Status CreateProgram(grpc::ServerContext* context,
                             const zhiyuan::v1::CreateProgramRequest* request,
                             zhiyuan::v1::Program* response) override;
  grpc::Status UpdateProgram(grpc::ServerContext* context,
                             const zhiyuan::v1::UpdateProgramRequest* request,
                             zhiyuan::v1::Program* response) override;
  grpc::Status DeleteProgram(grpc::ServerContext* context,
                             const zhiyuan::v1::DeleteProgramRequest* request,
                             zhiyuan::v1::Program* response) override;

 private:
  absl::StatusOr<storage::Program> ReachableProgram(const Principal& caller, int64_t id,
                                                    absl::string_view verb, absl::Time deadline);
  absl::Status CheckOwner(const Principal& caller, const storage::ProgramOwner& owner,
                          absl::Time deadline);

  storage::ProgramStore& store_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PROGRAM_SERVICE_H_
