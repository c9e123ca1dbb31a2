#include "services/record_writes.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

using storage::Event;
using storage::HourClass;
using storage::RecordBatchState;
using storage::RecordBatchWrites;
using storage::RecordState;
using storage::RevisionChange;
using storage::ServiceRecord;

// A check-in may come this long before the event's scheduled start.
constexpr absl::Duration kEarlyArrival = absl::Hours(1);

const char* StatusWord(int status) {
  switch (status) {
    case storage::kPlanned:
      return "PLANNED";
    case storage::kOngoing:
      return "ONGOING";
    case storage::kCompleted:
      return "COMPLETED";
    default:
      return "CANCELLED";
  }
}

std::string EventName(int64_t id) { return absl::StrCat("events/", id); }

bool Occupies(const ServiceRecord& record) {
  return record.hour_class == HourClass::kAttendance &&
         (record.state == RecordState::kOpen || record.state == RecordState::kCredited);
}

class Planner {
 public:
  Planner(const RecordBatchState& state, absl::Time now) : state_(state), now_(now) {
    for (const auto& [key, id] : state.replays) replays_[key] = id;
    for (const auto& [key, id] : state.correction_replays) correction_replays_[key] = id;
  }

  RecordWriteResult Apply(const RecordWrite& write) {
    RecordWriteResult result;
    if (write.kind == RecordWrite::Kind::kRequestCorrection) return ApplyCorrectionRequest(write);
    if (!write.client_id.empty()) {
      if (auto it = replays_.find({write.volunteer_number, write.client_id});
          it != replays_.end()) {
        if (const ServiceRecord* record = Find(write.volunteer_number, it->second)) {
          result.duplicate = true;
          result.record = *record;
          return result;
        }
        result.status = absl::InternalError(
            absl::StrCat("the record of client id ", write.client_id, " was not read"));
        return result;
      }
    }
    absl::StatusOr<ServiceRecord> record = Decide(write, result);
    if (!record.ok()) {
      result.status = record.status();
      return result;
    }
    if (!write.client_id.empty()) replays_[{write.volunteer_number, write.client_id}] = record->id;
    result.record = *std::move(record);
    return result;
  }

  RecordBatchWrites Take() {
    for (const auto& key : touched_) {
      const ServiceRecord& record = *Find(key.first, key.second);
      (inserted_.contains(key) ? writes_.inserts : writes_.updates).push_back(record);
    }
    return std::move(writes_);
  }

 private:
  RecordWriteResult ApplyCorrectionRequest(const RecordWrite& write) {
    RecordWriteResult result;
    const std::pair<std::string, std::string> key{write.volunteer_number, write.client_id};
    if (!write.client_id.empty()) {
      if (auto it = correction_replays_.find(key); it != correction_replays_.end()) {
        const storage::Correction* correction = FindCorrection(write.volunteer_number, it->second);
        const ServiceRecord* record =
            correction == nullptr ? nullptr : Find(write.volunteer_number, correction->record_id);
        if (record == nullptr) {
          result.status = absl::InternalError(
              absl::StrCat("the correction of client id ", write.client_id, " was not read"));
          return result;
        }
        result.duplicate = true;
        result.correction = *correction;
        result.record = *record;
        return result;
      }
    }
    if (!state_.live_volunteers.contains(write.volunteer_number)) {
      result.status = absl::NotFoundError(
          absl::StrCat("volunteers/", write.volunteer_number, " does not exist"));
      return result;
    }
    absl::StatusOr<storage::Correction> correction = RequestCorrection(write);
    if (!correction.ok()) {
      result.status = correction.status();
      return result;
    }
    if (!write.client_id.empty()) correction_replays_[key] = correction->id;
    result.record = *Find(write.volunteer_number, correction->record_id);
    result.correction = *std::move(correction);
    return result;
  }

