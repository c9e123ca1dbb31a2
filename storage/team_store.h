// TeamStore: where volunteer teams are kept. PostgresTeamStore is the real one; InMemoryTeamStore
// serves handler tests. Both pass tests/storage/team_store_contract.h.
#ifndef ZHIYUAN_STORAGE_TEAM_STORE_H_
#define ZHIYUAN_STORAGE_TEAM_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

struct Team {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0: a top-level team.
  std::string home_region_code;
  int64_t practice_unit_id = 0;  // 0: none.
  std::string display_name;
  std::vector<int> categories;  // zhiyuan.v1.ServiceCategory numbers.
  std::string leader;           // A volunteer number; "" for none.
  int status = 1;               // zhiyuan.v1.TeamStatus.
  int64_t revision = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

struct TeamQuery {
  std::string region_code;  // "" for the country; else the home region's subtree.
  int64_t parent_id = 0;    // 0: any.
  int category = 0;         // 0: any.
  int status = 0;           // 0: any.
  std::string name_prefix;  // "": any name.
  bool show_deleted = false;
  int64_t after_id = 0;  // Only ids after this (keyset pagination).
  int limit = 100;
};

struct TeamPage {
  std::vector<Team> teams;  // At most `limit`, ordered by id.
  int64_t total = 0;        // All matches, ignoring after_id and limit.
};

struct TeamChange {
  std::optional<std::string> display_name;
  std::optional<std::vector<int>> categories;
  std::optional<std::string> leader;        // "" clears.
  std::optional<int64_t> practice_unit_id;  // 0 clears.
  std::optional<int> status;
  std::optional<int64_t> expected_revision;
};

class TeamStore {
 public:
  virtual ~TeamStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Team> Get(int64_t id, absl::Time deadline) = 0;

  virtual absl::StatusOr<TeamPage> List(const TeamQuery& query, absl::Time deadline) = 0;

  // Creates `team` (all but id, revision and times), or, when a team was already created with
  // `request_id` (a UUID; "" for none), returns that one. Errors: FAILED_PRECONDITION when the
  // home region, parent, practice unit or leader does not exist or is deleted, or the home region
  // is not within the parent's.
  virtual absl::StatusOr<Team> Create(const Team& team, const std::string& request_id,
                                      const AuditEntry& audit, absl::Time deadline) = 0;

  // Errors: NOT_FOUND; ABORTED on a stale expected_revision; FAILED_PRECONDITION when deleted or
  // when a new practice unit or leader does not exist or is deleted.
  virtual absl::StatusOr<Team> Update(int64_t id, const TeamChange& change, const AuditEntry& audit,
                                      absl::Time deadline) = 0;

  // Marks the team deleted (a deleted one is returned as it is). Errors: NOT_FOUND; ABORTED on a
  // stale revision; FAILED_PRECONDITION while teams that are not deleted sit under it.
  virtual absl::StatusOr<Team> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                      const AuditEntry& audit, absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_TEAM_STORE_H_
