// VolunteerStore in memory, for handler tests: the same behaviour as PostgresVolunteerStore (both
// pass tests/storage/volunteer_store_contract.h).
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_VOLUNTEER_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_VOLUNTEER_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/region_store.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

class InMemoryVolunteerStore final : public VolunteerStore {
 public:
  // `regions` says which regions exist; it must outlive the store.
  explicit InMemoryVolunteerStore(RegionStore& regions, InMemoryAuditLog* audit_log = nullptr)
      : regions_(regions), audit_log_(audit_log) {}

  absl::StatusOr<Volunteer> Get(const std::string& number, absl::Time deadline) override;
  absl::StatusOr<VolunteerPage> List(const VolunteerQuery& query, absl::Time deadline) override;
  absl::StatusOr<Volunteer> Create(const Volunteer& volunteer, const std::string& id_number_hash,
                                   absl::FunctionRef<std::string(int64_t)> mint,
                                   const std::string& request_id, const AuditEntry& audit,
                                   absl::Time deadline) override;
  absl::StatusOr<Volunteer> Update(const std::string& number, const VolunteerChange& change,
                                   const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Volunteer> Delete(const std::string& number,
                                   std::optional<int64_t> expected_revision,
                                   const AuditEntry& audit, absl::Time deadline) override;

 private:
  absl::StatusOr<Volunteer*> LockForChange(const std::string& number,
                                           std::optional<int64_t> expected_revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckRegion(const std::string& code, absl::Time deadline);

  RegionStore& regions_;
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<std::string, Volunteer> volunteers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> identities_ ABSL_GUARDED_BY(mu_);  // Hash to number.
  std::map<std::string, std::string> requests_ ABSL_GUARDED_BY(mu_);    // Request to number.
  int64_t next_serial_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_VOLUNTEER_STORE_H_
