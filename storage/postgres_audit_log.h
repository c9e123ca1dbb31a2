// The audit log on PostgreSQL: the `audit_log` table (migration 0011).
#ifndef ZHIYUAN_STORAGE_POSTGRES_AUDIT_LOG_H_
#define ZHIYUAN_STORAGE_POSTGRES_AUDIT_LOG_H_

#include <pqxx/transaction_base>

#include "storage/audit_log.h"
#include "storage/connection_pool.h"

namespace zhiyuan::storage {

// Appends `entry` for `resource` in `region_code` within `txn`, the transaction of the change.
// Throws pqxx exceptions.
void AppendAudit(pqxx::transaction_base& txn, const AuditEntry& entry, const std::string& resource,
                 const std::string& region_code);

class PostgresAuditLog final : public AuditLog {
 public:
  // `pool` must outlive the log.
  explicit PostgresAuditLog(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<AuditPage> List(const AuditQuery& query, absl::Time deadline) override;
  absl::Status Append(const AuditEntry& entry, const std::string& resource,
                      const std::string& region_code, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_AUDIT_LOG_H_