  absl::StatusOr<ServiceRecord> Decide(const RecordWrite& write, RecordWriteResult& result) {
    if (write.kind == RecordWrite::Kind::kClose) return Close(write);
    if (!state_.live_volunteers.contains(write.volunteer_number)) {
      return absl::NotFoundError(
          absl::StrCat("volunteers/", write.volunteer_number, " does not exist"));
    }
    switch (write.kind) {
      case RecordWrite::Kind::kCheckIn:
        return CheckIn(write);
      case RecordWrite::Kind::kCheckOut:
        return CheckOut(write);
      case RecordWrite::Kind::kEntry:
        return Entry(write);
      case RecordWrite::Kind::kManual:
        return Manual(write);
      case RecordWrite::Kind::kReview:
        return Review(write);
      case RecordWrite::Kind::kReviewCorrection:
        return ReviewCorrection(write, result);
      case RecordWrite::Kind::kRecompute:
        return Recompute(write, result);
      case RecordWrite::Kind::kClose:
      case RecordWrite::Kind::kRequestCorrection:
        break;
    }
    return absl::InternalError("unknown kind of service record write");
  }

  absl::StatusOr<ServiceRecord> CheckIn(const RecordWrite& write) {
    ZY_ASSIGN_OR_RETURN(const Event* event, TakingEvent(write.event_id));
    if (event->status != storage::kOngoing) {
      return absl::FailedPreconditionError(
          absl::StrCat(EventName(event->id), " is ", StatusWord(event->status),
                       event->status == storage::kPlanned
                           ? ": check-ins open when it is ONGOING"
                           : ": check-ins are closed; an organiser can enter the record instead"));
    }
    if (absl::Status in_window = CheckInWindow(*event, write.time); !in_window.ok()) {
      return in_window;
    }
    const storage::HourRuleSet* rules = RulesFor(*event);
    if (rules == nullptr) return MissingRules(*event);
    CloseDue(write.volunteer_number);
    if (absl::Status free = CheckFree(write.volunteer_number, write.time, std::nullopt, 0);
        !free.ok()) {
      return free;
    }
    ServiceRecord record;
    ZY_ASSIGN_OR_RETURN(record.id, NextId());
    record.volunteer_number = write.volunteer_number;
    record.event_id = event->id;
    record.state = RecordState::kOpen;
    record.method = write.method;
    record.check_in = write.time;
    record.hour_rule_set_id = rules->id;
    record.close_due = event->end_time + absl::Minutes(rules->auto_close_minutes);
    record.recorder_token_id = write.actor_token_id;
    record.verifier_token_id = write.verifier_token_id;
    record.note = write.note;
    return Save(std::move(record), /*is_new=*/true, RevisionChange::kCreated, write, *event);
  }

