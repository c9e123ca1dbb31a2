// The audit log in memory, for handler tests: the in-memory stores append to it as they change.
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_AUDIT_LOG_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_AUDIT_LOG_H_

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

class InMemoryAuditLog final : public AuditLog {
 public:
  absl::StatusOr<AuditPage> List(const AuditQuery& query, absl::Time deadline) override;
  absl::Status Append(const AuditEntry& entry, const std::string& resource,
                      const std::string& region_code, absl::Time deadline) override;

  // Append, for the in-memory stores, under their own lock.
  void Record(const AuditEntry& entry, const std::string& resource, const std::string& region_code);

 private:
  absl::Mutex mu_;
  std::vector<AuditRecord> records_ ABSL_GUARDED_BY(mu_);  // Oldest first; ids from 1.
};

// Records a change in `log`, for the in-memory stores, which may run without one (null).
inline void RecordChange(InMemoryAuditLog* log, const AuditEntry& entry,
                         const std::string& resource, const std::string& region_code) {
  if (log != nullptr) log->Record(entry, resource, region_code);
}

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_AUDIT_LOG_H_
