#include "storage/in_memory_team_store.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

std::string Name(int64_t id) { return absl::StrCat("teams/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
}

bool Matches(const TeamQuery& query, const Team& team) {
  return absl::StartsWith(team.home_region_code, query.region_code) &&
         (query.parent_id == 0 || team.parent_id == query.parent_id) &&
         (query.category == 0 ||
          std::count(team.categories.begin(), team.categories.end(), query.category) > 0) &&
         (query.status == 0 || team.status == query.status) &&
         absl::StartsWith(team.display_name, query.name_prefix) &&
         (query.show_deleted || !team.delete_time.has_value());
}

}  // namespace

absl::Status InMemoryTeamStore::CheckReferences(int64_t practice_unit_id, const std::string& leader,
                                                absl::Time deadline) {
  if (practice_unit_id != 0) {
    const absl::StatusOr<PracticeUnit> unit = units_.Get(practice_unit_id, deadline);
    if (!unit.ok() || unit->delete_time.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("practiceUnits/", practice_unit_id, " does not exist or is deleted"));
    }
  }
  if (!leader.empty()) {
    const absl::StatusOr<Volunteer> volunteer = volunteers_.Get(leader, deadline);
    if (!volunteer.ok() || volunteer->delete_time.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("volunteers/", leader, " does not exist or is deleted"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Team> InMemoryTeamStore::Get(int64_t id, absl::Time) {
  absl::MutexLock lock(&mu_);
  const auto it = teams_.find(id);
  if (it == teams_.end()) return NotFound(id);
  return it->second;
}

absl::StatusOr<TeamPage> InMemoryTeamStore::List(const TeamQuery& query, absl::Time) {
  absl::MutexLock lock(&mu_);
  TeamPage page;
  for (const auto& [id, team] : teams_) {
    if (!Matches(query, team)) continue;
    ++page.total;
    if (id > query.after_id && static_cast<int>(page.teams.size()) < query.limit) {
      page.teams.push_back(team);
    }
  }
  return page;
}

absl::StatusOr<Team> InMemoryTeamStore::Create(const Team& team, const std::string& request_id,
                                               const AuditEntry& audit, absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (const auto first = by_request_.find(request_id);
        !request_id.empty() && first != by_request_.end()) {
      return teams_.at(first->second);
    }
  }
  if (absl::IsNotFound(regions_.Get(team.home_region_code, deadline).status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("regions/", team.home_region_code, " does not exist"));
  }
  if (absl::Status references = CheckReferences(team.practice_unit_id, team.leader, deadline);
      !references.ok()) {
    return references;
  }
  absl::MutexLock lock(&mu_);
  // Again under the lock that inserts: a concurrent retry may have made it meanwhile.
  if (const auto first = by_request_.find(request_id);
      !request_id.empty() && first != by_request_.end()) {
    return teams_.at(first->second);
  }
  if (team.parent_id != 0) {
    const auto parent = teams_.find(team.parent_id);
    if (parent == teams_.end() || parent->second.delete_time.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(Name(team.parent_id), " does not exist or is deleted"));
    }
    if (!absl::StartsWith(team.home_region_code, parent->second.home_region_code)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "regions/", team.home_region_code, " is not within the parent team's region regions/",
          parent->second.home_region_code));
    }
  }
  Team created = team;
  created.id = next_id_++;
  created.revision = 1;
  created.create_time = created.update_time = absl::Now();
  created.delete_time.reset();
  teams_[created.id] = created;
  if (!request_id.empty()) by_request_[request_id] = created.id;
  RecordChange(audit_log_, audit, Name(created.id), created.home_region_code);
  return created;
}

absl::StatusOr<Team*> InMemoryTeamStore::LockForChange(int64_t id,
                                                       std::optional<int64_t> expected_revision) {
  const auto it = teams_.find(id);
  if (it == teams_.end()) return NotFound(id);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), it->second.revision, expected_revision));
  return &it->second;
}

absl::StatusOr<Team> InMemoryTeamStore::Update(int64_t id, const TeamChange& change,
                                               const AuditEntry& audit, absl::Time deadline) {
  const absl::Status references =
      CheckReferences(change.practice_unit_id.value_or(0), change.leader.value_or(""), deadline);
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Team*> found = LockForChange(id, change.expected_revision);
  if (!found.ok()) return found.status();
  Team& team = **found;
  if (team.delete_time.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
  }
  if (!references.ok()) return references;
  if (change.display_name) team.display_name = *change.display_name;
  if (change.categories) team.categories = *change.categories;
  if (change.leader) team.leader = *change.leader;
  if (change.practice_unit_id) team.practice_unit_id = *change.practice_unit_id;
  if (change.status) team.status = *change.status;
  ++team.revision;
  RecordChange(audit_log_, audit, Name(id), team.home_region_code);
  team.update_time = absl::Now();
  return team;
}

absl::StatusOr<Team> InMemoryTeamStore::Delete(int64_t id, std::optional<int64_t> expected_revision,
                                               const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Team*> found = LockForChange(id, expected_revision);
  if (!found.ok()) return found.status();
  Team& team = **found;
  if (team.delete_time.has_value()) return team;
  for (const auto& [child_id, child] : teams_) {
    if (child.parent_id == id && !child.delete_time.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(Name(id), " has teams under it that are not deleted: delete those first"));
    }
  }
  team.delete_time = team.update_time = absl::Now();
  ++team.revision;
  RecordChange(audit_log_, audit, Name(id), team.home_region_code);
  return team;
}

}  // namespace zhiyuan::storage
