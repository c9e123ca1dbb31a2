#include "storage/in_memory_program_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

std::string Name(int64_t id) { return absl::StrCat("programs/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
}

bool Matches(const ProgramQuery& query, const Program& program) {
  return absl::StartsWith(program.region_code, query.region_code) &&
         (query.category == 0 || program.category == query.category) &&
         (!query.owner.has_value() || program.owner == *query.owner) &&
         (query.show_deleted || !program.delete_time.has_value());
}

}  // namespace

absl::StatusOr<std::string> InMemoryProgramStore::OwnerRegion(const ProgramOwner& owner,
                                                              absl::Time deadline) {
  if (owner.practice_unit_id != 0) {
    const absl::StatusOr<PracticeUnit> unit = units_.Get(owner.practice_unit_id, deadline);
    if (unit.ok() && !unit->delete_time.has_value()) return unit->region_code;
    return absl::FailedPreconditionError(
        absl::StrCat("practiceUnits/", owner.practice_unit_id, " does not exist or is deleted"));
  }
  if (owner.team_id != 0) {
    const absl::StatusOr<Team> team = teams_.Get(owner.team_id, deadline);
    if (team.ok() && !team->delete_time.has_value()) return team->home_region_code;
    return absl::FailedPreconditionError(
        absl::StrCat("teams/", owner.team_id, " does not exist or is deleted"));
  }
  if (regions_.Get(owner.region_code, deadline).ok()) return owner.region_code;
  return absl::FailedPreconditionError(
      absl::StrCat("regions/", owner.region_code, " does not exist or is deleted"));
}

absl::StatusOr<Program> InMemoryProgramStore::Get(int64_t id, absl::Time) {
  absl::MutexLock lock(&mu_);
  const auto it = programs_.find(id);
  if (it == programs_.end()) return NotFound(id);
  return it->second;
}

absl::StatusOr<ProgramPage> InMemoryProgramStore::List(const ProgramQuery& query, absl::Time) {
  absl::MutexLock lock(&mu_);
  ProgramPage page;
  for (const auto& [id, program] : programs_) {
    if (!Matches(query, program)) continue;
    ++page.total;
    if (id > query.after_id && static_cast<int>(page.programs.size()) < query.limit) {
      page.programs.push_back(program);
    }
  }
  return page;
}

absl::StatusOr<Program> InMemoryProgramStore::Create(const Program& program,
                                                     const std::string& request_id,
                                                     const AuditEntry& audit, absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (const auto first = by_request_.find(request_id);
        !request_id.empty() && first != by_request_.end()) {
      return programs_.at(first->second);
    }
  }
  const absl::StatusOr<std::string> region = OwnerRegion(program.owner, deadline);
  if (!region.ok()) return region.status();
  absl::MutexLock lock(&mu_);
  // Again under the lock that inserts: a concurrent retry may have made it meanwhile.
  if (const auto first = by_request_.find(request_id);
      !request_id.empty() && first != by_request_.end()) {
    return programs_.at(first->second);
  }
  Program created = program;
  created.id = next_id_++;
  created.region_code = *region;
  created.revision = 1;
  created.create_time = created.update_time = absl::Now();
  created.delete_time.reset();
  programs_[created.id] = created;
  if (!request_id.empty()) by_request_[request_id] = created.id;
  RecordChange(audit_log_, audit, Name(created.id), created.region_code);
  return created;
}

absl::StatusOr<Program*> InMemoryProgramStore::LockForChange(
    int64_t id, std::optional<int64_t> expected_revision) {
  const auto it = programs_.find(id);
  if (it == programs_.end()) return NotFound(id);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), it->second.revision, expected_revision));
  return &it->second;
}

absl::StatusOr<Program> InMemoryProgramStore::Update(int64_t id, const ProgramChange& change,
                                                     const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Program*> found = LockForChange(id, change.expected_revision);
  if (!found.ok()) return found.status();
  Program& program = **found;
  if (program.delete_time.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
  }
  if (absl::Status applied = ApplyProgramChange(change, program); !applied.ok()) return applied;
  ++program.revision;
  RecordChange(audit_log_, audit, Name(id), program.region_code);
  program.update_time = absl::Now();
  return program;
}

absl::StatusOr<Program> InMemoryProgramStore::Delete(int64_t id,
                                                     std::optional<int64_t> expected_revision,
                                                     const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Program*> found = LockForChange(id, expected_revision);
  if (!found.ok()) return found.status();
  Program& program = **found;
  if (!program.delete_time.has_value()) {
    program.delete_time = program.update_time = absl::Now();
    ++program.revision;
    RecordChange(audit_log_, audit, Name(id), program.region_code);
  }
  return program;
}

}  // namespace zhiyuan::storage
