// The rules of service record writes, decided for a batch at a time (storage/
// service_record_store.h): what each check-in, check-out, organiser's entry, manual addition,
// review and close may do given what the store read under the volunteers' locks, and what to
// write for it. Writes are decided in order, each seeing the ones before it, and each gets its
// own result: one refused write never stops the others.
//
// The rules:
// - A volunteer is never credited at two events at overlapping times: a new attendance record
//   [check-in, check-out) may not overlap another open or credited one of the volunteer's, and
//   an open record reaches on without end until it is closed.
// - A check-in needs an ONGOING event and a time from an hour before its scheduled start to its
//   scheduled end; it takes the hour rules in force for the event's region, and keeps them.
// - A check-out needs the volunteer's open record at the event, a time not before the check-in
//   and not after the rules close the record (the scheduled end plus the rules' close delay).
//   One that comes after the rules closed the record, with a time they would have taken,
//   replaces the close (offline uploads arrive late).
// - An organiser's entry needs an ONGOING or COMPLETED event and both times, as for a check-in
//   and a check-out.
// - Cancelled and deleted events take no records.
// - Manual hours wait for a review; approving credits them, rejecting credits nothing.
// - An open record whose close time has passed is closed at the scheduled end (auto_closed),
//   before anything else is decided for its volunteer.
// - A write whose client id an earlier write of the volunteer's used is a duplicate: nothing is
//   written and the result is the record as it is now.
// - A correction is asked for a CREDITED record (new times for attendance, or a withdrawal) and
//   applies only to the revision it was asked against; its times obey the rules of a check-in
//   and check-out, checked again when it is approved; approving credits the record under its
//   own rules (or voids it), and the one who asked may not review.
// - A recompute credits a CREDITED attendance record under other rules, and changes it only
//   when the credit or the rules differ.
#ifndef ZHIYUAN_SERVICES_RECORD_WRITES_H_
#define ZHIYUAN_SERVICES_RECORD_WRITES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/hour_rules.h"
#include "storage/service_record_store.h"

namespace zhiyuan::services {

struct RecordWrite {
  enum class Kind {
    kCheckIn,
    kCheckOut,
    kEntry,
    kManual,
    kReview,
    kClose,
    kRequestCorrection,
    kReviewCorrection,
    kRecompute
  };
  Kind kind = Kind::kCheckIn;
  std::string volunteer_number;
  int64_t event_id = 0;       // kCheckIn, kCheckOut, kEntry, kManual.
  int64_t record_id = 0;      // kReview, kClose, kRequestCorrection, kRecompute.
  int64_t correction_id = 0;  // kReviewCorrection.
  // kRequestCorrection: the times asked for, or a withdrawal; kReviewCorrection: the
  // correction's times (so that the batch reads the records they could overlap).
  std::optional<absl::Time> new_check_in;
  std::optional<absl::Time> new_check_out;
  bool withdraw = false;
  int64_t rule_set_id = 0;  // kRecompute: the rules to credit under.
  std::string client_id;    // A UUID; "" for none.
  // kCheckIn and kEntry: the check-in; kCheckOut: the check-out; kManual: when it was served.
  absl::Time time;
  absl::Time check_out;  // kEntry.
  int64_t minutes = 0;   // kManual.
  bool approve = false;  // kReview, kReviewCorrection.
  // kEntry, kManual: the record's note; kReview, kRecompute, kRequestCorrection: the reason;
  // kReviewCorrection: the reviewer's note.
  std::string note;
  storage::RecordMethod method = storage::RecordMethod::kOrganizer;
  int64_t actor_token_id = 0;     // 0 for zhiyuand.
  int64_t verifier_token_id = 0;  // Who vouches for a check-in or check-out; 0: the code.
  storage::AuditEntry audit;
};

struct RecordWriteResult {
  absl::Status status;     // OK for an accepted write and a duplicate.
  bool duplicate = false;  // An earlier write with the same client id did it.
  bool unchanged = false;  // kRecompute: the rules credit the record as it is.
  storage::ServiceRecord record;
  std::optional<storage::Correction> correction;  // kRequestCorrection, kReviewCorrection.
};

// How far back a batch reads a volunteer's records to find overlaps: a record spans at most an
// event (31 days), the hour before it and the longest close delay (72 hours).
inline constexpr absl::Duration kOverlapLookBack = absl::Hours(24 * 35);

// zhiyuand's close of a forgotten check-out (actor 0, audited as
// "zhiyuand.CloseForgottenCheckOuts").
RecordWrite CloseWrite(const std::string& volunteer_number, int64_t record_id);

// The engine's form of a stored rule set, named "hourRuleSets/{id} (… v{version})".
HourRules ToHourRules(const storage::HourRuleSet& rules);

// What `writes` need the store to lock and read.
storage::RecordBatchKeys BatchKeys(absl::Span<const RecordWrite> writes);

// Decides `writes` in order against `state` as of `now`, filling `results` (one per write), and
// returns what to write. Errors: INTERNAL when `state` lacks what the store promises (the hour
// rules in force, a reserved id).
absl::StatusOr<storage::RecordBatchWrites> PlanRecordWrites(
    absl::Span<const RecordWrite> writes, const storage::RecordBatchState& state, absl::Time now,
    std::vector<RecordWriteResult>& results);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_RECORD_WRITES_H_
