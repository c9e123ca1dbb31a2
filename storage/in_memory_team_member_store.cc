#include "storage/in_memory_team_member_store.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

std::string Name(int64_t team_id, const std::string& number) {
  return absl::StrCat("teams/", team_id, "/members/", number);
}

absl::Status NotAMember(int64_t team_id, const std::string& number) {
  return absl::NotFoundError(absl::StrCat(Name(team_id, number),
                                          " does not exist: "
                                          "volunteers/",
                                          number, " is not a member now"));
}

}  // namespace

absl::StatusOr<TeamMember*> InMemoryTeamMemberStore::Current(
    int64_t team_id, const std::string& volunteer_number,
    std::optional<int64_t> expected_revision) {
  for (auto& [id, member] : members_) {
    if (member.team_id != team_id || member.volunteer_number != volunteer_number ||
        member.leave_time.has_value()) {
      continue;
    }
    ZY_RETURN_IF_ERROR(
        CheckRevision(Name(team_id, volunteer_number), member.revision, expected_revision));
    return &member;
  }
  return NotAMember(team_id, volunteer_number);
}

absl::StatusOr<TeamMember> InMemoryTeamMemberStore::Get(int64_t team_id,
                                                        const std::string& volunteer_number,
                                                        absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<TeamMember*> member = Current(team_id, volunteer_number, std::nullopt);
  if (!member.ok()) return member.status();
  return **member;
}

absl::StatusOr<TeamMemberPage> InMemoryTeamMemberStore::List(const TeamMemberQuery& query,
                                                             absl::Time) {
  absl::MutexLock lock(&mu_);
  TeamMemberPage page;
  for (const auto& [id, member] : members_) {
    if ((query.team_id != 0 && member.team_id != query.team_id) ||
        (!query.volunteer_number.empty() && member.volunteer_number != query.volunteer_number) ||
        (!query.show_former && member.leave_time.has_value())) {
      continue;
    }
    ++page.total;
    if (id > query.after_id && static_cast<int>(page.members.size()) < query.limit) {
      page.members.push_back(member);
    }
  }
  return page;
}

void InMemoryTeamMemberStore::Audit(const AuditEntry& audit, int64_t team_id,
                                    const std::string& volunteer_number) {
  if (audit_log_ == nullptr) return;
  const absl::StatusOr<Team> team = teams_.Get(team_id, absl::InfiniteFuture());
  audit_log_->Record(audit, Name(team_id, volunteer_number),
                     team.ok() ? team->home_region_code : "");
}

absl::StatusOr<TeamMember> InMemoryTeamMemberStore::Create(int64_t team_id,
                                                           const std::string& volunteer_number,
                                                           int role, const std::string& request_id,
                                                           const AuditEntry& audit,
                                                           absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (const auto first = by_request_.find({volunteer_number, request_id});
        !request_id.empty() && first != by_request_.end()) {
      return members_.at(first->second);
    }
  }
  const absl::StatusOr<Team> team = teams_.Get(team_id, deadline);
  if (!team.ok() || team->delete_time.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("teams/", team_id, " does not exist or is deleted"));
  }
  const absl::StatusOr<Volunteer> volunteer = volunteers_.Get(volunteer_number, deadline);
  if (!volunteer.ok() || volunteer->delete_time.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("volunteers/", volunteer_number, " does not exist or is deleted"));
  }
  absl::MutexLock lock(&mu_);
  // Again under the lock that inserts: a concurrent retry may have made it meanwhile.
  if (const auto first = by_request_.find({volunteer_number, request_id});
      !request_id.empty() && first != by_request_.end()) {
    return members_.at(first->second);
  }
  if (Current(team_id, volunteer_number, std::nullopt).ok()) {
    return absl::AlreadyExistsError(absl::StrCat("volunteers/", volunteer_number,
                                                 " is a member of teams/", team_id, " already"));
  }
  TeamMember member;
  member.id = next_id_++;
  member.team_id = team_id;
  member.volunteer_number = volunteer_number;
  member.role = role;
  member.join_time = member.update_time = absl::Now();
  member.revision = 1;
  members_[member.id] = member;
  if (!request_id.empty()) by_request_[{volunteer_number, request_id}] = member.id;
  Audit(audit, team_id, volunteer_number);
  return member;
}

absl::StatusOr<TeamMember> InMemoryTeamMemberStore::UpdateRole(
    int64_t team_id, const std::string& volunteer_number, int role,
    std::optional<int64_t> expected_revision, const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<TeamMember*> member = Current(team_id, volunteer_number, expected_revision);
  if (!member.ok()) return member.status();
  if ((*member)->role != role) {
    (*member)->role = role;
    ++(*member)->revision;
    Audit(audit, team_id, volunteer_number);
    (*member)->update_time = absl::Now();
  }
  return **member;
}

absl::StatusOr<TeamMember> InMemoryTeamMemberStore::Leave(int64_t team_id,
                                                          const std::string& volunteer_number,
                                                          std::optional<int64_t> expected_revision,
                                                          const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<TeamMember*> member = Current(team_id, volunteer_number, expected_revision);
  if (!member.ok()) return member.status();
  (*member)->leave_time = (*member)->update_time = absl::Now();
  ++(*member)->revision;
  Audit(audit, team_id, volunteer_number);
  return **member;
}

}  // namespace zhiyuan::storage
