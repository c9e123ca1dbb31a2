// Volunteer events (migration 0012): what a team holds when and where, with the figures a report
// gives kept apart. Deleting marks delete_time, and only events that never took place.
#ifndef ZHIYUAN_STORAGE_EVENT_STORE_H_
#define ZHIYUAN_STORAGE_EVENT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

// The same numbers as zhiyuan.v1.EventStatus.
enum EventStatus { kPlanned = 1, kOngoing = 2, kCompleted = 3, kCancelled = 4 };

// A figure as a report gives it; qualifier 0 means none was reported.
struct ReportedFigure {
  int64_t value = 0;
  int qualifier = 0;  // zhiyuan.v1.FigureQualifier.

  bool operator==(const ReportedFigure& other) const {
    return value == other.value && qualifier == other.qualifier;
  }
};

struct Event {
  int64_t id = 0;
  std::string title;
  int64_t team_id = 0;  // The organizer.
  std::string region_code;
  int64_t program_id = 0;        // 0: none.
  int64_t post_id = 0;           // 0: none.
  int64_t practice_unit_id = 0;  // 0: none.
  std::string location;
  std::optional<std::pair<double, double>> coordinates;  // Latitude, longitude.
  absl::Time start_time;
  absl::Time end_time;
  int capacity = 0;  // 0: no limit.
  int category = 0;  // zhiyuan.v1.ServiceCategory.
  int status = kPlanned;
  ReportedFigure headcount;
  ReportedFigure audience;
  int64_t revision = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

struct EventQuery {
  std::string region_code;                       // "" for the country; else the region's subtree.
  int64_t program_id = 0;                        // 0: any.
  int64_t team_id = 0;                           // 0: any organizer.
  int64_t post_id = 0;                           // 0: any.
  int64_t practice_unit_id = 0;                  // 0: any.
  int status = 0;                                // 0: any.
  absl::Time start_from = absl::InfinitePast();  // Scheduled to start at or after.
  absl::Time start_before = absl::InfiniteFuture();  // Scheduled to start before.
  bool show_deleted = false;
  int64_t after_id = 0;  // Only ids after this (keyset pagination).
  int limit = 100;
};

struct EventPage {
  std::vector<Event> events;  // In id order.
  int64_t total = 0;          // All matches, ignoring after_id and limit.
};

struct EventChange {
  std::optional<std::string> title;
  std::optional<int64_t> program_id;        // 0 clears.
  std::optional<int64_t> post_id;           // 0 clears.
  std::optional<int64_t> practice_unit_id;  // 0 clears.
  std::optional<std::string> location;
  std::optional<std::optional<std::pair<double, double>>> coordinates;  // nullopt inside clears.
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> end_time;
  std::optional<int> capacity;
  std::optional<int> category;
  std::optional<int> status;
  std::optional<ReportedFigure> headcount;  // Qualifier 0 clears.
  std::optional<ReportedFigure> audience;   // Qualifier 0 clears.
  std::optional<int64_t> expected_revision;
};

// Each change appends its audit entry in its transaction (storage/audit_log.h); a retried create,
// an update that changes nothing, a second delete or a failure append nothing.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Event> Get(int64_t id, absl::Time deadline) = 0;

  virtual absl::StatusOr<EventPage> List(const EventQuery& query, absl::Time deadline) = 0;

  // Stores `event` (id, revision and times are set by the store) unless an event was made with
  // `request_id` (a UUID; "" for none), which is returned instead.
  // Errors: FAILED_PRECONDITION when the region, organizer, program, post or practice unit does
  // not exist or is deleted, or the post or unit lies outside the event's region.
  virtual absl::StatusOr<Event> Create(const Event& event, const std::string& request_id,
                                       const AuditEntry& audit, absl::Time deadline) = 0;

  // Errors: NOT_FOUND; ABORTED on a stale revision; FAILED_PRECONDITION when deleted, for a
  // status move ApplyEventChange refuses, or a reference as in Create.
  virtual absl::StatusOr<Event> Update(int64_t id, const EventChange& change,
                                       const AuditEntry& audit, absl::Time deadline) = 0;

  // Marks a PLANNED or CANCELLED event deleted (a deleted one is returned as it is).
  // Errors: NOT_FOUND; ABORTED on a stale revision; FAILED_PRECONDITION for one that is ONGOING
  // or COMPLETED.
  virtual absl::StatusOr<Event> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                       const AuditEntry& audit, absl::Time deadline) = 0;
};

// Applies `change` to `event`, for both stores. Errors: FAILED_PRECONDITION for a status move
// other than PLANNED → ONGOING → COMPLETED or PLANNED/ONGOING → CANCELLED, for a post and a
// practice unit both set, or an end not after the start.
absl::Status ApplyEventChange(const EventChange& change, Event& event);

// Whether the fields a change can set are the same in both.
bool SameEventFields(const Event& a, const Event& b);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_EVENT_STORE_H_
