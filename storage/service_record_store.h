// Service records and their revisions (migration 0014). Writes go in batches: the store locks
// the volunteers a batch touches (in number order, so batches never deadlock), reads what the
// batch's rules need under those locks (the volunteers, the events, the hour rules in force, the
// volunteers' recent and open records, and what earlier requests with the same client ids did),
// hands that to a plan (services/record_writes.h decides), and writes what the plan returns: new
// records, changed records, one revision per change and one audit entry per change, in one
// transaction and a few set-based statements whatever the batch's size. A single RPC is a batch
// of one; a sync upload's message, or concurrent RPCs gathered together, one batch of many.
#ifndef ZHIYUAN_STORAGE_SERVICE_RECORD_STORE_H_
#define ZHIYUAN_STORAGE_SERVICE_RECORD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"
#include "storage/event_store.h"
#include "storage/hour_rule_store.h"

namespace zhiyuan::storage {

// The same numbers as zhiyuan.v1.HourClass, ServiceRecordState, RecordMethod, RevisionChange.
enum class HourClass { kAttendance = 1, kManual = 2 };
enum class RecordState {
  kOpen = 1,
  kCredited = 2,
  kPendingApproval = 3,
  kRejected = 4,
  kVoided = 5
};
enum class RecordMethod { kVolunteerCode = 1, kKiosk = 2, kOrganizer = 3, kAdministrator = 4 };
enum class RevisionChange {
  kCreated = 1,
  kCheckedOut = 2,
  kAutoClosed = 3,
  kApproved = 4,
  kRejected = 5,
  kCorrected = 6,
  kVoided = 7,
  kRecomputed = 8
};
enum class CorrectionState { kPending = 1, kApproved = 2, kRejected = 3 };

struct ServiceRecord {
  std::string volunteer_number;
  int64_t id = 0;
  int64_t event_id = 0;
  HourClass hour_class = HourClass::kAttendance;
  RecordState state = RecordState::kOpen;
  RecordMethod method = RecordMethod::kOrganizer;
  absl::Time check_in;                  // Manual hours: when the service was done.
  std::optional<absl::Time> check_out;  // None while open, for manual hours and when auto-closed.
  bool auto_closed = false;
  int64_t raw_minutes = 0;
  int64_t credited_minutes = 0;
  int64_t hour_rule_set_id = 0;         // 0 for manual hours.
  std::optional<absl::Time> close_due;  // When the rules close an open record.
  int64_t recorder_token_id = 0;
  int64_t verifier_token_id = 0;  // 0: none (the volunteer's code vouched).
  std::string note;
  int64_t revision = 1;
  absl::Time create_time;  // Set by the store.
  absl::Time update_time;  // Set by the store.

  // "volunteers/{number}/serviceRecords/{id}".
  std::string name() const;
};

// A record as one change left it.
struct RecordRevision {
  ServiceRecord record;  // Its create_time and update_time are not kept per revision.
  RevisionChange change = RevisionChange::kCreated;
  int64_t actor_token_id = 0;  // 0 for zhiyuand.
  std::string reason;
  std::string client_id;  // The UUID of the request or sync item; "" for none.
  absl::Time time;        // Set by the store.
};

// A request to change a credited record, and its review (migration 0015).
struct Correction {
  std::string volunteer_number;
  int64_t id = 0;
  int64_t record_id = 0;
  int64_t event_id = 0;
  int64_t record_revision = 0;  // The revision it applies to.
  std::optional<absl::Time> check_in;
  std::optional<absl::Time> check_out;
  bool withdraw = false;
  std::string reason;
  CorrectionState state = CorrectionState::kPending;
  int64_t requester_token_id = 0;
  int64_t reviewer_token_id = 0;  // 0 while pending.
  std::string review_note;
  std::string client_id;  // "" for none.
  absl::Time create_time;
  std::optional<absl::Time> review_time;

