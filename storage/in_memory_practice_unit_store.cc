#include "storage/in_memory_practice_unit_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

std::string UnitName(int64_t id) { return absl::StrCat("practiceUnits/", id); }

bool Matches(const PracticeUnitQuery& query, const PracticeUnit& unit) {
  return absl::StartsWith(unit.region_code, query.region_code) &&
         (query.kind == PracticeUnitKind::kInvalid || unit.kind == query.kind) &&
         (query.parent_id == 0 || unit.parent_id == query.parent_id) &&
         (query.show_deleted || !unit.delete_time.has_value());
}

}  // namespace

absl::StatusOr<PracticeUnit> InMemoryPracticeUnitStore::Get(int64_t id, absl::Time) {
  absl::MutexLock lock(&mu_);
  const auto it = units_.find(id);
  if (it == units_.end()) return absl::NotFoundError(absl::StrCat(UnitName(id), " does not exist"));
  return it->second;
}

absl::StatusOr<PracticeUnitPage> InMemoryPracticeUnitStore::List(const PracticeUnitQuery& query,
                                                                 absl::Time) {
  absl::MutexLock lock(&mu_);
  PracticeUnitPage page;
  for (const auto& [id, unit] : units_) {
    if (!Matches(query, unit)) continue;
    ++page.total;
    if (id > query.after_id && static_cast<int>(page.units.size()) < query.limit) {
      page.units.push_back(unit);
    }
  }
  return page;
}

absl::StatusOr<PracticeUnit> InMemoryPracticeUnitStore::Create(const PracticeUnit& unit,
                                                               const std::string& request_id,
                                                               const AuditEntry& audit,
                                                               absl::Time deadline) {
  // Regions are only ever added, so checking before taking our lock is as good as inside it.
  const absl::StatusOr<Region> region = regions_.Get(unit.region_code, deadline);
  absl::MutexLock lock(&mu_);
  if (const auto first = by_request_.find(request_id);
      !request_id.empty() && first != by_request_.end()) {
    return units_.at(first->second);
  }
  if (absl::IsNotFound(region.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("regions/", unit.region_code, " does not exist"));
  }
  if (!region.ok()) return region.status();
  const PracticeUnit* parent = nullptr;
  if (unit.parent_id != 0) {
    const auto it = units_.find(unit.parent_id);
    if (it == units_.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat(UnitName(unit.parent_id), " does not exist"));
    }
    parent = &it->second;
    if (parent->delete_time.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(UnitName(unit.parent_id), " is deleted"));
    }
  }
  if (absl::Status placed = CheckPlacement(unit.kind, unit.region_code, parent); !placed.ok()) {
    return placed;
  }
  PracticeUnit created = unit;
  created.id = next_id_++;
  created.revision = 1;
  created.create_time = created.update_time = absl::Now();
  created.delete_time.reset();
  units_[created.id] = created;
  if (!request_id.empty()) by_request_[request_id] = created.id;
  RecordChange(audit_log_, audit, UnitName(created.id), created.region_code);
  return created;
}

absl::StatusOr<PracticeUnit*> InMemoryPracticeUnitStore::LockForChange(
    int64_t id, std::optional<int64_t> expected_revision) {
  const auto it = units_.find(id);
  if (it == units_.end()) return absl::NotFoundError(absl::StrCat(UnitName(id), " does not exist"));
  ZY_RETURN_IF_ERROR(CheckRevision(UnitName(id), it->second.revision, expected_revision));
  return &it->second;
}

absl::StatusOr<PracticeUnit> InMemoryPracticeUnitStore::Update(int64_t id,
                                                               const PracticeUnitChange& change,
                                                               const AuditEntry& audit,
                                                               absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<PracticeUnit*> unit = LockForChange(id, change.expected_revision);
  if (!unit.ok()) return unit.status();
  PracticeUnit& stored = **unit;
  if (stored.delete_time.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(UnitName(id), " is deleted"));
  }
  const std::string display_name = change.display_name.value_or(stored.display_name);
  const std::string address = change.address.value_or(stored.address);
  if (display_name != stored.display_name || address != stored.address) {
    stored.display_name = display_name;
    stored.address = address;
    ++stored.revision;
    RecordChange(audit_log_, audit, UnitName(id), stored.region_code);
    stored.update_time = absl::Now();
  }
  return stored;
}

absl::StatusOr<PracticeUnit> InMemoryPracticeUnitStore::Delete(
    int64_t id, std::optional<int64_t> expected_revision, const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<PracticeUnit*> unit = LockForChange(id, expected_revision);
  if (!unit.ok()) return unit.status();
  PracticeUnit& stored = **unit;
  if (stored.delete_time.has_value()) return stored;
  for (const auto& [child_id, child] : units_) {
    if (child.parent_id == id && !child.delete_time.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          UnitName(id), " has units under it that are not deleted: delete those first"));
    }
  }
  stored.delete_time = stored.update_time = absl::Now();
  ++stored.revision;
  RecordChange(audit_log_, audit, UnitName(id), stored.region_code);
  return stored;
}

}  // namespace zhiyuan::storage
