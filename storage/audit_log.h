// The audit log (migration 0011): one entry per mutation, appended by the store that makes the
// change in the same transaction, so that a change without its entry (or an entry without its
// change) cannot be committed. Entries name things and fields, never values: no personal data.
#ifndef ZHIYUAN_STORAGE_AUDIT_LOG_H_
#define ZHIYUAN_STORAGE_AUDIT_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zhiyuan::storage {

// What the caller of a mutation says about it; the store adds the resource and its region.
struct AuditEntry {
  int64_t actor_token_id = 0;            // The caller's token; 0 for zhiyuand itself.
  std::string method;                    // "zhiyuan.v1.TeamService.UpdateTeam".
  std::string peer;                      // "ipv4:127.0.0.1:53422".
  std::string request_id;                // The request's request_id; "" for none.
  std::vector<std::string> field_paths;  // Update masks; the fields given on create.
};

// An entry as stored.
struct AuditRecord {
  int64_t id = 0;
  absl::Time time;
  AuditEntry entry;
  std::string resource;     // "teams/12", "teams/12/members/1411242024...", "regions".
  std::string region_code;  // Where the resource lies; "" for national ones.
};

struct AuditQuery {
  std::string region_code;     // Only entries in this subtree; "" for all.
  std::string resource;        // Only this resource's entries; "" for all.
  int64_t actor_token_id = 0;  // Only this caller's; 0 for all.
  int64_t before_id = 0;       // Only ids before this (keyset pagination, newest first); 0: none.
  int limit = 100;
};

struct AuditPage {
  std::vector<AuditRecord> records;  // Newest first.
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  virtual absl::StatusOr<AuditPage> List(const AuditQuery& query, absl::Time deadline) = 0;

  // Appends an entry on its own, for what changes nothing but must be on record (revealing a
  // personal number).
  virtual absl::Status Append(const AuditEntry& entry, const std::string& resource,
                              const std::string& region_code, absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_AUDIT_LOG_H_
