// zhiyuan.v1.PracticeUnitService: validation and conversion around a PracticeUnitStore.
#ifndef ZHIYUAN_SERVICES_PRACTICE_UNIT_SERVICE_H_
#define ZHIYUAN_SERVICES_PRACTICE_UNIT_SERVICE_H_

#include "services/authorizer.h"
#include "storage/practice_unit_store.h"
#include "zhiyuan/v1/practice_unit.grpc.pb.h"

namespace zhiyuan::services {

class PracticeUnitServiceImpl final : public zhiyuan::v1::PracticeUnitService::Service {
 public:
  // The store and the authorizer must outlive the service.
  PracticeUnitServiceImpl(storage::PracticeUnitStore& store, Authorizer& authorizer)
      : store_(store), authorizer_(authorizer) {}

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
  absl::StatusOr<storage::PracticeUnit> ReachableUnit(const Principal& caller, int64_t id,
                                                      absl::string_view verb, absl::Time deadline);

  storage::PracticeUnitStore& store_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PRACTICE_UNIT_SERVICE_H_
