// PracticeUnitStore: where 新时代文明实践 units are kept. PostgresPracticeUnitStore is the real
// one; InMemoryPracticeUnitStore serves handler tests. Both pass
// tests/storage/practice_unit_store_contract.h.
#ifndef ZHIYUAN_STORAGE_PRACTICE_UNIT_STORE_H_
#define ZHIYUAN_STORAGE_PRACTICE_UNIT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

// The same numbers as zhiyuan.v1.PracticeUnitKind.
enum class PracticeUnitKind { kInvalid = 0, kCenter, kInstitute, kStation, kPoint };

struct PracticeUnit {
  int64_t id = 0;
  PracticeUnitKind kind = PracticeUnitKind::kInvalid;
  int64_t parent_id = 0;  // 0 for a center.
  std::string region_code;
  std::string display_name;
  std::string address;
  int64_t revision = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

// Whether a unit of `kind` in `region_code` may sit under `parent` (nullptr: no parent).
// Errors: FAILED_PRECONDITION saying what does not fit. Both stores apply it, in the transaction
// that creates the unit.
absl::Status CheckPlacement(PracticeUnitKind kind, const std::string& region_code,
                            const PracticeUnit* parent);

struct PracticeUnitQuery {
  std::string region_code;  // "" for the country; else the region's subtree.
  PracticeUnitKind kind = PracticeUnitKind::kInvalid;  // kInvalid: any.
  int64_t parent_id = 0;                               // 0: any.
  bool show_deleted = false;
  int64_t after_id = 0;  // Only ids after this (keyset pagination).
  int limit = 100;
};

struct PracticeUnitPage {
  std::vector<PracticeUnit> units;  // At most `limit`, ordered by id.
  int64_t total = 0;                // All matches, ignoring after_id and limit.
};

struct PracticeUnitChange {
  std::optional<std::string> display_name;
  std::optional<std::string> address;
  std::optional<int64_t> expected_revision;
};

class PracticeUnitStore {
 public:
  virtual ~PracticeUnitStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<PracticeUnit> Get(int64_t id, absl::Time deadline) = 0;

  virtual absl::StatusOr<PracticeUnitPage> List(const PracticeUnitQuery& query,
                                                absl::Time deadline) = 0;

  // Creates `unit` (kind, parent_id, region_code, display_name, address), or, when a unit was
  // already created with `request_id` (a UUID; "" for none), returns that one.
  // Errors: FAILED_PRECONDITION when the region or parent does not exist, the parent is
  // deleted, or CheckPlacement refuses.
  virtual absl::StatusOr<PracticeUnit> Create(const PracticeUnit& unit,
                                              const std::string& request_id,
                                              const AuditEntry& audit, absl::Time deadline) = 0;

  // Errors: NOT_FOUND; ABORTED on a stale expected_revision; FAILED_PRECONDITION when deleted.
  virtual absl::StatusOr<PracticeUnit> Update(int64_t id, const PracticeUnitChange& change,
                                              const AuditEntry& audit, absl::Time deadline) = 0;

  // Marks the unit deleted (a deleted one is returned as it is).
  // Errors: NOT_FOUND; ABORTED on a stale revision; FAILED_PRECONDITION while units that are
  // not deleted sit under it.
  virtual absl::StatusOr<PracticeUnit> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                              const AuditEntry& audit, absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_PRACTICE_UNIT_STORE_H_
