// HourRuleStore on PostgreSQL: the `hour_rule_sets` table (migration 0013).
#ifndef ZHIYUAN_STORAGE_POSTGRES_HOUR_RULE_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_HOUR_RULE_STORE_H_

#include <pqxx/row>

#include "storage/connection_pool.h"
#include "storage/hour_rule_store.h"

namespace zhiyuan::storage {

// The columns HourRuleSetFromRow reads, for other stores' queries of `hour_rule_sets`.
extern const char kHourRuleColumns[];
HourRuleSet HourRuleSetFromRow(const pqxx::row& row);

class PostgresHourRuleStore final : public HourRuleStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresHourRuleStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<HourRuleSet> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<std::vector<HourRuleSet>> List(const HourRuleQuery& query,
                                                absl::Time deadline) override;
  absl::StatusOr<HourRuleSet> Effective(const std::string& region_code,
                                        absl::Time deadline) override;
  absl::StatusOr<HourRuleSet> Create(const HourRuleSet& rules, const std::string& request_id,
                                     const AuditEntry& audit, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_HOUR_RULE_STORE_H_
