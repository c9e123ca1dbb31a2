// zhiyuan.v1.HourRuleService: versions of the hour rules, per region, checked by
// services/hour_rules.h's ValidateHourRules before they are kept.
#ifndef ZHIYUAN_SERVICES_HOUR_RULE_SERVICE_H_
#define ZHIYUAN_SERVICES_HOUR_RULE_SERVICE_H_

#include "services/authorizer.h"
#include "storage/hour_rule_store.h"
#include "storage/region_store.h"
#include "zhiyuan/v1/hour_rules.grpc.pb.h"

namespace zhiyuan::services {

class HourRuleServiceImpl final : public zhiyuan::v1::HourRuleService::Service {
 public:
  // The stores and the authorizer must outlive the service.
  HourRuleServiceImpl(storage::HourRuleStore& store, storage::RegionStore& regions,
                      Authorizer& authorizer)
      : store_(store), regions_(regions), authorizer_(authorizer) {}

  grpc::Status CreateHourRuleSet(grpc::ServerContext* context,
                                 const zhiyuan::v1::CreateHourRuleSetRequest* request,
                                 zhiyuan::v1::HourRuleSet* response) override;
  grpc::Status GetHourRuleSet(grpc::ServerContext* context,
                              const zhiyuan::v1::GetHourRuleSetRequest* request,
                              zhiyuan::v1::HourRuleSet* response) override;
  grpc::Status ListHourRuleSets(grpc::ServerContext* context,
                                const zhiyuan::v1::ListHourRuleSetsRequest* request,
                                zhiyuan::v1::ListHourRuleSetsResponse* response) override;
  grpc::Status GetEffectiveHourRuleSet(grpc::ServerContext* context,
                                       const zhiyuan::v1::GetEffectiveHourRuleSetRequest* request,
                                       zhiyuan::v1::HourRuleSet* response) override;

 private:
  storage::HourRuleStore& store_;
  storage::RegionStore& regions_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_HOUR_RULE_SERVICE_H_
