#include "storage/event_store.h"

#include "absl/strings/str_cat.h"

namespace zhiyuan::storage {
namespace {

bool StatusMayMove(int from, int to) {
  if (from == to) return true;
  switch (from) {
    case kPlanned:
      return to == kOngoing || to == kCancelled;
    case kOngoing:
      return to == kCompleted || to == kCancelled;
    default:
      return false;
  }
}

constexpr const char* kStatusNames[] = {"", "PLANNED", "ONGOING", "COMPLETED", "CANCELLED"};

}  // namespace

absl::Status ApplyEventChange(const EventChange& change, Event& event) {
  if (change.status && !StatusMayMove(event.status, *change.status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("events/", event.id, " is ", kStatusNames[event.status], ": it cannot become ",
                     kStatusNames[*change.status]));
  }
  if (change.title) event.title = *change.title;
  if (change.program_id) event.program_id = *change.program_id;
  if (change.post_id) event.post_id = *change.post_id;
  if (change.practice_unit_id) event.practice_unit_id = *change.practice_unit_id;
  if (change.location) event.location = *change.location;
  if (change.coordinates) event.coordinates = *change.coordinates;
  if (change.start_time) event.start_time = *change.start_time;
  if (change.end_time) event.end_time = *change.end_time;
  if (change.capacity) event.capacity = *change.capacity;
  if (change.category) event.category = *change.category;
  if (change.status) event.status = *change.status;
  if (change.headcount) event.headcount = *change.headcount;
  if (change.audience) event.audience = *change.audience;
  if (event.post_id != 0 && event.practice_unit_id != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("events/", event.id, " would be at a post and a practice unit: give one"));
  }
  if (event.end_time <= event.start_time) {
    return absl::FailedPreconditionError(
        absl::StrCat("events/", event.id, " would end before it starts"));
  }
  return absl::OkStatus();
}

bool SameEventFields(const Event& a, const Event& b) {
  return a.title == b.title && a.program_id == b.program_id && a.post_id == b.post_id &&
         a.practice_unit_id == b.practice_unit_id && a.location == b.location &&
         a.coordinates == b.coordinates && a.start_time == b.start_time &&
         a.end_time == b.end_time && a.capacity == b.capacity && a.category == b.category &&
         a.status == b.status && a.headcount == b.headcount && a.audience == b.audience;
}

}  // namespace zhiyuan::storage
