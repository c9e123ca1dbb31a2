// zhiyuan.v1.ProgramService: validation and conversion around a ProgramStore.
#ifndef ZHIYUAN_SERVICES_PROGRAM_SERVICE_H_
#define ZHIYUAN_SERVICES_PROGRAM_SERVICE_H_

#include "storage/program_store.h"
#include "zhiyuan/v1/program.grpc.pb.h"

namespace zhiyuan::services {

class ProgramServiceImpl final : public zhiyuan::v1::ProgramService::Service {
 public:
  // `store` must outlive the service.
  explicit ProgramServiceImpl(storage::ProgramStore& store) : store_(store) {}

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
  storage::ProgramStore& store_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PROGRAM_SERVICE_H_
