// TeamMemberStore: who belongs to which team. PostgresTeamMemberStore is the real one;
// InMemoryTeamMemberStore serves handler tests. Both pass
// tests/storage/team_member_store_contract.h.
#ifndef ZHIYUAN_STORAGE_TEAM_MEMBER_STORE_H_
#define ZHIYUAN_STORAGE_TEAM_MEMBER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

// One stint of a volunteer in a team.
struct TeamMember {
  int64_t id = 0;
  int64_t team_id = 0;
  std::string volunteer_number;
  int role = 1;  // zhiyuan.v1.TeamMemberRole.
  absl::Time join_time;
  std::optional<absl::Time> leave_time;
  int64_t revision = 0;
  absl::Time update_time;
};

struct TeamMemberQuery {
  int64_t team_id = 0;           // 0: any team.
  std::string volunteer_number;  // "": anyone.
  bool show_former = false;      // Include memberships that ended.
  int64_t after_id = 0;
  int limit = 100;
};

struct TeamMemberPage {
  std::vector<TeamMember> members;  // At most `limit`, ordered by id.
  int64_t total = 0;                // All matches, ignoring after_id and limit.
};

class TeamMemberStore {
 public:
  virtual ~TeamMemberStore() = default;

  // The current membership of `volunteer_number` in `team_id`.
  // Errors: NOT_FOUND when they are not a member now.
  virtual absl::StatusOr<TeamMember> Get(int64_t team_id, const std::string& volunteer_number,
                                         absl::Time deadline) = 0;

  virtual absl::StatusOr<TeamMemberPage> List(const TeamMemberQuery& query,
                                              absl::Time deadline) = 0;

  // Adds the volunteer to the team with `role`, or returns the membership an earlier call with
  // `request_id` made. Errors: ALREADY_EXISTS when they are a member now; FAILED_PRECONDITION
  // when the team or the volunteer does not exist or is deleted.
  virtual absl::StatusOr<TeamMember> Create(int64_t team_id, const std::string& volunteer_number,
                                            int role, const std::string& request_id,
                                            const AuditEntry& audit, absl::Time deadline) = 0;

  // Changes the role of a current membership. Errors: NOT_FOUND; ABORTED on a stale revision.
  virtual absl::StatusOr<TeamMember> UpdateRole(int64_t team_id,
                                                const std::string& volunteer_number, int role,
                                                std::optional<int64_t> expected_revision,
                                                const AuditEntry& audit, absl::Time deadline) = 0;

  // Ends a current membership (the volunteer leaves); returns it with its leave time.
  // Errors: NOT_FOUND when they are not a member now; ABORTED on a stale revision.
  virtual absl::StatusOr<TeamMember> Leave(int64_t team_id, const std::string& volunteer_number,
                                           std::optional<int64_t> expected_revision,
                                           const AuditEntry& audit, absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_TEAM_MEMBER_STORE_H_
