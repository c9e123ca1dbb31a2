// HourRuleStore in memory, for handler tests: the same behaviour as PostgresHourRuleStore (both
// pass tests/storage/hour_rule_store_contract.h), starting, like the migration, with the national
// rules as version 1.
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_HOUR_RULE_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_HOUR_RULE_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/hour_rule_store.h"
#include "storage/in_memory_audit_log.h"

namespace zhiyuan::storage {

class InMemoryHourRuleStore final : public HourRuleStore {
 public:
  // With `audit_log`, every new set is appended to it.
  explicit InMemoryHourRuleStore(InMemoryAuditLog* audit_log = nullptr);

  absl::StatusOr<HourRuleSet> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<std::vector<HourRuleSet>> List(const HourRuleQuery& query,
                                                absl::Time deadline) override;
  absl::StatusOr<HourRuleSet> Effective(const std::string& region_code,
                                        absl::Time deadline) override;
  absl::StatusOr<HourRuleSet> Create(const HourRuleSet& rules, const std::string& request_id,
                                     const AuditEntry& audit, absl::Time deadline) override;

 private:
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, HourRuleSet> sets_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_request_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_HOUR_RULE_STORE_H_
