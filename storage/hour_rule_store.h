// Hour rule sets (migration 0013): versions of the rules that credit service minutes, per
// region ("" for the national rules). A set is never changed; a new one is a new version.
#ifndef ZHIYUAN_STORAGE_HOUR_RULE_STORE_H_
#define ZHIYUAN_STORAGE_HOUR_RULE_STORE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

struct HourRuleSet {
  int64_t id = 0;
  std::string region_code;                 // "" for the national rules.
  int version = 0;                         // Set by the store.
  std::vector<std::pair<int, int>> bands;  // (up to minutes, credit minutes), rising.
  int grace_minutes = 0;
  int auto_close_minutes = 0;
  std::string note;
  int64_t creator_token_id = 0;  // 0 for the migration's.
  absl::Time create_time;
};

struct HourRuleQuery {
  std::string region_code;  // Exactly this region's sets ("" the national ones).
  int before_version = 0;   // Only versions before this (keyset pagination, newest first); 0: all.
  int limit = 100;
};

// Each new set appends its audit entry in its transaction (storage/audit_log.h).
class HourRuleStore {
 public:
  virtual ~HourRuleStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<HourRuleSet> Get(int64_t id, absl::Time deadline) = 0;

  // Newest version first.
  virtual absl::StatusOr<std::vector<HourRuleSet>> List(const HourRuleQuery& query,
                                                        absl::Time deadline) = 0;

  // The set in force for `region_code`: the newest version of the longest region code that
  // begins it ("" matches every region). Errors: NOT_FOUND when there is none at all.
  virtual absl::StatusOr<HourRuleSet> Effective(const std::string& region_code,
                                                absl::Time deadline) = 0;

  // Stores `rules` as the next version of its region's (versions made at once are numbered one
  // after the other), unless a set was made with `request_id` (a UUID; "" for none), which is
  // returned instead.
  virtual absl::StatusOr<HourRuleSet> Create(const HourRuleSet& rules,
                                             const std::string& request_id, const AuditEntry& audit,
                                             absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_HOUR_RULE_STORE_H_
