// zhiyuan.v1.StatsService: turns figure queries into StatsStore queries, within the caller's
// region, and their answers into rows with names.
#ifndef ZHIYUAN_SERVICES_STATS_SERVICE_H_
#define ZHIYUAN_SERVICES_STATS_SERVICE_H_

#include <functional>
#include <optional>

#include "absl/time/time.h"
#include "services/authorizer.h"
#include "storage/program_store.h"
#include "storage/region_store.h"
#include "storage/stats_store.h"
#include "zhiyuan/v1/stats.grpc.pb.h"

namespace zhiyuan::services {

class StatsServiceImpl final : public zhiyuan::v1::StatsService::Service {
 public:
  struct Stores {
    storage::StatsStore& stats;
    storage::RegionStore& regions;
    storage::ProgramStore& programs;
  };

  // The stores and the authorizer must outlive the service. `now` gives the current time (the
  // default window of a region summary is the current year, China time).
  StatsServiceImpl(const Stores& stores, Authorizer& authorizer,
                   std::function<absl::Time()> now = absl::Now)
      : stores_(stores), authorizer_(authorizer), now_(std::move(now)) {}

  grpc::Status QueryStats(grpc::ServerContext* context,
                          const zhiyuan::v1::QueryStatsRequest* request,
                          zhiyuan::v1::QueryStatsResponse* response) override;
  grpc::Status GetRegionSummary(grpc::ServerContext* context,
                                const zhiyuan::v1::GetRegionSummaryRequest* request,
                                zhiyuan::v1::RegionSummary* response) override;

 private:
  // The region a caller may read figures of, for `requested` ("" for the whole country): its
  // code, and the region itself unless it is the whole country.
  // Errors: NOT_FOUND for a region that does not exist; PERMISSION_DENIED.
  struct ScopeRegion {
    std::string code;
    std::optional<storage::Region> region;
  };
  absl::StatusOr<ScopeRegion> Scope(const Principal& caller, absl::string_view field,
                                    const std::string& requested, absl::Time deadline);

  const Stores stores_;
  Authorizer& authorizer_;
  const std::function<absl::Time()> now_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_STATS_SERVICE_H_
