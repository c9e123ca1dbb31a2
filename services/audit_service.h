// zhiyuan.v1.AuditService: the audit log, read within the caller's region.
#ifndef ZHIYUAN_SERVICES_AUDIT_SERVICE_H_
#define ZHIYUAN_SERVICES_AUDIT_SERVICE_H_

#include "services/authorizer.h"
#include "storage/audit_log.h"
#include "zhiyuan/v1/audit.grpc.pb.h"

namespace zhiyuan::services {

class AuditServiceImpl final : public zhiyuan::v1::AuditService::Service {
 public:
  // The log and the authorizer must outlive the service.
  AuditServiceImpl(storage::AuditLog& log, Authorizer& authorizer)
      : log_(log), authorizer_(authorizer) {}

  grpc::Status ListAuditEntries(grpc::ServerContext* context,
                                const zhiyuan::v1::ListAuditEntriesRequest* request,
                                zhiyuan::v1::ListAuditEntriesResponse* response) override;

 private:
  storage::AuditLog& log_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_AUDIT_SERVICE_H_