  // "volunteers/{number}/serviceRecords/{record id}/corrections/{id}".
  std::string name() const;
};

// What a batch will touch, for the store to lock and read.
struct RecordBatchKeys {
  std::vector<std::string> volunteer_numbers;
  std::vector<int64_t> event_ids;
  // (volunteer number, client id) of the batch's writes that have a client id.
  std::vector<std::pair<std::string, std::string>> client_ids;
  // The volunteers' records with a check-in from this time on are read (and their open ones).
  absl::Time records_from = absl::InfiniteFuture();
  // Records that must be read whatever their time: (volunteer number, id).
  std::vector<std::pair<std::string, int64_t>> record_ids;
  // How many new record ids to reserve.
  int new_records = 0;
  // Corrections that must be read: (volunteer number, id).
  std::vector<std::pair<std::string, int64_t>> correction_ids;
  // How many new correction ids to reserve.
  int new_corrections = 0;
  // Hour rule sets that must be read, by id.
  std::vector<int64_t> rule_set_ids;
};

// What the store read for a batch, under the volunteers' locks.
struct RecordBatchState {
  // The batch's volunteers that exist and are not deleted.
  absl::flat_hash_set<std::string> live_volunteers;
  // The batch's events that exist, locked against changes until the batch commits.
  absl::flat_hash_map<int64_t, Event> events;
  // The hour rules in force for each of those events' regions.
  absl::flat_hash_map<std::string, HourRuleSet> rules_by_region;
  // The hour rule sets the read records were credited under, by id.
  absl::flat_hash_map<int64_t, HourRuleSet> rules_by_id;
  // Per volunteer: records with a check-in from RecordBatchKeys::records_from, the open ones,
  // and those named in record_ids.
  absl::flat_hash_map<std::string, std::vector<ServiceRecord>> records;
  // (volunteer number, client id) → the id of the record an earlier write with it made or
  // changed.
  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> replays;
  // Ids reserved for new records.
  std::vector<int64_t> new_ids;
  // The corrections named in RecordBatchKeys::correction_ids, by (volunteer number, id).
  absl::flat_hash_map<std::pair<std::string, int64_t>, Correction> corrections;
  // (volunteer number, client id) → the correction an earlier request with it made.
  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> correction_replays;
  // Ids reserved for new corrections.
  std::vector<int64_t> new_correction_ids;
};

// One audit entry of a batch.
struct AuditAppend {
  AuditEntry entry;
  std::string resource;
  std::string region_code;
};

// What a batch writes.
struct RecordBatchWrites {
  std::vector<ServiceRecord> inserts;  // With ids from RecordBatchState::new_ids.
  std::vector<ServiceRecord> updates;  // Each with its next revision number.
  std::vector<RecordRevision> revisions;
  std::vector<AuditAppend> audit;
  std::vector<Correction> correction_inserts;
  std::vector<Correction> correction_updates;
};

struct RecordQuery {
  std::string volunteer_number;  // "" for any (then event_id is set).
  int64_t event_id = 0;          // 0 for any.
  int state = 0;                 // 0: any.
  absl::Time check_in_from = absl::InfinitePast();
  absl::Time check_in_before = absl::InfiniteFuture();
  // Keyset pagination, newest check-in first: only records before (check-in, id) of the last.
  std::optional<std::pair<absl::Time, int64_t>> after;
  int limit = 100;
};

struct CorrectionQuery {
  std::string volunteer_number;  // "" for any (then event_id is set).
  int64_t record_id = 0;         // 0 for any.
  int64_t event_id = 0;          // 0 for any.
  int state = 0;                 // 0: any.
  int64_t after_id = 0;          // Keyset pagination, oldest first.
  int limit = 100;
};

struct TotalsQuery {
  std::string volunteer_number;
  absl::Time from = absl::InfinitePast();
  absl::Time before = absl::InfiniteFuture();
  enum class Period { kNone, kMonth, kYear };
  Period period = Period::kNone;
};

// Credited minutes by class, of a window or one period of it.
struct TotalsRow {
  absl::CivilDay start;  // The period's first day, China time; unused for the window.
  int64_t attendance_minutes = 0;
  int64_t manual_minutes = 0;
  int64_t record_count = 0;
};

struct Totals {
  TotalsRow window;
  std::vector<TotalsRow> periods;  // Oldest first; those with credit only.
  int64_t lifetime_minutes = 0;
};

class ServiceRecordStore {
 public:
  virtual ~ServiceRecordStore() = default;

  // Runs one batch: locks and reads `keys`, calls `plan` once with what it read, writes what
  // `plan` returns, and commits. `plan` may refuse single writes by leaving them out; an error it
  // returns rolls the whole batch back. Errors: those of `plan`; FAILED_PRECONDITION for a write
  // the database refuses (a constraint); UNAVAILABLE, DEADLINE_EXCEEDED.
  virtual absl::Status ApplyBatch(
      const RecordBatchKeys& keys,
      absl::FunctionRef<absl::StatusOr<RecordBatchWrites>(const RecordBatchState&)> plan,
      absl::Time deadline) = 0;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<ServiceRecord> Get(const std::string& volunteer_number, int64_t id,
                                            absl::Time deadline) = 0;

  // Newest check-in first, then highest id.
  virtual absl::StatusOr<std::vector<ServiceRecord>> List(const RecordQuery& query,
                                                          absl::Time deadline) = 0;

  // First to last. Errors: NOT_FOUND.
  virtual absl::StatusOr<std::vector<RecordRevision>> Revisions(const std::string& volunteer_number,
                                                                int64_t id,
                                                                absl::Time deadline) = 0;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Correction> GetCorrection(const std::string& volunteer_number, int64_t id,
                                                   absl::Time deadline) = 0;

  // Oldest first.
  virtual absl::StatusOr<std::vector<Correction>> ListCorrections(const CorrectionQuery& query,
                                                                  absl::Time deadline) = 0;

  // A volunteer's credited minutes, counted from the records.
  virtual absl::StatusOr<Totals> GetTotals(const TotalsQuery& query, absl::Time deadline) = 0;

  // Open records whose rules close them at or before `now`: (volunteer number, id), at most
  // `limit`, the longest due first.
  virtual absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> DueForClose(
      absl::Time now, int limit, absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_SERVICE_RECORD_STORE_H_
