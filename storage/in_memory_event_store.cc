#include "storage/in_memory_event_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

std::string Name(int64_t id) { return absl::StrCat("events/", id); }

absl::Status Missing(absl::string_view name) {
  return absl::FailedPreconditionError(absl::StrCat(name, " does not exist or is deleted"));
}

// Whether `status` says the object is missing, turning other errors into the returned status.
absl::Status Live(const absl::Status& status, bool deleted, absl::string_view name) {
  if (absl::IsNotFound(status) || (status.ok() && deleted)) return Missing(name);
  return status;
}

absl::Status Within(const std::string& place_region, const std::string& event_region,
                    absl::string_view name) {
  if (absl::StartsWith(place_region, event_region)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(name, " is not within the event's region regions/", event_region));
}

absl::Time Micros(absl::Time time) { return absl::FromUnixMicros(absl::ToUnixMicros(time)); }

}  // namespace

absl::Status InMemoryEventStore::CheckReferences(const Event& event, const Event* before,
                                                 absl::Time deadline) {
  if (before == nullptr) {
    if (absl::IsNotFound(regions_.Get(event.region_code, deadline).status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("regions/", event.region_code, " does not exist"));
    }
    const absl::StatusOr<Team> team = teams_.Get(event.team_id, deadline);
    ZY_RETURN_IF_ERROR(Live(team.status(), team.ok() && team->delete_time.has_value(),
                            absl::StrCat("teams/", event.team_id)));
  }
  if (event.program_id != 0 && (before == nullptr || before->program_id != event.program_id)) {
    const absl::StatusOr<Program> program = programs_.Get(event.program_id, deadline);
    ZY_RETURN_IF_ERROR(Live(program.status(), program.ok() && program->delete_time.has_value(),
                            absl::StrCat("programs/", event.program_id)));
  }
  if (event.post_id != 0 && (before == nullptr || before->post_id != event.post_id)) {
    const std::string name = absl::StrCat("posts/", event.post_id);
    const absl::StatusOr<Post> post = posts_.Get(event.post_id, deadline);
    ZY_RETURN_IF_ERROR(Live(post.status(), post.ok() && post->delete_time.has_value(), name));
    ZY_RETURN_IF_ERROR(Within(post->region_code, event.region_code, name));
  }
  if (event.practice_unit_id != 0 &&
      (before == nullptr || before->practice_unit_id != event.practice_unit_id)) {
    const std::string name = absl::StrCat("practiceUnits/", event.practice_unit_id);
    const absl::StatusOr<PracticeUnit> unit = units_.Get(event.practice_unit_id, deadline);
    ZY_RETURN_IF_ERROR(Live(unit.status(), unit.ok() && unit->delete_time.has_value(), name));
    ZY_RETURN_IF_ERROR(Within(unit->region_code, event.region_code, name));
  }
  return absl::OkStatus();
}

absl::StatusOr<Event> InMemoryEventStore::Get(int64_t id, absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  const auto it = events_.find(id);
  if (it == events_.end()) return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
  return it->second;
}

absl::StatusOr<EventPage> InMemoryEventStore::List(const EventQuery& query,
                                                   absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  EventPage page;
  for (const auto& [id, event] : events_) {
    if (!absl::StartsWith(event.region_code, query.region_code)) continue;
    if (query.program_id != 0 && event.program_id != query.program_id) continue;
    if (query.team_id != 0 && event.team_id != query.team_id) continue;
    if (query.post_id != 0 && event.post_id != query.post_id) continue;
    if (query.practice_unit_id != 0 && event.practice_unit_id != query.practice_unit_id) continue;
    if (query.status != 0 && event.status != query.status) continue;
    if (event.start_time < query.start_from || event.start_time >= query.start_before) continue;
    if (!query.show_deleted && event.delete_time.has_value()) continue;
    ++page.total;
    if (id > query.after_id && static_cast<int>(page.events.size()) < query.limit) {
      page.events.push_back(event);
    }
  }
  return page;
}

absl::StatusOr<Event> InMemoryEventStore::Create(const Event& event, const std::string& request_id,
                                                 const AuditEntry& audit, absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (const auto first = by_request_.find(request_id);
        !request_id.empty() && first != by_request_.end()) {
      return events_.at(first->second);
    }
  }
  ZY_RETURN_IF_ERROR(CheckReferences(event, nullptr, deadline));
  absl::MutexLock lock(&mu_);
  if (const auto first = by_request_.find(request_id);
      !request_id.empty() && first != by_request_.end()) {
    return events_.at(first->second);
  }
  Event created = event;
  created.id = next_id_++;
  created.start_time = Micros(event.start_time);
  created.end_time = Micros(event.end_time);
  created.revision = 1;
  created.create_time = created.update_time = Micros(absl::Now());
  created.delete_time.reset();
  events_[created.id] = created;
  if (!request_id.empty()) by_request_[request_id] = created.id;
  RecordChange(audit_log_, audit, Name(created.id), created.region_code);
  return created;
}

absl::StatusOr<Event*> InMemoryEventStore::LockForChange(int64_t id,
                                                         std::optional<int64_t> expected_revision) {
  const auto it = events_.find(id);
  if (it == events_.end()) return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), it->second.revision, expected_revision));
  return &it->second;
}

absl::StatusOr<Event> InMemoryEventStore::Update(int64_t id, const EventChange& change,
                                                 const AuditEntry& audit, absl::Time deadline) {
  Event next;
  Event before;
  {
    absl::MutexLock lock(&mu_);
    ZY_ASSIGN_OR_RETURN(Event* const event, LockForChange(id, change.expected_revision));
    if (event->delete_time.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
    }
    before = next = *event;
  }
  ZY_RETURN_IF_ERROR(ApplyEventChange(change, next));
  next.start_time = Micros(next.start_time);
  next.end_time = Micros(next.end_time);
  if (SameEventFields(next, before)) return before;
  ZY_RETURN_IF_ERROR(CheckReferences(next, &before, deadline));
  absl::MutexLock lock(&mu_);
  // Checked again under the lock: another change may have come between.
  ZY_ASSIGN_OR_RETURN(Event* const event, LockForChange(id, before.revision));
  next.revision = event->revision + 1;
  next.update_time = Micros(absl::Now());
  *event = next;
  RecordChange(audit_log_, audit, Name(next.id), next.region_code);
  return next;
}

absl::StatusOr<Event> InMemoryEventStore::Delete(int64_t id,
                                                 std::optional<int64_t> expected_revision,
                                                 const AuditEntry& audit, absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  ZY_ASSIGN_OR_RETURN(Event* const event, LockForChange(id, expected_revision));
  if (event->delete_time.has_value()) return *event;
  if (event->status == kOngoing || event->status == kCompleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(Name(id), " is under way or over: it stays on record"));
  }
  event->delete_time = event->update_time = Micros(absl::Now());
  ++event->revision;
  RecordChange(audit_log_, audit, Name(event->id), event->region_code);
  return *event;
}

}  // namespace zhiyuan::storage
