#include "storage/in_memory_audit_log.h"

#include "absl/strings/match.h"
#include "absl/time/clock.h"

namespace zhiyuan::storage {

absl::StatusOr<AuditPage> InMemoryAuditLog::List(const AuditQuery& query, absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  AuditPage page;
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (static_cast<int>(page.records.size()) >= query.limit) break;
    if (query.before_id != 0 && it->id >= query.before_id) continue;
    if (!absl::StartsWith(it->region_code, query.region_code)) continue;
    if (!query.resource.empty() && it->resource != query.resource) continue;
    if (query.actor_token_id != 0 && it->entry.actor_token_id != query.actor_token_id) continue;
    page.records.push_back(*it);
  }
  return page;
}

absl::Status InMemoryAuditLog::Append(const AuditEntry& entry, const std::string& resource,
                                      const std::string& region_code, absl::Time /*deadline*/) {
  Record(entry, resource, region_code);
  return absl::OkStatus();
}

void InMemoryAuditLog::Record(const AuditEntry& entry, const std::string& resource,
                              const std::string& region_code) {
  absl::MutexLock lock(&mu_);
  AuditRecord& record = records_.emplace_back();
  record.id = static_cast<int64_t>(records_.size());
  record.time = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  record.entry = entry;
  record.resource = resource;
  record.region_code = region_code;
}

}  // namespace zhiyuan::storage