  absl::StatusOr<ServiceRecord> CheckOut(const RecordWrite& write) {
    // The open record at the event; else one the rules closed for want of this check-out, which
    // arrives late (an offline upload, or one after another item closed the record) with a time
    // the rules would have taken.
    ServiceRecord* open = nullptr;
    ServiceRecord* closed = nullptr;
    for (ServiceRecord& record : Records(write.volunteer_number)) {
      if (record.event_id != write.event_id) continue;
      if (record.state == RecordState::kOpen) open = &record;
      if (record.state == RecordState::kCredited && record.auto_closed &&
          record.check_in <= write.time && record.close_due.has_value() &&
          write.time <= *record.close_due) {
        closed = &record;
      }
    }
    ServiceRecord* target = open != nullptr ? open : closed;
    if (target == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("volunteers/", write.volunteer_number,
                                                        " has no open check-in at ",
                                                        EventName(write.event_id)));
    }
    auto event_it = state_.events.find(write.event_id);
    if (event_it == state_.events.end()) return absl::InternalError("the event was not read");
    const Event& event = event_it->second;
    if (write.time < target->check_in) {
      return absl::InvalidArgumentError(absl::StrCat("check_out_time: ", ChinaClock(write.time),
                                                     " is before the check-in at ",
                                                     ChinaClock(target->check_in)));
    }
    if (target->close_due.has_value() && write.time > *target->close_due) {
      return absl::FailedPreconditionError(absl::StrCat(
          "check_out_time: ", ChinaClock(write.time), " is after ", ChinaClock(*target->close_due),
          ", when the hour rules close a forgotten check-out at the scheduled end"));
    }
    if (target == closed) {
      // The record held [check-in, scheduled end); a later check-out must not reach into
      // another record.
      ZY_RETURN_IF_ERROR(
          CheckFree(write.volunteer_number, target->check_in, write.time, target->id));
    }
    ServiceRecord record = *target;
    ZY_RETURN_IF_ERROR(Credit(record, event, write.time, absl::InfiniteFuture()));
    if (write.verifier_token_id != 0) record.verifier_token_id = write.verifier_token_id;
    return Save(std::move(record), /*is_new=*/false, RevisionChange::kCheckedOut, write, event);
  }

  absl::StatusOr<ServiceRecord> Entry(const RecordWrite& write) {
    ZY_ASSIGN_OR_RETURN(const Event* event, TakingEvent(write.event_id));
    if (event->status != storage::kOngoing && event->status != storage::kCompleted) {
      return absl::FailedPreconditionError(absl::StrCat(
          EventName(event->id), " is PLANNED: records are entered once it is ONGOING"));
    }
    if (absl::Status in_window = CheckInWindow(*event, write.time); !in_window.ok()) {
      return in_window;
    }
    if (write.check_out < write.time) {
      return absl::InvalidArgumentError(
          absl::StrCat("check_out_time: ", ChinaClock(write.check_out),
                       " is before the check-in at ", ChinaClock(write.time)));
    }
    const storage::HourRuleSet* rules = RulesFor(*event);
    if (rules == nullptr) return MissingRules(*event);
    const absl::Time close_due = event->end_time + absl::Minutes(rules->auto_close_minutes);
    if (write.check_out > close_due) {
      return absl::FailedPreconditionError(absl::StrCat(
          "check_out_time: ", ChinaClock(write.check_out), " is after ", ChinaClock(close_due),
          ", when the hour rules close ", EventName(event->id), "'s records"));
    }
    CloseDue(write.volunteer_number);
    if (absl::Status free = CheckFree(write.volunteer_number, write.time, write.check_out, 0);
        !free.ok()) {
      return free;
    }
    ServiceRecord record;
    ZY_ASSIGN_OR_RETURN(record.id, NextId());
    record.volunteer_number = write.volunteer_number;
    record.event_id = event->id;
    record.method = write.method;
    record.check_in = write.time;
    record.hour_rule_set_id = rules->id;
    record.close_due = close_due;
    record.recorder_token_id = write.actor_token_id;
    record.verifier_token_id = write.verifier_token_id;
    record.note = write.note;
    ZY_RETURN_IF_ERROR(Credit(record, *event, write.check_out));
    return Save(std::move(record), /*is_new=*/true, RevisionChange::kCreated, write, *event);
  }

  absl::StatusOr<ServiceRecord> Manual(const RecordWrite& write) {
    ZY_ASSIGN_OR_RETURN(const Event* event, TakingEvent(write.event_id));
    if (event->status == storage::kPlanned) {
      return absl::FailedPreconditionError(
          absl::StrCat(EventName(event->id), " is PLANNED: hours are added once it is ONGOING"));
    }
    ServiceRecord record;
    ZY_ASSIGN_OR_RETURN(record.id, NextId());
    record.volunteer_number = write.volunteer_number;
    record.event_id = event->id;
    record.hour_class = HourClass::kManual;
    record.state = RecordState::kPendingApproval;
    record.method = storage::RecordMethod::kAdministrator;
    record.check_in = write.time;
    record.raw_minutes = write.minutes;
    record.recorder_token_id = write.actor_token_id;
    record.note = write.note;
    return Save(std::move(record), /*is_new=*/true, RevisionChange::kCreated, write, *event);
  }

  absl::StatusOr<ServiceRecord> Review(const RecordWrite& write) {
    ServiceRecord* found = Find(write.volunteer_number, write.record_id);
    if (found == nullptr) {
      return absl::NotFoundError(absl::StrCat("volunteers/", write.volunteer_number,
                                              "/serviceRecords/", write.record_id,
                                              " does not exist"));
    }
    if (found->state != RecordState::kPendingApproval) {
      return absl::FailedPreconditionError(
          absl::StrCat(found->name(), " is not manual hours waiting for approval"));
    }
    if (found->recorder_token_id == write.actor_token_id) {
      return absl::FailedPreconditionError(
          absl::StrCat(found->name(), ": another person must approve the hours you added"));
    }
    auto event_it = state_.events.find(found->event_id);
    if (event_it == state_.events.end()) return absl::InternalError("the event was not read");
    ServiceRecord record = *found;
    if (write.approve) {
      record.state = RecordState::kCredited;
      record.credited_minutes = record.raw_minutes;
      record.verifier_token_id = write.actor_token_id;
    } else {
      record.state = RecordState::kRejected;
      record.credited_minutes = 0;
    }
    return Save(std::move(record), /*is_new=*/false,
                write.approve ? RevisionChange::kApproved : RevisionChange::kRejected, write,
                event_it->second);
  }

  absl::StatusOr<ServiceRecord> Close(const RecordWrite& write) {
    ServiceRecord* found = Find(write.volunteer_number, write.record_id);
    if (found == nullptr || found->state != RecordState::kOpen || !found->close_due.has_value() ||
        *found->close_due > now_) {
      return absl::FailedPreconditionError("the record is not open past its close time");
    }
    auto event_it = state_.events.find(found->event_id);
    if (event_it == state_.events.end()) return absl::InternalError("the event was not read");
    ServiceRecord record = *found;
    ZY_RETURN_IF_ERROR(Credit(record, event_it->second, std::nullopt));
    return Save(std::move(record), /*is_new=*/false, RevisionChange::kAutoClosed, write,
                event_it->second);
  }

  absl::StatusOr<storage::Correction> RequestCorrection(const RecordWrite& write) {
    ServiceRecord* record = Find(write.volunteer_number, write.record_id);
    if (record == nullptr) return RecordNotFound(write.volunteer_number, write.record_id);
    if (record->state != RecordState::kCredited) {
      return absl::FailedPreconditionError(
          absl::StrCat(record->name(), " is not CREDITED: only credited records are corrected"));
    }
    const bool new_times = write.new_check_in.has_value() || write.new_check_out.has_value();
    if (new_times && record->hour_class == HourClass::kManual) {
      return absl::FailedPreconditionError(absl::StrCat(
          record->name(), " is manual hours: they have no times to correct; withdraw them"));
    }
    if (new_times && !write.withdraw) {
      ZY_RETURN_IF_ERROR(CheckCorrectedTimes(*record, write.new_check_in.value_or(record->check_in),
                                             write.new_check_out.value_or(*record->check_out)));
    }
    storage::Correction correction;
    if (next_correction_ >= state_.new_correction_ids.size()) {
      return absl::InternalError("the batch ran out of reserved correction ids");
    }
    correction.id = state_.new_correction_ids[next_correction_++];
    correction.volunteer_number = record->volunteer_number;
    correction.record_id = record->id;
    correction.event_id = record->event_id;
    correction.record_revision = record->revision;
    correction.check_in = write.new_check_in;
    correction.check_out = write.new_check_out;
    correction.withdraw = write.withdraw;
    correction.reason = write.note;
    correction.requester_token_id = write.actor_token_id;
    correction.client_id = write.client_id;
    correction.create_time = now_;
    corrections_[{correction.volunteer_number, correction.id}] = correction;
    writes_.correction_inserts.push_back(correction);
    writes_.audit.push_back({write.audit, correction.name(), RegionOf(record->event_id)});
    return correction;
  }

  absl::StatusOr<ServiceRecord> ReviewCorrection(const RecordWrite& write,
                                                 RecordWriteResult& result) {
    storage::Correction* correction = FindCorrection(write.volunteer_number, write.correction_id);
    if (correction == nullptr) {
      return absl::NotFoundError(absl::StrCat("volunteers/", write.volunteer_number,
                                              "/serviceRecords/-/corrections/", write.correction_id,
                                              " does not exist"));
    }
    if (correction->state != storage::CorrectionState::kPending) {
      return absl::FailedPreconditionError(
          absl::StrCat(correction->name(), " is not PENDING: it was reviewed"));
    }
    if (correction->requester_token_id == write.actor_token_id) {
      return absl::FailedPreconditionError(absl::StrCat(
          correction->name(), ": another person must review the correction you asked for"));
    }
    ServiceRecord* found = Find(write.volunteer_number, correction->record_id);
    if (found == nullptr) return absl::InternalError("the corrected record was not read");
    auto event_it = state_.events.find(found->event_id);
    if (event_it == state_.events.end()) return absl::InternalError("the event was not read");
    ServiceRecord record = *found;
    if (write.approve) {
      if (record.revision != correction->record_revision) {
        return absl::FailedPreconditionError(absl::StrCat(
            record.name(), " has changed since ", correction->name(), " was asked for (revision ",
            correction->record_revision, ", now ", record.revision, "): reject it and ask again"));
      }
      if (correction->withdraw) {
        record.state = RecordState::kVoided;
        record.credited_minutes = 0;
      } else {
        const absl::Time check_in = correction->check_in.value_or(record.check_in);
        const absl::Time check_out = correction->check_out.value_or(*record.check_out);
        ZY_RETURN_IF_ERROR(CheckCorrectedTimes(record, check_in, check_out));
        record.check_in = check_in;
        ZY_RETURN_IF_ERROR(Credit(record, event_it->second, check_out));
      }
    }
    correction->state =
        write.approve ? storage::CorrectionState::kApproved : storage::CorrectionState::kRejected;
    correction->reviewer_token_id = write.actor_token_id;
    correction->review_note = write.note;
    correction->review_time = now_;
    writes_.correction_updates.push_back(*correction);
    writes_.audit.push_back({write.audit, correction->name(), event_it->second.region_code});
    result.correction = *correction;
    if (!write.approve) return record;
    return Save(std::move(record), /*is_new=*/false,
                correction->withdraw ? RevisionChange::kVoided : RevisionChange::kCorrected, write,
                event_it->second, correction->reason);
  }

  absl::StatusOr<ServiceRecord> Recompute(const RecordWrite& write, RecordWriteResult& result) {
    ServiceRecord* found = Find(write.volunteer_number, write.record_id);
    if (found == nullptr) return RecordNotFound(write.volunteer_number, write.record_id);
    if (found->hour_class != HourClass::kAttendance || found->state != RecordState::kCredited) {
      return absl::FailedPreconditionError(
          absl::StrCat(found->name(), " is not CREDITED attendance"));
    }
    auto event_it = state_.events.find(found->event_id);
    if (event_it == state_.events.end()) return absl::InternalError("the event was not read");
    ServiceRecord record = *found;
    record.hour_rule_set_id = write.rule_set_id;
    ZY_RETURN_IF_ERROR(Credit(record, event_it->second,
                              record.auto_closed ? std::nullopt : record.check_out,
                              absl::InfiniteFuture()));
    if (record.hour_rule_set_id == found->hour_rule_set_id &&
        record.credited_minutes == found->credited_minutes &&
        record.raw_minutes == found->raw_minutes && record.check_out == found->check_out) {
      result.unchanged = true;
      return *found;
    }
    return Save(std::move(record), /*is_new=*/false, RevisionChange::kRecomputed, write,
                event_it->second, write.note);
  }

  // New times for a credited attendance record obey the rules of a check-in and a check-out,
  // and overlap none of the volunteer's other records.
  absl::Status CheckCorrectedTimes(const ServiceRecord& record, absl::Time check_in,
                                   absl::Time check_out) {
    auto event_it = state_.events.find(record.event_id);
    if (event_it == state_.events.end()) return absl::InternalError("the event was not read");
    const Event& event = event_it->second;
    ZY_RETURN_IF_ERROR(CheckInWindow(event, check_in));
    if (check_out < check_in) {
      return absl::InvalidArgumentError(
          absl::StrCat("correction.check_out_time: ", ChinaClock(check_out),
                       " is before the check-in at ", ChinaClock(check_in)));
    }
    auto rules_it = state_.rules_by_id.find(record.hour_rule_set_id);
    if (rules_it == state_.rules_by_id.end()) {
      return absl::InternalError(
          absl::StrCat("hourRuleSets/", record.hour_rule_set_id, " was not read"));
    }
    const absl::Time close_due =
        event.end_time + absl::Minutes(rules_it->second.auto_close_minutes);
    if (check_out > close_due) {
      return absl::FailedPreconditionError(absl::StrCat(
          "correction.check_out_time: ", ChinaClock(check_out), " is after ", ChinaClock(close_due),
          ", when the hour rules close ", EventName(event.id), "'s records"));
    }
    return CheckFree(record.volunteer_number, check_in, check_out, record.id);
  }

  std::string RegionOf(int64_t event_id) const {
    auto it = state_.events.find(event_id);
    return it == state_.events.end() ? "" : it->second.region_code;
  }

  static absl::Status RecordNotFound(const std::string& volunteer_number, int64_t id) {
    return absl::NotFoundError(
        absl::StrCat("volunteers/", volunteer_number, "/serviceRecords/", id, " does not exist"));
  }

  storage::Correction* FindCorrection(const std::string& volunteer_number, int64_t id) {
    const std::pair<std::string, int64_t> key{volunteer_number, id};
    auto it = corrections_.find(key);
    if (it != corrections_.end()) return &it->second;
    auto read = state_.corrections.find(key);
    if (read == state_.corrections.end()) return nullptr;
    return &corrections_.emplace(key, read->second).first->second;
  }

  // Closes the volunteer's open records past their close time, as zhiyuand. Runs before each
  // write, since one earlier in the batch may have opened a record already due.
  void CloseDue(const std::string& volunteer_number) {
    std::vector<int64_t> due;
    for (const ServiceRecord& record : Records(volunteer_number)) {
      if (record.state == RecordState::kOpen && record.close_due.has_value() &&
          *record.close_due <= now_) {
        due.push_back(record.id);
      }
    }
    for (const int64_t id : due) (void)Close(CloseWrite(volunteer_number, id));
  }

  // Credits `record` under its own rules, closed at `check_out` (none: closed by the rules).
  absl::Status Credit(ServiceRecord& record, const Event& event,
                      std::optional<absl::Time> check_out,
                      std::optional<absl::Time> as_of = std::nullopt) {
    auto rules_it = state_.rules_by_id.find(record.hour_rule_set_id);
    if (rules_it == state_.rules_by_id.end()) {
      return absl::InternalError(
          absl::StrCat("hourRuleSets/", record.hour_rule_set_id, " was not read"));
    }
    ZY_ASSIGN_OR_RETURN(
        const services::Credit credit,
        CreditAttendance(ToHourRules(rules_it->second),
                         {record.check_in, check_out, event.start_time, event.end_time},
                         as_of.value_or(now_)));
    record.state = RecordState::kCredited;
    record.check_out = credit.auto_closed_at.has_value() ? credit.auto_closed_at : check_out;
    record.auto_closed = credit.auto_closed_at.has_value();
    record.raw_minutes = credit.raw_minutes;
    record.credited_minutes = credit.credited_minutes;
    return absl::OkStatus();
  }

  // An event that takes records: it exists, is not deleted and not cancelled.
  absl::StatusOr<const Event*> TakingEvent(int64_t id) const {
    auto it = state_.events.find(id);
    if (it == state_.events.end()) {
      return absl::FailedPreconditionError(absl::StrCat(EventName(id), " does not exist"));
    }
    const Event& event = it->second;
    if (event.delete_time.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(EventName(id), " is deleted"));
    }
    if (event.status == storage::kCancelled) {
      return absl::FailedPreconditionError(
          absl::StrCat(EventName(id), " is CANCELLED: it takes no service records"));
    }
    return &event;
  }

  static absl::Status CheckInWindow(const Event& event, absl::Time check_in) {
    if (check_in >= event.start_time - kEarlyArrival && check_in <= event.end_time) {
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(
        absl::StrCat("check_in_time: ", ChinaClock(check_in), " is outside ", EventName(event.id),
                     "'s check-in window, ", ChinaClock(event.start_time - kEarlyArrival), " to ",
                     ChinaClock(event.end_time), " China time"));
  }

  // OK when the volunteer has no record that [from, to) would overlap (to: none, open).
  absl::Status CheckFree(const std::string& volunteer_number, absl::Time from,
                         std::optional<absl::Time> to, int64_t except_id) {
    const absl::Time until = to.value_or(absl::InfiniteFuture());
    if (until <= from) return absl::OkStatus();  // An empty stay overlaps nothing.
    for (const ServiceRecord& other : Records(volunteer_number)) {
      if (other.id == except_id || !Occupies(other)) continue;
      const absl::Time other_until = other.check_out.value_or(absl::InfiniteFuture());
      if (other_until <= other.check_in || from >= other_until || other.check_in >= until) {
        continue;
      }
      if (!other.check_out.has_value()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "volunteers/", volunteer_number, " is checked in at ", EventName(other.event_id),
            " since ", ChinaClock(other.check_in), " (", other.name(),
            "): check out there first; a volunteer is never at two events at once"));
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "volunteers/", volunteer_number, " was at ", EventName(other.event_id), " from ",
          ChinaClock(other.check_in), " to ", ChinaClock(*other.check_out), " (", other.name(),
          "): a volunteer is never credited at two events at overlapping times"));
    }
    return absl::OkStatus();
  }

  const storage::HourRuleSet* RulesFor(const Event& event) const {
    auto it = state_.rules_by_region.find(event.region_code);
    return it == state_.rules_by_region.end() ? nullptr : &it->second;
  }

  static absl::Status MissingRules(const Event& event) {
    return absl::InternalError(
        absl::StrCat("no hour rules are in force for regions/", event.region_code));
  }

  absl::StatusOr<int64_t> NextId() {
    if (next_id_ >= state_.new_ids.size()) {
      return absl::InternalError("the batch ran out of reserved record ids");
    }
    return state_.new_ids[next_id_++];
  }

  std::vector<ServiceRecord>& Records(const std::string& volunteer_number) {
    auto [it, added] = records_.try_emplace(volunteer_number);
    if (added) {
      if (auto read = state_.records.find(volunteer_number); read != state_.records.end()) {
        it->second = read->second;
      }
    }
    return it->second;
  }

  ServiceRecord* Find(const std::string& volunteer_number, int64_t id) {
    for (ServiceRecord& record : Records(volunteer_number)) {
      if (record.id == id) return &record;
    }
    return nullptr;
  }

  // Keeps `record` as the batch's latest of it, with a revision and an audit entry.
  ServiceRecord Save(ServiceRecord record, bool is_new, RevisionChange change,
                     const RecordWrite& write, const Event& event, std::string reason = "") {
    const std::pair<std::string, int64_t> key{record.volunteer_number, record.id};
    record.update_time = now_;
    if (is_new) {
      record.revision = 1;
      record.create_time = now_;
      inserted_.insert(key);
      Records(record.volunteer_number).push_back(record);
    } else {
      record.revision += 1;
      *Find(record.volunteer_number, record.id) = record;
    }
    if (std::find(touched_.begin(), touched_.end(), key) == touched_.end()) {
      touched_.push_back(key);
    }
    storage::RecordRevision& revision = writes_.revisions.emplace_back();
    revision.time = now_;
    revision.record = record;
    revision.change = change;
    revision.actor_token_id = write.actor_token_id;
    revision.reason = write.kind == RecordWrite::Kind::kReview ? write.note : std::move(reason);
    revision.client_id = write.client_id;
    writes_.audit.push_back({write.audit, record.name(), event.region_code});
    return record;
  }

  const RecordBatchState& state_;
  const absl::Time now_;
  absl::flat_hash_map<std::string, std::vector<ServiceRecord>> records_;
  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> replays_;
  absl::flat_hash_set<std::pair<std::string, int64_t>> inserted_;
  std::vector<std::pair<std::string, int64_t>> touched_;
  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> correction_replays_;
  absl::flat_hash_map<std::pair<std::string, int64_t>, storage::Correction> corrections_;
  size_t next_id_ = 0;
  size_t next_correction_ = 0;
  RecordBatchWrites writes_;
};

}  // namespace

