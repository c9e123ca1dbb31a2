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
// Who closes forgotten check-outs, in the audit log.
constexpr char kCloseMethod[] = "zhiyuand.CloseForgottenCheckOuts";

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
  }

  RecordWriteResult Apply(const RecordWrite& write) {
    RecordWriteResult result;
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
    absl::StatusOr<ServiceRecord> record = Decide(write);
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
  absl::StatusOr<ServiceRecord> Decide(const RecordWrite& write) {
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
      case RecordWrite::Kind::kClose:
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
    ServiceRecord* open = nullptr;
    for (ServiceRecord& record : Records(write.volunteer_number)) {
      if (record.state == RecordState::kOpen && record.event_id == write.event_id) open = &record;
    }
    if (open == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("volunteers/", write.volunteer_number,
                                                        " has no open check-in at ",
                                                        EventName(write.event_id)));
    }
    auto event_it = state_.events.find(write.event_id);
    if (event_it == state_.events.end()) return absl::InternalError("the event was not read");
    const Event& event = event_it->second;
    if (write.time < open->check_in) {
      return absl::InvalidArgumentError(absl::StrCat("check_out_time: ", ChinaClock(write.time),
                                                     " is before the check-in at ",
                                                     ChinaClock(open->check_in)));
    }
    if (open->close_due.has_value() && write.time > *open->close_due) {
      return absl::FailedPreconditionError(absl::StrCat(
          "check_out_time: ", ChinaClock(write.time), " is after ", ChinaClock(*open->close_due),
          ", when the hour rules close a forgotten check-out at the scheduled end"));
    }
    ServiceRecord record = *open;
    ZY_RETURN_IF_ERROR(Credit(record, event, write.time));
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

  // Closes the volunteer's open records past their close time, as zhiyuand.
  void CloseDue(const std::string& volunteer_number) {
    if (!closed_due_.insert(volunteer_number).second) return;
    std::vector<int64_t> due;
    for (const ServiceRecord& record : Records(volunteer_number)) {
      if (record.state == RecordState::kOpen && record.close_due.has_value() &&
          *record.close_due <= now_) {
        due.push_back(record.id);
      }
    }
    for (const int64_t id : due) {
      RecordWrite close;
      close.kind = RecordWrite::Kind::kClose;
      close.volunteer_number = volunteer_number;
      close.record_id = id;
      close.audit.method = kCloseMethod;
      close.audit.field_paths = {"check_out_time", "auto_closed", "credited_minutes"};
      (void)Close(close);
    }
  }

  // Credits `record` under its own rules, closed at `check_out` (none: closed by the rules).
  absl::Status Credit(ServiceRecord& record, const Event& event,
                      std::optional<absl::Time> check_out) {
    auto rules_it = state_.rules_by_id.find(record.hour_rule_set_id);
    if (rules_it == state_.rules_by_id.end()) {
      return absl::InternalError(
          absl::StrCat("hourRuleSets/", record.hour_rule_set_id, " was not read"));
    }
    ZY_ASSIGN_OR_RETURN(
        const services::Credit credit,
        CreditAttendance(ToHourRules(rules_it->second),
                         {record.check_in, check_out, event.start_time, event.end_time}, now_));
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
                     const RecordWrite& write, const Event& event) {
    const std::pair<std::string, int64_t> key{record.volunteer_number, record.id};
    if (is_new) {
      record.revision = 1;
      record.create_time = now_;
      inserted_.insert(key);
      Records(record.volunteer_number).push_back(record);
    } else {
      record.revision += 1;
      *Find(record.volunteer_number, record.id) = record;
    }
    record.update_time = now_;
    if (std::find(touched_.begin(), touched_.end(), key) == touched_.end()) {
      touched_.push_back(key);
    }
    storage::RecordRevision& revision = writes_.revisions.emplace_back();
    revision.time = now_;
    revision.record = record;
    revision.change = change;
    revision.actor_token_id = write.actor_token_id;
    if (write.kind == RecordWrite::Kind::kReview) revision.reason = write.note;
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
  absl::flat_hash_set<std::string> closed_due_;
  size_t next_id_ = 0;
  RecordBatchWrites writes_;
};

}  // namespace

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
      case RecordWrite::Kind::kCheckOut:
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
