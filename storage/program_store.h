// ProgramStore: where programs are kept. PostgresProgramStore is the real one;
// InMemoryProgramStore serves handler tests. Both pass tests/storage/program_store_contract.h.
#ifndef ZHIYUAN_STORAGE_PROGRAM_STORE_H_
#define ZHIYUAN_STORAGE_PROGRAM_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

// Who runs a program: exactly one of the three.
struct ProgramOwner {
  std::string region_code;
  int64_t practice_unit_id = 0;
  int64_t team_id = 0;

  bool operator==(const ProgramOwner& other) const {
    return region_code == other.region_code && practice_unit_id == other.practice_unit_id &&
           team_id == other.team_id;
  }
};

struct Program {
  int64_t id = 0;
  std::string display_name;
  int category = 0;  // zhiyuan.v1.ServiceCategory.
  ProgramOwner owner;
  std::string region_code;  // The owner's region; set by the store.
  std::string description;
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> end_date;
  int64_t revision = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

struct ProgramQuery {
  std::string region_code;  // "" for the country; else the region's subtree.
  int category = 0;         // 0: any.
  std::optional<ProgramOwner> owner;
  bool show_deleted = false;
  int64_t after_id = 0;
  int limit = 100;
};

struct ProgramPage {
  std::vector<Program> programs;  // At most `limit`, ordered by id.
  int64_t total = 0;              // All matches, ignoring after_id and limit.
};

struct ProgramChange {
  std::optional<std::string> display_name;
  std::optional<int> category;
  std::optional<std::string> description;
  std::optional<absl::CivilDay> start_date;
  std::optional<std::optional<absl::CivilDay>> end_date;  // nullopt inside clears.
  std::optional<int64_t> expected_revision;
};

class ProgramStore {
 public:
  virtual ~ProgramStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Program> Get(int64_t id, absl::Time deadline) = 0;

  virtual absl::StatusOr<ProgramPage> List(const ProgramQuery& query, absl::Time deadline) = 0;

  // Creates `program`, or returns the one created earlier with `request_id` (a UUID; "" for
  // none). Errors: FAILED_PRECONDITION when the owner does not exist or is deleted.
  virtual absl::StatusOr<Program> Create(const Program& program, const std::string& request_id,
                                         const AuditEntry& audit, absl::Time deadline) = 0;

  // Errors: NOT_FOUND; ABORTED on a stale revision; FAILED_PRECONDITION when deleted or when
  // the change would end the program before it starts.
  virtual absl::StatusOr<Program> Update(int64_t id, const ProgramChange& change,
                                         const AuditEntry& audit, absl::Time deadline) = 0;

  // Marks the program deleted (a deleted one is returned as it is). Errors: NOT_FOUND; ABORTED.
  virtual absl::StatusOr<Program> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                         const AuditEntry& audit, absl::Time deadline) = 0;
};

// Applies `change` to `program`. Errors: FAILED_PRECONDITION when it would end before it starts.
absl::Status ApplyProgramChange(const ProgramChange& change, Program& program);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_PROGRAM_STORE_H_