RecordWrite CloseWrite(const std::string& volunteer_number, int64_t record_id) {
  RecordWrite close;
  close.kind = RecordWrite::Kind::kClose;
  close.volunteer_number = volunteer_number;
  close.record_id = record_id;
  close.audit.method = "zhiyuand.CloseForgottenCheckOuts";
  close.audit.field_paths = {"check_out_time", "auto_closed", "credited_minutes"};
  return close;
}

HourRules ToHourRules(const storage::HourRuleSet& set) {
  HourRules rules;
  rules.version = set.version;
  rules.label =
      absl::StrCat("hourRuleSets/", set.id, " (",
                   set.region_code.empty() ? "national" : absl::StrCat("regions/", set.region_code),
                   " v", set.version, ")");
  for (const auto& [up_to, credit] : set.bands) rules.bands.push_back({up_to, credit});
  rules.grace = absl::Minutes(set.grace_minutes);
  rules.auto_close_after = absl::Minutes(set.auto_close_minutes);
  return rules;
}

storage::RecordBatchKeys BatchKeys(absl::Span<const RecordWrite> writes) {
  storage::RecordBatchKeys keys;
  absl::flat_hash_set<std::string> volunteers;
  absl::flat_hash_set<int64_t> events;
  for (const RecordWrite& write : writes) {
    volunteers.insert(write.volunteer_number);
    if (write.event_id != 0) events.insert(write.event_id);
    if (write.record_id != 0) keys.record_ids.emplace_back(write.volunteer_number, write.record_id);
    if (!write.client_id.empty())
      keys.client_ids.emplace_back(write.volunteer_number, write.client_id);
    switch (write.kind) {
      case RecordWrite::Kind::kCheckIn:
      case RecordWrite::Kind::kEntry:
      case RecordWrite::Kind::kManual:
        ++keys.new_records;
        keys.records_from = std::min(keys.records_from, write.time - kOverlapLookBack);
        break;
      case RecordWrite::Kind::kRequestCorrection:
      case RecordWrite::Kind::kReviewCorrection:
        if (write.kind == RecordWrite::Kind::kRequestCorrection) {
          ++keys.new_corrections;
        } else {
          keys.correction_ids.emplace_back(write.volunteer_number, write.correction_id);
        }
        // New times are checked for overlaps. A record spans less than the look-back, so
        // twice it before either new time reaches every record the new stay could overlap.
        for (const std::optional<absl::Time>& time : {write.new_check_in, write.new_check_out}) {
          if (time.has_value()) {
            keys.records_from = std::min(keys.records_from, *time - 2 * kOverlapLookBack);
          }
        }
        break;
      case RecordWrite::Kind::kRecompute:
        keys.rule_set_ids.push_back(write.rule_set_id);
        break;
      case RecordWrite::Kind::kCheckOut:
        // A late check-out may replace the close of a record the rules closed.
        keys.records_from = std::min(keys.records_from, write.time - kOverlapLookBack);
        break;
      case RecordWrite::Kind::kReview:
      case RecordWrite::Kind::kClose:
        break;
    }
  }
  keys.volunteer_numbers.assign(volunteers.begin(), volunteers.end());
  std::sort(keys.volunteer_numbers.begin(), keys.volunteer_numbers.end());
  keys.event_ids.assign(events.begin(), events.end());
  std::sort(keys.event_ids.begin(), keys.event_ids.end());
  return keys;
}

absl::StatusOr<storage::RecordBatchWrites> PlanRecordWrites(
    absl::Span<const RecordWrite> writes, const storage::RecordBatchState& state, absl::Time now,
    std::vector<RecordWriteResult>& results) {
  Planner planner(state, now);
  results.clear();
  results.reserve(writes.size());
  for (const RecordWrite& write : writes) results.push_back(planner.Apply(write));
  return planner.Take();
}

}  // namespace zhiyuan::services
