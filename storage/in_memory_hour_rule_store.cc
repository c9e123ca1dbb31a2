#include "storage/in_memory_hour_rule_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace zhiyuan::storage {

InMemoryHourRuleStore::InMemoryHourRuleStore(InMemoryAuditLog* audit_log) : audit_log_(audit_log) {
  HourRuleSet national;
  national.id = next_id_++;
  national.version = 1;
  national.bands = {{15, 0}, {45, 30}, {59, 60}};
  national.grace_minutes = 15;
  national.auto_close_minutes = 120;
  national.note = "national default";
  national.create_time = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  sets_[national.id] = national;
}

absl::StatusOr<HourRuleSet> InMemoryHourRuleStore::Get(int64_t id, absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  const auto it = sets_.find(id);
  if (it == sets_.end()) {
    return absl::NotFoundError(absl::StrCat("hourRuleSets/", id, " does not exist"));
  }
  return it->second;
}

absl::StatusOr<std::vector<HourRuleSet>> InMemoryHourRuleStore::List(const HourRuleQuery& query,
                                                                     absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  std::vector<HourRuleSet> sets;
  for (auto it = sets_.rbegin(); it != sets_.rend(); ++it) {
    if (static_cast<int>(sets.size()) >= query.limit) break;
    const HourRuleSet& rules = it->second;
    if (rules.region_code != query.region_code) continue;
    if (query.before_version != 0 && rules.version >= query.before_version) continue;
    sets.push_back(rules);
  }
  return sets;
}

absl::StatusOr<HourRuleSet> InMemoryHourRuleStore::Effective(const std::string& region_code,
                                                             absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  const HourRuleSet* best = nullptr;
  for (const auto& [id, rules] : sets_) {
    if (!absl::StartsWith(region_code, rules.region_code)) continue;
    if (best == nullptr || rules.region_code.size() > best->region_code.size() ||
        (rules.region_code.size() == best->region_code.size() && rules.version > best->version)) {
      best = &rules;
    }
  }
  if (best == nullptr) return absl::NotFoundError("there are no hour rules at all");
  return *best;
}

absl::StatusOr<HourRuleSet> InMemoryHourRuleStore::Create(const HourRuleSet& rules,
                                                          const std::string& request_id,
                                                          const AuditEntry& audit,
                                                          absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  if (const auto first = by_request_.find(request_id);
      !request_id.empty() && first != by_request_.end()) {
    return sets_.at(first->second);
  }
  HourRuleSet created = rules;
  created.id = next_id_++;
  created.version = 1;
  for (const auto& [id, existing] : sets_) {
    if (existing.region_code == rules.region_code && existing.version >= created.version) {
      created.version = existing.version + 1;
    }
  }
  created.create_time = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  sets_[created.id] = created;
  if (!request_id.empty()) by_request_[request_id] = created.id;
  if (audit_log_ != nullptr) {
    audit_log_->Record(audit, absl::StrCat("hourRuleSets/", created.id), created.region_code);
  }
  return created;
}

}  // namespace zhiyuan::storage
