// zhiyuan.v1.RegionService: validation and conversion around a RegionStore.
#ifndef ZHIYUAN_SERVICES_REGION_SERVICE_H_
#define ZHIYUAN_SERVICES_REGION_SERVICE_H_

#include "services/authorizer.h"
#include "storage/region_store.h"
#include "zhiyuan/v1/region.grpc.pb.h"

namespace zhiyuan::services {

class RegionServiceImpl final : public zhiyuan::v1::RegionService::Service {
 public:
  // The store and the authorizer must outlive the service.
  RegionServiceImpl(storage::RegionStore& store, Authorizer& authorizer)
      : store_(store), authorizer_(authorizer) {}

  grpc::Status GetRegion(grpc::ServerContext* context, const zhiyuan::v1::GetRegionRequest* request,
                         zhiyuan::v1::Region* response) override;
  grpc::Status ListRegions(grpc::ServerContext* context,
                           const zhiyuan::v1::ListRegionsRequest* request,
                           zhiyuan::v1::ListRegionsResponse* response) override;
  grpc::Status UpdateRegion(grpc::ServerContext* context,
                            const zhiyuan::v1::UpdateRegionRequest* request,
                            zhiyuan::v1::Region* response) override;
  grpc::Status ImportRegions(grpc::ServerContext* context,
                             grpc::ServerReader<zhiyuan::v1::ImportRegionsRequest>* reader,
                             zhiyuan::v1::ImportRegionsResponse* response) override;

  // Limits of one import request and of one whole import stream.
  static constexpr int kMaxImportBatch = 10000;
  static constexpr int64_t kMaxImportRegions = 2000000;

 private:
  storage::RegionStore& store_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_REGION_SERVICE_H_
