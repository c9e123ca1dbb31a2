#include "storage/in_memory_volunteer_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

std::string Name(const std::string& number) { return absl::StrCat("volunteers/", number); }

absl::Status NotFound(const std::string& number) {
  return absl::NotFoundError(absl::StrCat(Name(number), " does not exist"));
}

}  // namespace

absl::Status InMemoryVolunteerStore::CheckRegion(const std::string& code, absl::Time deadline) {
  const absl::StatusOr<Region> region = regions_.Get(code, deadline);
  if (absl::IsNotFound(region.status())) {
    return absl::FailedPreconditionError(absl::StrCat("regions/", code, " does not exist"));
  }
  return region.status();
}

absl::StatusOr<Volunteer> InMemoryVolunteerStore::Get(const std::string& number, absl::Time) {
  absl::MutexLock lock(&mu_);
  const auto it = volunteers_.find(number);
  if (it == volunteers_.end()) return NotFound(number);
  return it->second;
}

absl::StatusOr<VolunteerPage> InMemoryVolunteerStore::List(const VolunteerQuery& query,
                                                           absl::Time) {
  absl::MutexLock lock(&mu_);
  VolunteerPage page;
  for (const auto& [number, volunteer] : volunteers_) {
    if (!absl::StartsWith(volunteer.residence_region_code, query.region_code) ||
        (query.status != 0 && volunteer.status != query.status) ||
        !absl::StartsWith(volunteer.display_name, query.name_prefix) ||
        (!query.show_deleted && volunteer.delete_time.has_value())) {
      continue;
    }
    ++page.total;
    if (number > query.after_number && static_cast<int>(page.volunteers.size()) < query.limit) {
      page.volunteers.push_back(volunteer);
    }
  }
  return page;
}

absl::StatusOr<Volunteer> InMemoryVolunteerStore::Create(
    const Volunteer& volunteer, const std::string& id_number_hash,
    absl::FunctionRef<std::string(int64_t)> mint, const std::string& request_id,
    const AuditEntry& audit, absl::Time deadline) {
  // Regions are only ever added, so checking before taking our lock is as good as inside it.
  const absl::Status region = CheckRegion(volunteer.residence_region_code, deadline);
  absl::MutexLock lock(&mu_);
  if (const auto first = requests_.find(request_id);
      !request_id.empty() && first != requests_.end()) {
    return volunteers_.at(first->second);
  }
  if (!region.ok()) return region;
  if (const auto existing = identities_.find(id_number_hash); existing != identities_.end()) {
    return AlreadyRegistered(existing->second);
  }
  Volunteer created = volunteer;
  do {
    created.number = mint(next_serial_++);
  } while (volunteers_.count(created.number));
  created.revision = 1;
  created.create_time = created.update_time = absl::Now();
  created.delete_time.reset();
  volunteers_[created.number] = created;
  identities_[id_number_hash] = created.number;
  if (!request_id.empty()) requests_[request_id] = created.number;
  RecordChange(audit_log_, audit, Name(created.number), created.residence_region_code);
  return created;
}

absl::StatusOr<Volunteer*> InMemoryVolunteerStore::LockForChange(
    const std::string& number, std::optional<int64_t> expected_revision) {
  const auto it = volunteers_.find(number);
  if (it == volunteers_.end()) return NotFound(number);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(number), it->second.revision, expected_revision));
  return &it->second;
}

absl::StatusOr<Volunteer> InMemoryVolunteerStore::Update(const std::string& number,
                                                         const VolunteerChange& change,
                                                         const AuditEntry& audit,
                                                         absl::Time deadline) {
  const absl::Status region = change.residence_region_code
                                  ? CheckRegion(*change.residence_region_code, deadline)
                                  : absl::OkStatus();
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Volunteer*> found = LockForChange(number, change.expected_revision);
  if (!found.ok()) return found.status();
  Volunteer& volunteer = **found;
  if (volunteer.delete_time.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(Name(number), " is deleted"));
  }
  if (!region.ok()) return region;
  if (change.display_name) volunteer.display_name = *change.display_name;
  if (change.gender) volunteer.gender = *change.gender;
  if (change.residence_region_code) volunteer.residence_region_code = *change.residence_region_code;
  if (change.skills) volunteer.skills = *change.skills;
  if (change.status) volunteer.status = *change.status;
  if (change.phone) std::tie(volunteer.phone_cipher, volunteer.phone_masked) = *change.phone;
  ++volunteer.revision;
  RecordChange(audit_log_, audit, Name(number), volunteer.residence_region_code);
  volunteer.update_time = absl::Now();
  return volunteer;
}

absl::StatusOr<Volunteer> InMemoryVolunteerStore::Delete(const std::string& number,
                                                         std::optional<int64_t> expected_revision,
                                                         const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Volunteer*> found = LockForChange(number, expected_revision);
  if (!found.ok()) return found.status();
  Volunteer& volunteer = **found;
  if (!volunteer.delete_time.has_value()) {
    volunteer.delete_time = volunteer.update_time = absl::Now();
    ++volunteer.revision;
    RecordChange(audit_log_, audit, Name(number), volunteer.residence_region_code);
  }
  return volunteer;
}

}  // namespace zhiyuan::storage
