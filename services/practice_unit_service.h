// zhiyuan.v1.PracticeUnitService: validation and conversion around a PracticeUnitStore.
#ifndef ZHIYUAN_SERVICES_PRACTICE_UNIT_SERVICE_H_
#define ZHIYUAN_SERVICES_PRACTICE_UNIT_SERVICE_H_

#include "storage/practice_unit_store.h"
#include "zhiyuan/v1/practice_unit.grpc.pb.h"

namespace zhiyuan::services {

class PracticeUnitServiceImpl final : public zhiyuan::v1::PracticeUnitService::Service {
 public:
  // `store` must outlive the service.
  explicit PracticeUnitServiceImpl(storage::PracticeUnitStore& store) : store_(store) {}

  grpc::Status GetPracticeUnit(grpc::ServerContext* context,
                               const zhiyuan::v1::GetPracticeUnitRequest* request,
                               zhiyuan::v1::PracticeUnit* response) override;
  grpc::Status ListPracticeUnits(grpc::ServerContext* context,
                                 const zhiyuan::v1::ListPracticeUnitsRequest* request,
                                 zhiyuan::v1::ListPracticeUnitsResponse* response) override;
  grpc::Status CreatePracticeUnit(grpc::ServerContext* context,
                                  const zhiyuan::v1::CreatePracticeUnitRequest* request,
                                  zhiyuan::v1::PracticeUnit* response) override;
  grpc::Status UpdatePracticeUnit(grpc::ServerContext* context,
                                  const zhiyuan::v1::UpdatePracticeUnitRequest* request,
                                  zhiyuan::v1::PracticeUnit* response) override;
  grpc::Status DeletePracticeUnit(grpc::ServerContext* context,
                                  const zhiyuan::v1::DeletePracticeUnitRequest* request,
                                  zhiyuan::v1::PracticeUnit* response) override;

 private:
  storage::PracticeUnitStore& store_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PRACTICE_UNIT_SERVICE_H_
