#include "services/record_writes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::zhiyuan::storage::AuditAppend;
using ::zhiyuan::storage::HourClass;
using ::zhiyuan::storage::HourRuleSet;
using ::zhiyuan::storage::RecordBatchState;
using ::zhiyuan::storage::RecordBatchWrites;
using ::zhiyuan::storage::RecordMethod;
using ::zhiyuan::storage::RecordRevision;
using ::zhiyuan::storage::RecordState;
using ::zhiyuan::storage::RevisionChange;
using ::zhiyuan::storage::ServiceRecord;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

const absl::TimeZone kChina = absl::FixedTimeZone(8 * 3600);

// 2026-03-01, China time.
absl::Time At(int hour, int minute, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 1, hour, minute, second), kChina);
}

constexpr absl::Duration kMicro = absl::Microseconds(1);

constexpr char kRegion[] = "141124";
constexpr char kCity[] = "110101";  // Has rules of its own.

constexpr char kAlice[] = "141124200001010011";
constexpr char kBob[] = "141124200001010022";
constexpr char kCarol[] = "141124200001010033";
constexpr char kGone[] = "141124200001010044";  // Deleted: not among the live volunteers.

// Tokens.
constexpr int64_t kKiosk = 22;
constexpr int64_t kKioskVerifier = 23;
constexpr int64_t kOrganizer = 21;
constexpr int64_t kRecorder = 31;
constexpr int64_t kReviewer = 32;

// Events: ONGOING in kRegion unless said otherwise.
constexpr int64_t kMorning = 1;       // 09:00 to 12:00.
constexpr int64_t kLate = 2;          // 10:00 to 13:00.
constexpr int64_t kAfternoon = 3;     // 11:00 to 16:00.
constexpr int64_t kHour = 4;          // 09:00 to 10:00.
constexpr int64_t kShort = 5;         // 09:00 to 09:35.
constexpr int64_t kCityEvent = 6;     // 09:00 to 12:00 in kCity.
constexpr int64_t kPlanned = 7;       // 09:00 to 12:00, PLANNED.
constexpr int64_t kCompleted = 8;     // 09:00 to 12:00, COMPLETED.
constexpr int64_t kCancelled = 9;     // 09:00 to 12:00, CANCELLED.
constexpr int64_t kDeleted = 10;      // 09:00 to 12:00, CANCELLED and deleted.
constexpr int64_t kNoRules = 11;      // 09:00 to 12:00 in a region without rules.
constexpr int64_t kLong = 12;         // 08:00 to 14:00.
constexpr int64_t kMissing = 99;      // Not read.
constexpr int64_t kFirstNewId = 101;  // state.new_ids are 101, 102, ...

constexpr int64_t kNationalRulesId = 1;
constexpr int64_t kCityRulesId = 7;

constexpr char kCloseMethod[] = "zhiyuand.CloseForgottenCheckOuts";

// The national default: up to 15 minutes past the hour count as none, 16 to 45 as half an hour,
// 46 to 59 as an hour; 15 minutes' grace; open records closed 120 minutes after the end.
HourRuleSet NationalRules() {
  HourRuleSet rules;
  rules.id = kNationalRulesId;
  rules.version = 1;
  rules.bands = {{15, 0}, {45, 30}, {59, 60}};
  rules.grace_minutes = 15;
  rules.auto_close_minutes = 120;
  return rules;
}

HourRuleSet CityRules() {
  HourRuleSet rules;
  rules.id = kCityRulesId;
  rules.region_code = kCity;
  rules.version = 2;
  rules.bands = {{29, 0}, {59, 60}};
  rules.grace_minutes = 0;
  rules.auto_close_minutes = 60;
  return rules;
}

storage::Event MakeEvent(int64_t id, absl::Time start, absl::Time end,
                         int status = storage::kOngoing, const std::string& region = kRegion) {
  storage::Event event;
  event.id = id;
  event.title = absl::StrCat("event ", id);
  event.region_code = region;
  event.start_time = start;
  event.end_time = end;
  event.status = status;
  return event;
}

// An attendance record opened under the national rules at `event`, which ends at `end`.
ServiceRecord OpenRecord(const std::string& volunteer, int64_t id, int64_t event,
                         absl::Time check_in, absl::Time end) {
  ServiceRecord record;
  record.volunteer_number = volunteer;
  record.id = id;
  record.event_id = event;
  record.state = RecordState::kOpen;
  record.method = RecordMethod::kVolunteerCode;
  record.check_in = check_in;
  record.hour_rule_set_id = kNationalRulesId;
  record.close_due = end + absl::Minutes(120);
  record.recorder_token_id = kKiosk;
  record.revision = 1;
  record.create_time = check_in;
  record.update_time = check_in;
  return record;
}

// An attendance record credited `credited` minutes for [check_in, check_out).
ServiceRecord CreditedRecord(const std::string& volunteer, int64_t id, int64_t event,
                             absl::Time check_in, absl::Time check_out, absl::Time end,
                             int64_t credited) {
  ServiceRecord record = OpenRecord(volunteer, id, event, check_in, end);
  record.state = RecordState::kCredited;
  record.check_out = check_out;
  record.raw_minutes = absl::ToInt64Minutes(check_out - check_in);
  record.credited_minutes = credited;
  record.revision = 2;
  record.update_time = check_out;
  return record;
}

// Manual hours waiting for approval, added by kRecorder.
ServiceRecord PendingHours(const std::string& volunteer, int64_t id, int64_t minutes) {
  ServiceRecord record;
  record.volunteer_number = volunteer;
  record.id = id;
  record.event_id = kCompleted;
  record.hour_class = HourClass::kManual;
  record.state = RecordState::kPendingApproval;
  record.method = RecordMethod::kAdministrator;
  record.check_in = At(9, 0);
  record.raw_minutes = minutes;
  record.recorder_token_id = kRecorder;
  record.note = "cleaned the riverbank";
  record.revision = 1;
  record.create_time = At(13, 0);
  record.update_time = At(13, 0);
  return record;
}

RecordWrite Write(RecordWrite::Kind kind, const std::string& volunteer, int64_t actor,
                  const std::string& method, const std::string& client_id) {
  RecordWrite write;
  write.kind = kind;
  write.volunteer_number = volunteer;
  write.client_id = client_id;
  write.actor_token_id = actor;
  write.audit.actor_token_id = actor;
  write.audit.method = absl::StrCat("zhiyuan.v1.ServiceRecordService.", method);
  return write;
}

// A volunteer's code shown at the kiosk.
RecordWrite CheckIn(const std::string& volunteer, int64_t event, absl::Time time,
                    const std::string& client_id = "") {
  RecordWrite write = Write(RecordWrite::Kind::kCheckIn, volunteer, kKiosk, "CheckIn", client_id);
  write.event_id = event;
  write.time = time;
  write.method = RecordMethod::kVolunteerCode;
  return write;
}

RecordWrite CheckOut(const std::string& volunteer, int64_t event, absl::Time time,
                     const std::string& client_id = "") {
  RecordWrite write = Write(RecordWrite::Kind::kCheckOut, volunteer, kKiosk, "CheckOut", client_id);
  write.event_id = event;
  write.time = time;
  write.method = RecordMethod::kVolunteerCode;
  return write;
}

RecordWrite Entry(const std::string& volunteer, int64_t event, absl::Time in, absl::Time out,
                  const std::string& client_id = "") {
  RecordWrite write =
      Write(RecordWrite::Kind::kEntry, volunteer, kOrganizer, "EnterServiceRecord", client_id);
  write.event_id = event;
  write.time = in;
  write.check_out = out;
  write.method = RecordMethod::kOrganizer;
  write.verifier_token_id = kOrganizer;
  write.note = "from the paper sheet";
  return write;
}

RecordWrite Manual(const std::string& volunteer, int64_t event, absl::Time time, int64_t minutes,
                   const std::string& client_id = "") {
  RecordWrite write =
      Write(RecordWrite::Kind::kManual, volunteer, kRecorder, "AddManualHours", client_id);
  write.event_id = event;
  write.time = time;
  write.minutes = minutes;
  write.note = "set up the stage the evening before";
  return write;
}

RecordWrite Review(const std::string& volunteer, int64_t record_id, bool approve, int64_t actor,
                   const std::string& reason = "", const std::string& client_id = "") {
  RecordWrite write =
      Write(RecordWrite::Kind::kReview, volunteer, actor, "ReviewManualHours", client_id);
  write.record_id = record_id;
  write.approve = approve;
  write.note = reason;
  return write;
}

RecordWrite Close(const std::string& volunteer, int64_t record_id) {
  RecordWrite write = Write(RecordWrite::Kind::kClose, volunteer, 0, "", "");
  write.record_id = record_id;
  write.audit.method = kCloseMethod;
  write.audit.field_paths = {"check_out_time", "auto_closed", "credited_minutes"};
  return write;
}

std::string Clock(absl::Time time) { return absl::FormatTime(absl::RFC3339_full, time, kChina); }

std::string Describe(std::optional<absl::Time> time) {
  return time.has_value() ? Clock(*time) : "none";
}

// Every field, so that a test compares whole records and the failure says which field differs.
std::string Describe(const ServiceRecord& r) {
  return absl::StrCat(
      r.name(), "\n event_id=", r.event_id, "\n hour_class=", static_cast<int>(r.hour_class),
      "\n state=", static_cast<int>(r.state), "\n method=", static_cast<int>(r.method),
      "\n check_in=", Clock(r.check_in), "\n check_out=", Describe(r.check_out),
      "\n auto_closed=", r.auto_closed, "\n raw_minutes=", r.raw_minutes,
      "\n credited_minutes=", r.credited_minutes, "\n hour_rule_set_id=", r.hour_rule_set_id,
      "\n close_due=", Describe(r.close_due), "\n recorder_token_id=", r.recorder_token_id,
      "\n verifier_token_id=", r.verifier_token_id, "\n note=", r.note, "\n revision=", r.revision,
      "\n create_time=", Clock(r.create_time), "\n update_time=", Clock(r.update_time));
}

std::vector<std::string> Describe(const std::vector<ServiceRecord>& records) {
  std::vector<std::string> described;
  for (const ServiceRecord& record : records) described.push_back(Describe(record));
  return described;
}

// A revision's record without the times the store keeps apart.
std::string Describe(const RecordRevision& r) {
  ServiceRecord record = r.record;
  record.create_time = absl::Time();
  record.update_time = absl::Time();
  return absl::StrCat(Describe(record), "\n change=", static_cast<int>(r.change),
                      "\n actor_token_id=", r.actor_token_id, "\n reason=", r.reason,
                      "\n client_id=", r.client_id, "\n time=", Clock(r.time));
}

std::string Describe(const AuditAppend& a) {
  return absl::StrCat(a.entry.method, " by ", a.entry.actor_token_id, " [",
                      absl::StrJoin(a.entry.field_paths, ","), "] on ", a.resource, " in regions/",
                      a.region_code);
}

std::vector<std::string> Describe(const std::vector<AuditAppend>& entries) {
  std::vector<std::string> described;
  for (const AuditAppend& entry : entries) described.push_back(Describe(entry));
  return described;
}

// (record id, revision, change, actor, client id) of each revision, for batches of several.
using RevisionKey = std::tuple<int64_t, int64_t, RevisionChange, int64_t, std::string>;
std::vector<RevisionKey> Keys(const std::vector<RecordRevision>& revisions) {
  std::vector<RevisionKey> keys;
  for (const RecordRevision& r : revisions) {
    keys.emplace_back(r.record.id, r.record.revision, r.change, r.actor_token_id, r.client_id);
  }
  return keys;
}

std::string Name(const std::string& volunteer, int64_t id) {
  return absl::StrCat("volunteers/", volunteer, "/serviceRecords/", id);
}

class RecordWritesTest : public ::testing::Test {
 protected:
  RecordWritesTest() {
    state_.live_volunteers = {kAlice, kBob, kCarol};
    for (const storage::Event& event : {
             MakeEvent(kMorning, At(9, 0), At(12, 0)),
             MakeEvent(kLate, At(10, 0), At(13, 0)),
             MakeEvent(kAfternoon, At(11, 0), At(16, 0)),
             MakeEvent(kHour, At(9, 0), At(10, 0)),
             MakeEvent(kShort, At(9, 0), At(9, 35)),
             MakeEvent(kCityEvent, At(9, 0), At(12, 0), storage::kOngoing, kCity),
             MakeEvent(kPlanned, At(9, 0), At(12, 0), storage::kPlanned),
             MakeEvent(kCompleted, At(9, 0), At(12, 0), storage::kCompleted),
             MakeEvent(kCancelled, At(9, 0), At(12, 0), storage::kCancelled),
             MakeEvent(kDeleted, At(9, 0), At(12, 0), storage::kCancelled),
             MakeEvent(kNoRules, At(9, 0), At(12, 0), storage::kOngoing, "999999"),
             MakeEvent(kLong, At(8, 0), At(14, 0)),
         }) {
      state_.events[event.id] = event;
    }
    state_.events[kDeleted].delete_time = At(8, 0);
    state_.rules_by_region[kRegion] = NationalRules();
    state_.rules_by_region[kCity] = CityRules();
    state_.rules_by_id[kNationalRulesId] = NationalRules();
    state_.rules_by_id[kCityRulesId] = CityRules();
    for (int64_t id = kFirstNewId; id < kFirstNewId + 6; ++id) state_.new_ids.push_back(id);
  }

  // Plans `writes` as of `now`; the results are in results_.
  RecordBatchWrites Plan(const std::vector<RecordWrite>& writes, absl::Time now) {
    absl::StatusOr<RecordBatchWrites> planned = PlanRecordWrites(writes, state_, now, results_);
    EXPECT_THAT(planned, IsOk());
    EXPECT_EQ(results_.size(), writes.size());
    return planned.ok() ? *std::move(planned) : RecordBatchWrites{};
  }

  // Plans the one write `write` and returns its result.
  RecordWriteResult PlanOne(const RecordWrite& write, absl::Time now) {
    writes_ = Plan({write}, now);
    return results_.empty() ? RecordWriteResult{} : results_[0];
  }

  void ExpectNothingWritten() const {
    EXPECT_THAT(writes_.inserts, IsEmpty());
    EXPECT_THAT(writes_.updates, IsEmpty());
    EXPECT_THAT(writes_.revisions, IsEmpty());
    EXPECT_THAT(writes_.audit, IsEmpty());
  }

  RecordBatchState state_;
  std::vector<RecordWriteResult> results_;
  RecordBatchWrites writes_;
};

// --- Check-in ---

TEST_F(RecordWritesTest, CheckInOpensARecordUnderTheRegionsRules) {
  const absl::Time now = At(8, 56);
  const RecordWriteResult result = PlanOne(CheckIn(kAlice, kMorning, At(8, 55), "c-1"), now);
  ASSERT_THAT(result.status, IsOk());
  EXPECT_FALSE(result.duplicate);

  ServiceRecord expected;
  expected.volunteer_number = kAlice;
  expected.id = kFirstNewId;
  expected.event_id = kMorning;
  expected.hour_class = HourClass::kAttendance;
  expected.state = RecordState::kOpen;
  expected.method = RecordMethod::kVolunteerCode;
  expected.check_in = At(8, 55);
  expected.hour_rule_set_id = kNationalRulesId;
  expected.close_due = At(14, 0);  // The end, 12:00, and 120 minutes.
  expected.recorder_token_id = kKiosk;
  expected.revision = 1;
  expected.create_time = now;
  expected.update_time = now;
  EXPECT_EQ(Describe(result.record), Describe(expected));

  EXPECT_THAT(Describe(writes_.inserts), ElementsAre(Describe(expected)));
  EXPECT_THAT(writes_.updates, IsEmpty());
  RecordRevision revision;
  revision.record = expected;
  revision.change = RevisionChange::kCreated;
  revision.actor_token_id = kKiosk;
  revision.client_id = "c-1";
  revision.time = now;
  ASSERT_EQ(writes_.revisions.size(), 1u);
  EXPECT_EQ(Describe(writes_.revisions[0]), Describe(revision));
  EXPECT_THAT(Describe(writes_.audit),
              ElementsAre(absl::StrCat("zhiyuan.v1.ServiceRecordService.CheckIn by 22 [] on ",
                                       Name(kAlice, kFirstNewId), " in regions/141124")));
}

TEST_F(RecordWritesTest, CheckInTakesTheRulesInForceForTheEventsRegion) {
  const RecordWriteResult result = PlanOne(CheckIn(kAlice, kCityEvent, At(9, 0)), At(9, 0));
  ASSERT_THAT(result.status, IsOk());
  EXPECT_EQ(result.record.hour_rule_set_id, kCityRulesId);
  EXPECT_EQ(result.record.close_due, At(13, 0));  // 12:00 and the city's 60 minutes.
  ASSERT_EQ(writes_.audit.size(), 1u);
  EXPECT_EQ(writes_.audit[0].region_code, kCity);
}

TEST_F(RecordWritesTest, CheckInNeedsAnOngoingEvent) {
  struct Case {
    int64_t event;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {kPlanned, "events/7 is PLANNED: check-ins open when it is ONGOING"},
           {kCompleted,
            "events/8 is COMPLETED: check-ins are closed; an organiser can enter the record "
            "instead"},
           {kCancelled, "events/9 is CANCELLED: it takes no service records"},
           {kDeleted, "events/10 is deleted"},
           {kMissing, "events/99 does not exist"},
       }) {
    SCOPED_TRACE(c.event);
    const RecordWriteResult result = PlanOne(CheckIn(kAlice, c.event, At(10, 0)), At(10, 0));
    EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kFailedPrecondition, c.message));
    EXPECT_FALSE(result.duplicate);
    ExpectNothingWritten();
  }
}

TEST_F(RecordWritesTest, CheckInWindowRunsFromAnHourBeforeTheStartToTheEnd) {
  struct Case {
    absl::Time time;
    bool accepted;
  };
  for (const Case& c : std::vector<Case>{
           {At(8, 0), true},
           {At(8, 0) - kMicro, false},
           {At(12, 0), true},
           {At(12, 0) + kMicro, false},
       }) {
    SCOPED_TRACE(Clock(c.time));
    const RecordWriteResult result = PlanOne(CheckIn(kAlice, kMorning, c.time), At(12, 30));
    if (c.accepted) {
      ASSERT_THAT(result.status, IsOk());
      EXPECT_EQ(result.record.check_in, c.time);
      EXPECT_EQ(writes_.inserts.size(), 1u);
    } else {
      EXPECT_THAT(result.status,
                  StatusIs(absl::StatusCode::kFailedPrecondition,
                           HasSubstr("is outside events/1's check-in window, 2026-03-01 08:00 to "
                                     "2026-03-01 12:00 China time")));
      ExpectNothingWritten();
    }
  }
}

TEST_F(RecordWritesTest, UnknownOrDeletedVolunteerIsNotFound) {
  for (const std::string& volunteer : {std::string(kGone), std::string("000000000000000000")}) {
    SCOPED_TRACE(volunteer);
    for (const RecordWrite& write :
         {CheckIn(volunteer, kMorning, At(10, 0)), CheckOut(volunteer, kMorning, At(10, 0)),
          Entry(volunteer, kMorning, At(9, 0), At(10, 0)),
          Manual(volunteer, kCompleted, At(9, 0), 60), Review(volunteer, 60, true, kReviewer)}) {
      const RecordWriteResult result = PlanOne(write, At(10, 0));
      EXPECT_THAT(result.status,
                  StatusIs(absl::StatusCode::kNotFound,
                           absl::StrCat("volunteers/", volunteer, " does not exist")));
      ExpectNothingWritten();
    }
  }
}

TEST_F(RecordWritesTest, CheckInWithoutRulesInForceIsInternal) {
  const RecordWriteResult result = PlanOne(CheckIn(kAlice, kNoRules, At(10, 0)), At(10, 0));
  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kInternal,
                                      HasSubstr("no hour rules are in force for regions/999999")));
}

TEST_F(RecordWritesTest, RunningOutOfReservedIdsIsInternalForThatWriteOnly) {
  state_.new_ids = {kFirstNewId};
  writes_ =
      Plan({CheckIn(kAlice, kMorning, At(9, 0)), CheckIn(kBob, kMorning, At(9, 0))}, At(9, 0));
  EXPECT_THAT(results_[0].status, IsOk());
  EXPECT_THAT(results_[1].status, StatusIs(absl::StatusCode::kInternal, HasSubstr("ids")));
  EXPECT_EQ(writes_.inserts.size(), 1u);
}

// --- Check-out ---

class CheckOutTest : public RecordWritesTest {
 protected:
  CheckOutTest() {
    state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 0), At(12, 0))};
  }
};

TEST_F(CheckOutTest, CheckOutCreditsTheOpenRecord) {
  const absl::Time now = At(11, 21);
  RecordWrite write = CheckOut(kAlice, kMorning, At(11, 20), "c-9");
  const RecordWriteResult result = PlanOne(write, now);
  ASSERT_THAT(result.status, IsOk());

  // 09:00 to 11:20: 140 minutes, 2 hours and 20 (16 to 45 count as 30): 150.
  ServiceRecord expected = OpenRecord(kAlice, 50, kMorning, At(9, 0), At(12, 0));
  expected.state = RecordState::kCredited;
  expected.check_out = At(11, 20);
  expected.raw_minutes = 140;
  expected.credited_minutes = 150;
  expected.revision = 2;
  expected.update_time = now;
  EXPECT_EQ(Describe(result.record), Describe(expected));

  EXPECT_THAT(writes_.inserts, IsEmpty());
  EXPECT_THAT(Describe(writes_.updates), ElementsAre(Describe(expected)));
  RecordRevision revision;
  revision.record = expected;
  revision.change = RevisionChange::kCheckedOut;
  revision.actor_token_id = kKiosk;
  revision.client_id = "c-9";
  revision.time = now;
  ASSERT_EQ(writes_.revisions.size(), 1u);
  EXPECT_EQ(Describe(writes_.revisions[0]), Describe(revision));
  EXPECT_THAT(Describe(writes_.audit),
              ElementsAre(absl::StrCat("zhiyuan.v1.ServiceRecordService.CheckOut by 22 [] on ",
                                       Name(kAlice, 50), " in regions/141124")));
}

TEST_F(CheckOutTest, KioskOrOrganizerCheckOutSetsTheVerifier) {
  RecordWrite write = CheckOut(kAlice, kMorning, At(11, 0));
  write.verifier_token_id = kKioskVerifier;
  EXPECT_EQ(PlanOne(write, At(11, 0)).record.verifier_token_id, kKioskVerifier);

  state_.records[kAlice][0].verifier_token_id = kOrganizer;
  EXPECT_EQ(PlanOne(CheckOut(kAlice, kMorning, At(11, 0)), At(11, 0)).record.verifier_token_id,
            kOrganizer)
      << "a check-out by code keeps the check-in's verifier";
}

TEST_F(CheckOutTest, CheckOutNeedsAnOpenRecordAtThatEvent) {
  EXPECT_THAT(PlanOne(CheckOut(kAlice, kLate, At(11, 0)), At(11, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("volunteers/", kAlice, " has no open check-in at events/2")));
  ExpectNothingWritten();
  EXPECT_THAT(PlanOne(CheckOut(kBob, kMorning, At(11, 0)), At(11, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("volunteers/", kBob, " has no open check-in at events/1")));
  ExpectNothingWritten();

  state_.records[kAlice] = {
      CreditedRecord(kAlice, 50, kMorning, At(9, 0), At(10, 0), At(12, 0), 60)};
  EXPECT_THAT(PlanOne(CheckOut(kAlice, kMorning, At(11, 0)), At(11, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no open check-in")));
  ExpectNothingWritten();
}

TEST_F(CheckOutTest, CheckOutBeforeTheCheckInIsInvalid) {
  EXPECT_THAT(PlanOne(CheckOut(kAlice, kMorning, At(9, 0) - kMicro), At(11, 0)).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("is before the check-in at 2026-03-01 09:00")));
  ExpectNothingWritten();

  const RecordWriteResult at_check_in = PlanOne(CheckOut(kAlice, kMorning, At(9, 0)), At(11, 0));
  ASSERT_THAT(at_check_in.status, IsOk());
  EXPECT_EQ(at_check_in.record.raw_minutes, 0);
  EXPECT_EQ(at_check_in.record.credited_minutes, 0);
}

TEST_F(CheckOutTest, CheckOutIsAcceptedUpToTheCloseTime) {
  // 09:00 to 14:00: 300 minutes, cut to the scheduled 180 and 15 minutes' grace, 195: 3 hours
  // and 15 minutes, which count as none: 180.
  const RecordWriteResult at_close = PlanOne(CheckOut(kAlice, kMorning, At(14, 0)), At(14, 0));
  ASSERT_THAT(at_close.status, IsOk());
  EXPECT_EQ(at_close.record.raw_minutes, 300);
  EXPECT_EQ(at_close.record.credited_minutes, 180);
  EXPECT_FALSE(at_close.record.auto_closed);

  EXPECT_THAT(PlanOne(CheckOut(kAlice, kMorning, At(14, 0) + kMicro), At(14, 1)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is after 2026-03-01 14:00, when the hour rules close a "
                                 "forgotten check-out at the scheduled end")));
  ExpectNothingWritten();
}

using Rounding = std::tuple<int, int>;  // Minutes checked in, minutes credited.
class CheckOutRoundingTest : public RecordWritesTest,
                             public ::testing::WithParamInterface<Rounding> {};

TEST_P(CheckOutRoundingTest, CreditsByTheRoundingTable) {
  const auto [minutes, credited] = GetParam();
  // kLong runs 08:00 to 14:00: the cap, 375 minutes, never bites here.
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kLong, At(9, 0), At(14, 0))};
  const RecordWriteResult result =
      PlanOne(CheckOut(kAlice, kLong, At(9, 0) + absl::Minutes(minutes)), At(15, 0));
  ASSERT_THAT(result.status, IsOk());
  EXPECT_EQ(result.record.raw_minutes, minutes);
  EXPECT_EQ(result.record.credited_minutes, credited);
}

INSTANTIATE_TEST_SUITE_P(NationalDefault, CheckOutRoundingTest,
                         ::testing::Values(Rounding{0, 0}, Rounding{15, 0}, Rounding{16, 30},
                                           Rounding{45, 30}, Rounding{46, 60}, Rounding{59, 60},
                                           Rounding{60, 60}, Rounding{61, 60}, Rounding{75, 60},
                                           Rounding{76, 90}, Rounding{105, 90}, Rounding{106, 120},
                                           Rounding{120, 120}, Rounding{135, 120},
                                           Rounding{136, 150}, Rounding{179, 180},
                                           Rounding{180, 180}));

TEST_F(RecordWritesTest, PartMinutesDoNotCount) {
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kLong, At(9, 0), At(14, 0))};
  const RecordWriteResult result = PlanOne(CheckOut(kAlice, kLong, At(9, 15, 59)), At(10, 0));
  ASSERT_THAT(result.status, IsOk());
  EXPECT_EQ(result.record.raw_minutes, 15);
  EXPECT_EQ(result.record.credited_minutes, 0);
}

TEST_F(RecordWritesTest, CreditIsCappedAtTheScheduledDurationAndGrace) {
  // kHour runs 09:00 to 10:00: at most 75 minutes, 1 hour and 15, which count as 60.
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kHour, At(8, 0), At(10, 0))};
  RecordWriteResult result = PlanOne(CheckOut(kAlice, kHour, At(10, 30)), At(10, 30));
  ASSERT_THAT(result.status, IsOk());
  EXPECT_EQ(result.record.raw_minutes, 150);
  EXPECT_EQ(result.record.credited_minutes, 60);

  // kShort runs 09:00 to 09:35: at most 50 minutes, which would round up to 60 but stay 50.
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kShort, At(8, 30), At(9, 35))};
  result = PlanOne(CheckOut(kAlice, kShort, At(9, 40)), At(9, 40));
  ASSERT_THAT(result.status, IsOk());
  EXPECT_EQ(result.record.raw_minutes, 70);
  EXPECT_EQ(result.record.credited_minutes, 50);
}

// --- Overlap ---

TEST_F(CheckOutTest, SecondCheckInWhileOpenAnywhereIsRefused) {
  for (const int64_t event : {kMorning, kLate}) {
    SCOPED_TRACE(event);
    EXPECT_THAT(
        PlanOne(CheckIn(kAlice, event, At(10, 30)), At(10, 30)).status,
        StatusIs(
            absl::StatusCode::kFailedPrecondition,
            absl::StrCat("volunteers/", kAlice,
                         " is checked in at events/1 since 2026-03-01 09:00 (", Name(kAlice, 50),
                         "): check out there first; a volunteer is never at two events at "
                         "once")));
    ExpectNothingWritten();
  }
  // An open record reaches on without end: a later entry elsewhere overlaps it too, an earlier
  // one does not.
  EXPECT_THAT(PlanOne(Entry(kAlice, kLate, At(12, 30), At(12, 45)), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("check out there first")));
  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(8, 0), At(9, 0)), At(13, 0)).status, IsOk());
}

TEST_F(RecordWritesTest, EntriesTouchingEndToStartDoNotOverlap) {
  writes_ =
      Plan({Entry(kAlice, kMorning, At(9, 0), At(10, 0)),
            Entry(kAlice, kLate, At(10, 0), At(11, 0)), CheckIn(kAlice, kAfternoon, At(11, 0))},
           At(11, 0));
  EXPECT_THAT(results_[0].status, IsOk());
  EXPECT_THAT(results_[1].status, IsOk());
  EXPECT_THAT(results_[2].status, IsOk());
  EXPECT_EQ(writes_.inserts.size(), 3u);
}

TEST_F(RecordWritesTest, AnyMinuteOfOverlapIsRefused) {
  state_.records[kAlice] = {
      CreditedRecord(kAlice, 50, kMorning, At(9, 0), At(10, 0), At(12, 0), 60)};
  const std::string message = absl::StrCat(
      "volunteers/", kAlice, " was at events/1 from 2026-03-01 09:00 to 2026-03-01 10:00 (",
      Name(kAlice, 50), "): a volunteer is never credited at two events at overlapping times");
  for (const RecordWrite& write :
       {Entry(kAlice, kLate, At(9, 59), At(11, 0)), Entry(kAlice, kMorning, At(8, 0), At(9, 1)),
        Entry(kAlice, kMorning, At(9, 20), At(9, 40)), Entry(kAlice, kMorning, At(8, 0), At(11, 0)),
        CheckIn(kAlice, kMorning, At(9, 59)), CheckIn(kAlice, kMorning, At(8, 30))}) {
    SCOPED_TRACE(Clock(write.time));
    EXPECT_THAT(PlanOne(write, At(11, 0)).status,
                StatusIs(absl::StatusCode::kFailedPrecondition, message));
    ExpectNothingWritten();
  }
  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(8, 0), At(9, 0)), At(11, 0)).status, IsOk());
  EXPECT_THAT(PlanOne(CheckIn(kAlice, kLate, At(10, 0)), At(11, 0)).status, IsOk());
}

TEST_F(RecordWritesTest, ZeroLengthEntriesOverlapNothing) {
  state_.records[kAlice] = {
      CreditedRecord(kAlice, 50, kMorning, At(9, 0), At(11, 0), At(12, 0), 120)};
  RecordWriteResult result = PlanOne(Entry(kAlice, kLate, At(10, 0), At(10, 0)), At(11, 0));
  ASSERT_THAT(result.status, IsOk());
  EXPECT_EQ(result.record.check_out, At(10, 0));
  EXPECT_EQ(result.record.raw_minutes, 0);
  EXPECT_EQ(result.record.credited_minutes, 0);

  // Nor does a zero-length record stand in the way of another.
  state_.records[kAlice] = {
      CreditedRecord(kAlice, 50, kMorning, At(10, 0), At(10, 0), At(12, 0), 0)};
  EXPECT_THAT(PlanOne(CheckIn(kAlice, kLate, At(9, 30)), At(11, 0)).status, IsOk());
  EXPECT_THAT(PlanOne(Entry(kAlice, kLate, At(9, 30), At(10, 30)), At(11, 0)).status, IsOk());
}

TEST_F(RecordWritesTest, ManualHoursNeverOverlap) {
  ServiceRecord approved = PendingHours(kAlice, 60, 180);
  approved.state = RecordState::kCredited;
  approved.credited_minutes = 180;
  state_.records[kAlice] = {approved, PendingHours(kAlice, 61, 120)};
  EXPECT_THAT(PlanOne(CheckIn(kAlice, kMorning, At(9, 30)), At(10, 0)).status, IsOk());
  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(9, 0), At(11, 0)), At(11, 0)).status, IsOk());

  // Nor do they stand against an open record.
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 0), At(12, 0))};
  EXPECT_THAT(PlanOne(Manual(kAlice, kMorning, At(9, 30), 60), At(10, 0)).status, IsOk());
}

TEST_F(RecordWritesTest, VoidedAndRejectedRecordsDoNotOccupyTime) {
  ServiceRecord voided = CreditedRecord(kAlice, 50, kMorning, At(9, 0), At(11, 0), At(12, 0), 120);
  voided.state = RecordState::kVoided;
  ServiceRecord rejected = CreditedRecord(kAlice, 51, kLate, At(10, 0), At(12, 0), At(13, 0), 0);
  rejected.state = RecordState::kRejected;
  state_.records[kAlice] = {voided, rejected};
  EXPECT_THAT(PlanOne(CheckIn(kAlice, kMorning, At(10, 0)), At(10, 0)).status, IsOk());
  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(9, 0), At(12, 0)), At(12, 0)).status, IsOk());
}

// --- Auto-close ---

TEST_F(RecordWritesTest, DueRecordIsClosedAtTheScheduledEndBeforeANewCheckIn) {
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 30), At(12, 0))};
  const absl::Time now = At(15, 0);  // Past 14:00, when record 50 is due.
  writes_ = Plan({CheckIn(kAlice, kAfternoon, At(14, 45), "c-2")}, now);
  ASSERT_THAT(results_[0].status, IsOk());
  EXPECT_EQ(results_[0].record.id, kFirstNewId);

  // Closed at the scheduled end, 12:00: 150 minutes, 2 hours and 30 (counting 30): 150.
  ServiceRecord closed = OpenRecord(kAlice, 50, kMorning, At(9, 30), At(12, 0));
  closed.state = RecordState::kCredited;
  closed.check_out = At(12, 0);
  closed.auto_closed = true;
  closed.raw_minutes = 150;
  closed.credited_minutes = 150;
  closed.revision = 2;
  closed.update_time = now;
  EXPECT_THAT(Describe(writes_.updates), ElementsAre(Describe(closed)));
  ASSERT_EQ(writes_.inserts.size(), 1u);
  EXPECT_EQ(writes_.inserts[0].id, kFirstNewId);
  EXPECT_EQ(writes_.inserts[0].close_due, At(18, 0));

  ASSERT_EQ(writes_.revisions.size(), 2u);
  RecordRevision auto_closed;
  auto_closed.record = closed;
  auto_closed.change = RevisionChange::kAutoClosed;
  auto_closed.actor_token_id = 0;
  auto_closed.time = now;
  EXPECT_EQ(Describe(writes_.revisions[0]), Describe(auto_closed));
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{50, 2, RevisionChange::kAutoClosed, 0, ""},
                          RevisionKey{kFirstNewId, 1, RevisionChange::kCreated, kKiosk, "c-2"}));
  EXPECT_THAT(Describe(writes_.audit),
              ElementsAre(absl::StrCat(kCloseMethod,
                                       " by 0 [check_out_time,auto_closed,credited_minutes] on ",
                                       Name(kAlice, 50), " in regions/141124"),
                          absl::StrCat("zhiyuan.v1.ServiceRecordService.CheckIn by 22 [] on ",
                                       Name(kAlice, kFirstNewId), " in regions/141124")));
}

TEST_F(RecordWritesTest, AutoCloseIsCappedLikeACheckOut) {
  // Checked in 08:00 at kHour (09:00 to 10:00), closed at 10:00: 120 minutes, cut to 75: 60.
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kHour, At(8, 0), At(10, 0))};
  writes_ = Plan({CheckIn(kAlice, kAfternoon, At(12, 30))}, At(13, 0));
  ASSERT_THAT(results_[0].status, IsOk());
  ASSERT_EQ(writes_.updates.size(), 1u);
  EXPECT_EQ(writes_.updates[0].check_out, At(10, 0));
  EXPECT_TRUE(writes_.updates[0].auto_closed);
  EXPECT_EQ(writes_.updates[0].raw_minutes, 120);
  EXPECT_EQ(writes_.updates[0].credited_minutes, 60);
}

TEST_F(RecordWritesTest, DueRecordIsClosedBeforeAnEntryToo) {
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 30), At(12, 0))};
  writes_ = Plan({Entry(kAlice, kAfternoon, At(14, 0), At(15, 0))}, At(15, 0));
  ASSERT_THAT(results_[0].status, IsOk());
  ASSERT_EQ(writes_.updates.size(), 1u);
  EXPECT_TRUE(writes_.updates[0].auto_closed);
}

TEST_F(RecordWritesTest, AutoClosedRecordStillOccupiesItsTime) {
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 30), At(12, 0))};
  writes_ = Plan({CheckIn(kAlice, kAfternoon, At(11, 30))}, At(15, 0));
  EXPECT_THAT(results_[0].status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("was at events/1 from 2026-03-01 09:30 to 2026-03-01 12:00")));
  // The close stands: it was due whatever came after it.
  ASSERT_EQ(writes_.updates.size(), 1u);
  EXPECT_TRUE(writes_.updates[0].auto_closed);
  EXPECT_THAT(writes_.inserts, IsEmpty());
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{50, 2, RevisionChange::kAutoClosed, 0, ""}));
}

TEST_F(RecordWritesTest, RecordNotYetDueStaysOpen) {
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 30), At(12, 0))};
  writes_ = Plan({CheckIn(kAlice, kAfternoon, At(13, 30))}, At(14, 0) - kMicro);
  EXPECT_THAT(results_[0].status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is checked in at events/1 since 2026-03-01 09:30")));
  ExpectNothingWritten();

  // At 14:00 exactly it is due.
  writes_ = Plan({CheckIn(kAlice, kAfternoon, At(13, 30))}, At(14, 0));
  EXPECT_THAT(results_[0].status, IsOk());
  EXPECT_EQ(writes_.updates.size(), 1u);
}

TEST_F(RecordWritesTest, AutoCloseTouchesOnlyTheVolunteerWhoseWriteItIs) {
  state_.records[kBob] = {OpenRecord(kBob, 50, kMorning, At(9, 30), At(12, 0))};
  writes_ = Plan({CheckIn(kAlice, kAfternoon, At(14, 45))}, At(15, 0));
  ASSERT_THAT(results_[0].status, IsOk());
  EXPECT_THAT(writes_.updates, IsEmpty());
  EXPECT_EQ(writes_.revisions.size(), 1u);
}

TEST_F(RecordWritesTest, RecordCheckedInEarlierInTheBatchIsClosedWhenDue) {
  // A kiosk uploads, after the close time, a check-in at kMorning (still ONGOING) and then one
  // at kAfternoon: as if they had come in two batches, the first is closed before the second.
  const absl::Time now = At(15, 0);
  writes_ = Plan(
      {CheckIn(kAlice, kMorning, At(9, 30), "c-1"), CheckIn(kAlice, kAfternoon, At(14, 45), "c-2")},
      now);
  ASSERT_THAT(results_[0].status, IsOk());
  ASSERT_THAT(results_[1].status, IsOk());
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{101, 1, RevisionChange::kCreated, kKiosk, "c-1"},
                          RevisionKey{101, 2, RevisionChange::kAutoClosed, 0, ""},
                          RevisionKey{102, 1, RevisionChange::kCreated, kKiosk, "c-2"}));
  ASSERT_EQ(writes_.inserts.size(), 2u);
  EXPECT_EQ(writes_.inserts[0].revision, 2);
  EXPECT_TRUE(writes_.inserts[0].auto_closed);
  EXPECT_EQ(writes_.inserts[0].check_out, At(12, 0));
  EXPECT_EQ(writes_.inserts[0].credited_minutes, 150);
  EXPECT_THAT(writes_.updates, IsEmpty());
}

TEST_F(RecordWritesTest, CloseWriteClosesADueRecord) {
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 30), At(12, 0))};
  const absl::Time now = At(14, 0);
  writes_ = Plan({Close(kAlice, 50)}, now);
  ASSERT_THAT(results_[0].status, IsOk());
  EXPECT_TRUE(results_[0].record.auto_closed);
  EXPECT_EQ(results_[0].record.check_out, At(12, 0));
  EXPECT_EQ(results_[0].record.credited_minutes, 150);
  EXPECT_EQ(results_[0].record.update_time, now);
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{50, 2, RevisionChange::kAutoClosed, 0, ""}));
  EXPECT_THAT(Describe(writes_.audit),
              ElementsAre(absl::StrCat(kCloseMethod,
                                       " by 0 [check_out_time,auto_closed,credited_minutes] on ",
                                       Name(kAlice, 50), " in regions/141124")));
}

TEST_F(RecordWritesTest, CloseWriteRefusesWhatIsNotOpenPastItsCloseTime) {
  state_.records[kAlice] = {OpenRecord(kAlice, 50, kMorning, At(9, 30), At(12, 0)),
                            CreditedRecord(kAlice, 51, kLate, At(12, 0), At(13, 0), At(13, 0), 60)};
  struct Case {
    int64_t id;
    absl::Time now;
  };
  for (const Case& c :
       std::vector<Case>{{50, At(14, 0) - kMicro}, {51, At(20, 0)}, {52, At(20, 0)}}) {
    SCOPED_TRACE(c.id);
    EXPECT_THAT(PlanOne(Close(kAlice, c.id), c.now).status,
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "the record is not open past its close time"));
    ExpectNothingWritten();
  }
}

// --- Entries ---

TEST_F(RecordWritesTest, EntryIsCreditedAtOnce) {
  const absl::Time now = At(12, 5);
  const RecordWriteResult result =
      PlanOne(Entry(kAlice, kMorning, At(9, 0), At(11, 20), "e-1"), now);
  ASSERT_THAT(result.status, IsOk());

  // 140 minutes: 2 hours and 20, counting 30: 150.
  ServiceRecord expected;
  expected.volunteer_number = kAlice;
  expected.id = kFirstNewId;
  expected.event_id = kMorning;
  expected.state = RecordState::kCredited;
  expected.method = RecordMethod::kOrganizer;
  expected.check_in = At(9, 0);
  expected.check_out = At(11, 20);
  expected.raw_minutes = 140;
  expected.credited_minutes = 150;
  expected.hour_rule_set_id = kNationalRulesId;
  expected.close_due = At(14, 0);
  expected.recorder_token_id = kOrganizer;
  expected.verifier_token_id = kOrganizer;
  expected.note = "from the paper sheet";
  expected.revision = 1;
  expected.create_time = now;
  expected.update_time = now;
  EXPECT_EQ(Describe(result.record), Describe(expected));
  EXPECT_THAT(Describe(writes_.inserts), ElementsAre(Describe(expected)));
  EXPECT_THAT(
      Keys(writes_.revisions),
      ElementsAre(RevisionKey{kFirstNewId, 1, RevisionChange::kCreated, kOrganizer, "e-1"}));
  EXPECT_THAT(
      Describe(writes_.audit),
      ElementsAre(absl::StrCat("zhiyuan.v1.ServiceRecordService.EnterServiceRecord by 21 [] on ",
                               Name(kAlice, kFirstNewId), " in regions/141124")));
}

TEST_F(RecordWritesTest, EntryCheckOutMayNotPassTheCloseTime) {
  const RecordWriteResult at_close =
      PlanOne(Entry(kAlice, kMorning, At(9, 0), At(14, 0)), At(15, 0));
  ASSERT_THAT(at_close.status, IsOk());
  EXPECT_EQ(at_close.record.raw_minutes, 300);
  EXPECT_EQ(at_close.record.credited_minutes, 180);  // Cut to 195: 3 hours and 15, counting 0.

  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(9, 0), At(14, 0) + kMicro), At(15, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is after 2026-03-01 14:00, when the hour rules close events/1's "
                                 "records")));
  ExpectNothingWritten();
}

TEST_F(RecordWritesTest, EntryNeedsBothTimesInOrderAndInTheWindow) {
  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(10, 0), At(10, 0) - kMicro), At(12, 0)).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("is before the check-in at 2026-03-01 10:00")));
  ExpectNothingWritten();
  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(8, 0) - kMicro, At(10, 0)), At(12, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("check-in window")));
  ExpectNothingWritten();
  EXPECT_THAT(PlanOne(Entry(kAlice, kMorning, At(12, 0) + kMicro, At(13, 0)), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("check-in window")));
  ExpectNothingWritten();
}

TEST_F(RecordWritesTest, EntryTakesOngoingAndCompletedEventsOnly) {
  EXPECT_THAT(PlanOne(Entry(kAlice, kCompleted, At(9, 0), At(10, 0)), At(13, 0)).status, IsOk());
  EXPECT_THAT(PlanOne(Entry(kAlice, kPlanned, At(9, 0), At(10, 0)), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "events/7 is PLANNED: records are entered once it is ONGOING"));
  ExpectNothingWritten();
  EXPECT_THAT(PlanOne(Entry(kAlice, kCancelled, At(9, 0), At(10, 0)), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is CANCELLED")));
  EXPECT_THAT(PlanOne(Entry(kAlice, kDeleted, At(9, 0), At(10, 0)), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, "events/10 is deleted"));
  EXPECT_THAT(PlanOne(Entry(kAlice, kMissing, At(9, 0), At(10, 0)), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, "events/99 does not exist"));
}

// --- Manual hours and their review ---

TEST_F(RecordWritesTest, ManualHoursWaitForApproval) {
  const absl::Time now = At(13, 0);
  const RecordWriteResult result = PlanOne(Manual(kAlice, kCompleted, At(8, 0), 90, "m-1"), now);
  ASSERT_THAT(result.status, IsOk());
  ServiceRecord expected;
  expected.volunteer_number = kAlice;
  expected.id = kFirstNewId;
  expected.event_id = kCompleted;
  expected.hour_class = HourClass::kManual;
  expected.state = RecordState::kPendingApproval;
  expected.method = RecordMethod::kAdministrator;
  expected.check_in = At(8, 0);
  expected.raw_minutes = 90;
  expected.credited_minutes = 0;
  expected.recorder_token_id = kRecorder;
  expected.note = "set up the stage the evening before";
  expected.revision = 1;
  expected.create_time = now;
  expected.update_time = now;
  EXPECT_EQ(Describe(result.record), Describe(expected));
  EXPECT_THAT(Describe(writes_.inserts), ElementsAre(Describe(expected)));
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{kFirstNewId, 1, RevisionChange::kCreated, kRecorder, "m-1"}));
  ASSERT_EQ(writes_.audit.size(), 1u);
  EXPECT_EQ(writes_.audit[0].resource, Name(kAlice, kFirstNewId));
}

TEST_F(RecordWritesTest, ManualHoursNeedAnEventThatHasBegun) {
  EXPECT_THAT(PlanOne(Manual(kAlice, kMorning, At(9, 0), 60), At(13, 0)).status, IsOk());
  EXPECT_THAT(PlanOne(Manual(kAlice, kPlanned, At(9, 0), 60), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "events/7 is PLANNED: hours are added once it is ONGOING"));
  ExpectNothingWritten();
  EXPECT_THAT(PlanOne(Manual(kAlice, kCancelled, At(9, 0), 60), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is CANCELLED")));
  EXPECT_THAT(PlanOne(Manual(kAlice, kDeleted, At(9, 0), 60), At(13, 0)).status,
              StatusIs(absl::StatusCode::kFailedPrecondition, "events/10 is deleted"));
}

TEST_F(RecordWritesTest, ApprovingCreditsTheMinutes) {
  state_.records[kAlice] = {PendingHours(kAlice, 60, 90)};
  const absl::Time now = At(16, 0);
  const RecordWriteResult result =
      PlanOne(Review(kAlice, 60, /*approve=*/true, kReviewer, "", "r-1"), now);
  ASSERT_THAT(result.status, IsOk());
  ServiceRecord expected = PendingHours(kAlice, 60, 90);
  expected.state = RecordState::kCredited;
  expected.credited_minutes = 90;
  expected.verifier_token_id = kReviewer;
  expected.revision = 2;
  expected.update_time = now;
  EXPECT_EQ(Describe(result.record), Describe(expected));
  EXPECT_THAT(Describe(writes_.updates), ElementsAre(Describe(expected)));
  EXPECT_THAT(writes_.inserts, IsEmpty());
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{60, 2, RevisionChange::kApproved, kReviewer, "r-1"}));
  EXPECT_THAT(Describe(writes_.audit),
              ElementsAre(absl::StrCat("zhiyuan.v1.ServiceRecordService.ReviewManualHours by 32 "
                                       "[] on ",
                                       Name(kAlice, 60), " in regions/141124")));
}

TEST_F(RecordWritesTest, RejectingCreditsNothingAndKeepsTheReason) {
  state_.records[kAlice] = {PendingHours(kAlice, 60, 90)};
  const absl::Time now = At(16, 0);
  const RecordWriteResult result =
      PlanOne(Review(kAlice, 60, /*approve=*/false, kReviewer, "no sign-in sheet"), now);
  ASSERT_THAT(result.status, IsOk());
  ServiceRecord expected = PendingHours(kAlice, 60, 90);
  expected.state = RecordState::kRejected;
  expected.credited_minutes = 0;
  expected.revision = 2;
  expected.update_time = now;
  EXPECT_EQ(Describe(result.record), Describe(expected));
  EXPECT_THAT(Describe(writes_.updates), ElementsAre(Describe(expected)));
  RecordRevision revision;
  revision.record = expected;
  revision.change = RevisionChange::kRejected;
  revision.actor_token_id = kReviewer;
  revision.reason = "no sign-in sheet";
  revision.time = now;
  ASSERT_EQ(writes_.revisions.size(), 1u);
  EXPECT_EQ(Describe(writes_.revisions[0]), Describe(revision));
}

TEST_F(RecordWritesTest, TheRecorderMayNotReviewTheirOwnHours) {
  state_.records[kAlice] = {PendingHours(kAlice, 60, 90)};
  for (const bool approve : {true, false}) {
    EXPECT_THAT(PlanOne(Review(kAlice, 60, approve, kRecorder), At(16, 0)).status,
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         absl::StrCat(Name(kAlice, 60),
                                      ": another person must approve the hours you added")));
    ExpectNothingWritten();
  }
}

TEST_F(RecordWritesTest, OnlyPendingHoursAreReviewed) {
  ServiceRecord approved = PendingHours(kAlice, 61, 90);
  approved.state = RecordState::kCredited;
  approved.credited_minutes = 90;
  state_.records[kAlice] = {PendingHours(kAlice, 60, 90), approved,
                            OpenRecord(kAlice, 62, kMorning, At(9, 0), At(12, 0))};
  for (const int64_t id : {61, 62}) {
    EXPECT_THAT(
        PlanOne(Review(kAlice, id, true, kReviewer), At(16, 0)).status,
        StatusIs(absl::StatusCode::kFailedPrecondition,
                 absl::StrCat(Name(kAlice, id), " is not manual hours waiting for approval")));
    ExpectNothingWritten();
  }
  EXPECT_THAT(
      PlanOne(Review(kAlice, 63, true, kReviewer), At(16, 0)).status,
      StatusIs(absl::StatusCode::kNotFound, absl::StrCat(Name(kAlice, 63), " does not exist")));
  EXPECT_THAT(PlanOne(Review(kBob, 60, true, kReviewer), At(16, 0)).status,
              StatusIs(absl::StatusCode::kNotFound))
      << "another volunteer's record";

  // Approved earlier in the batch: no longer pending.
  writes_ = Plan({Review(kAlice, 60, true, kReviewer), Review(kAlice, 60, false, kReviewer, "no")},
                 At(16, 0));
  EXPECT_THAT(results_[0].status, IsOk());
  EXPECT_THAT(results_[1].status,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not manual hours")));
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{60, 2, RevisionChange::kApproved, kReviewer, ""}));
}

// --- Replays ---

TEST_F(CheckOutTest, ReplayedClientIdReturnsTheRecordAsItIsAndWritesNothing) {
  ServiceRecord now_credited =
      CreditedRecord(kAlice, 50, kMorning, At(9, 0), At(11, 0), At(12, 0), 120);
  state_.records[kAlice] = {now_credited};
  state_.replays[{kAlice, "c-1"}] = 50;
  for (const RecordWrite& write :
       {CheckIn(kAlice, kMorning, At(9, 0), "c-1"), CheckOut(kAlice, kMorning, At(11, 0), "c-1")}) {
    const RecordWriteResult result = PlanOne(write, At(12, 0));
    EXPECT_THAT(result.status, IsOk());
    EXPECT_TRUE(result.duplicate);
    EXPECT_EQ(Describe(result.record), Describe(now_credited));
    ExpectNothingWritten();
  }
  // The duplicate takes no reserved id.
  writes_ =
      Plan({CheckIn(kAlice, kMorning, At(9, 0), "c-1"), Manual(kAlice, kMorning, At(9, 0), 30)},
           At(12, 0));
  ASSERT_EQ(writes_.inserts.size(), 1u);
  EXPECT_EQ(writes_.inserts[0].id, kFirstNewId);
}

TEST_F(RecordWritesTest, SameClientIdTwiceInABatchIsADuplicateOfTheFirst) {
  writes_ =
      Plan({CheckIn(kAlice, kMorning, At(9, 0), "c-2"), CheckIn(kAlice, kMorning, At(9, 5), "c-2")},
           At(9, 5));
  ASSERT_THAT(results_[0].status, IsOk());
  EXPECT_FALSE(results_[0].duplicate);
  ASSERT_THAT(results_[1].status, IsOk());
  EXPECT_TRUE(results_[1].duplicate);
  EXPECT_EQ(Describe(results_[1].record), Describe(results_[0].record));
  EXPECT_THAT(Describe(writes_.inserts), ElementsAre(Describe(results_[0].record)));
  EXPECT_EQ(writes_.revisions.size(), 1u);
  EXPECT_EQ(writes_.audit.size(), 1u);
}

TEST_F(RecordWritesTest, SameClientIdForDifferentVolunteersIsIndependent) {
  state_.replays[{kBob, "c-3"}] = 77;
  state_.records[kBob] = {CreditedRecord(kBob, 77, kLate, At(10, 0), At(11, 0), At(13, 0), 60)};
  writes_ =
      Plan({CheckIn(kAlice, kMorning, At(9, 0), "c-3"), CheckIn(kCarol, kMorning, At(9, 0), "c-3"),
            CheckIn(kBob, kAfternoon, At(12, 0), "c-3")},
           At(12, 0));
  EXPECT_THAT(results_[0].status, IsOk());
  EXPECT_FALSE(results_[0].duplicate);
  EXPECT_THAT(results_[1].status, IsOk());
  EXPECT_FALSE(results_[1].duplicate);
  EXPECT_TRUE(results_[2].duplicate);
  EXPECT_EQ(results_[2].record.id, 77);
  ASSERT_EQ(writes_.inserts.size(), 2u);
  EXPECT_EQ(writes_.inserts[0].volunteer_number, kAlice);
  EXPECT_EQ(writes_.inserts[0].id, 101);
  EXPECT_EQ(writes_.inserts[1].volunteer_number, kCarol);
  EXPECT_EQ(writes_.inserts[1].id, 102);
}

TEST_F(RecordWritesTest, CheckInAndOutInOneBatchInsertTheLatestWithTwoRevisions) {
  const absl::Time now = At(11, 30);
  RecordWrite out = CheckOut(kAlice, kMorning, At(11, 20), "c-5");
  out.verifier_token_id = kKioskVerifier;
  writes_ = Plan(
      {CheckIn(kAlice, kMorning, At(9, 0), "c-4"), out, CheckIn(kAlice, kMorning, At(9, 0), "c-4")},
      now);
  ASSERT_THAT(results_[0].status, IsOk());
  EXPECT_EQ(results_[0].record.revision, 1);
  EXPECT_EQ(results_[0].record.state, RecordState::kOpen);
  ASSERT_THAT(results_[1].status, IsOk());

  ServiceRecord expected;
  expected.volunteer_number = kAlice;
  expected.id = kFirstNewId;
  expected.event_id = kMorning;
  expected.state = RecordState::kCredited;
  expected.method = RecordMethod::kVolunteerCode;
  expected.check_in = At(9, 0);
  expected.check_out = At(11, 20);
  expected.raw_minutes = 140;
  expected.credited_minutes = 150;
  expected.hour_rule_set_id = kNationalRulesId;
  expected.close_due = At(14, 0);
  expected.recorder_token_id = kKiosk;
  expected.verifier_token_id = kKioskVerifier;
  expected.revision = 2;
  expected.create_time = now;
  expected.update_time = now;
  EXPECT_EQ(Describe(results_[1].record), Describe(expected));
  // The replayed check-in returns the record as it is now, checked out.
  ASSERT_THAT(results_[2].status, IsOk());
  EXPECT_TRUE(results_[2].duplicate);
  EXPECT_EQ(Describe(results_[2].record), Describe(expected));

  EXPECT_THAT(Describe(writes_.inserts), ElementsAre(Describe(expected)));
  EXPECT_THAT(writes_.updates, IsEmpty());
  EXPECT_THAT(Keys(writes_.revisions),
              ElementsAre(RevisionKey{kFirstNewId, 1, RevisionChange::kCreated, kKiosk, "c-4"},
                          RevisionKey{kFirstNewId, 2, RevisionChange::kCheckedOut, kKiosk, "c-5"}));
  ASSERT_EQ(writes_.revisions.size(), 2u);
  EXPECT_EQ(writes_.revisions[0].record.state, RecordState::kOpen);
  EXPECT_FALSE(writes_.revisions[0].record.check_out.has_value());
  EXPECT_EQ(writes_.revisions[1].record.credited_minutes, 150);
  EXPECT_THAT(Describe(writes_.audit),
              ElementsAre(absl::StrCat("zhiyuan.v1.ServiceRecordService.CheckIn by 22 [] on ",
                                       Name(kAlice, kFirstNewId), " in regions/141124"),
                          absl::StrCat("zhiyuan.v1.ServiceRecordService.CheckOut by 22 [] on ",
                                       Name(kAlice, kFirstNewId), " in regions/141124")));
}

TEST_F(RecordWritesTest, RefusedWriteLeavesItsClientIdFree) {
  writes_ =
      Plan({CheckIn(kAlice, kPlanned, At(9, 0), "c-6"), CheckIn(kAlice, kMorning, At(9, 0), "c-6")},
           At(9, 0));
  EXPECT_THAT(results_[0].status, StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(results_[1].status, IsOk());
  EXPECT_FALSE(results_[1].duplicate);
  EXPECT_EQ(writes_.inserts.size(), 1u);
}

// --- Batches ---

TEST_F(RecordWritesTest, OneRefusedWriteDoesNotAffectTheOthers) {
  state_.records[kCarol] = {PendingHours(kCarol, 60, 45)};
  writes_ = Plan({CheckIn(kAlice, kPlanned, At(9, 0)),           // Refused.
                  CheckIn(kBob, kMorning, At(9, 0), "b-1"),      // 101.
                  CheckOut(kCarol, kMorning, At(10, 0)),         // Refused: nothing open.
                  Manual(kAlice, kMorning, At(9, 0), 30),        // 102.
                  CheckIn(kGone, kMorning, At(9, 0)),            // Refused.
                  CheckIn(kBob, kLate, At(10, 0)),               // Refused: open at 1.
                  Review(kCarol, 60, true, kReviewer),           // Approved.
                  CheckIn(kAlice, kMorning, At(9, 30), "a-1")},  // 103.
                 At(10, 0));
  EXPECT_THAT(results_[0].status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(results_[1].status, IsOk());
  EXPECT_THAT(results_[2].status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(results_[3].status, IsOk());
  EXPECT_THAT(results_[4].status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(results_[5].status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(results_[6].status, IsOk());
  EXPECT_THAT(results_[7].status, IsOk());
  for (const int i : {0, 2, 4, 5}) EXPECT_FALSE(results_[i].duplicate) << i;

  std::vector<std::tuple<std::string, int64_t>> inserted;
  for (const ServiceRecord& r : writes_.inserts) inserted.emplace_back(r.volunteer_number, r.id);
  EXPECT_THAT(inserted, ElementsAre(std::tuple<std::string, int64_t>{kBob, 101},
                                    std::tuple<std::string, int64_t>{kAlice, 102},
                                    std::tuple<std::string, int64_t>{kAlice, 103}));
  ASSERT_EQ(writes_.updates.size(), 1u);
  EXPECT_EQ(writes_.updates[0].id, 60);
  EXPECT_EQ(writes_.updates[0].credited_minutes, 45);
  EXPECT_EQ(writes_.revisions.size(), 4u);
  EXPECT_EQ(writes_.audit.size(), 4u);
}

TEST_F(RecordWritesTest, EmptyBatchWritesNothing) {
  writes_ = Plan({}, At(10, 0));
  EXPECT_THAT(results_, IsEmpty());
  ExpectNothingWritten();
}

// --- BatchKeys ---

TEST(BatchKeysTest, NamesWhatTheBatchTouches) {
  RecordWrite check_in = CheckIn(kCarol, kAfternoon, At(12, 0), "c-1");
  // The earliest: a check-out may replace the close of a record the rules closed, so the
  // volunteer's records from 35 days before it are read.
  RecordWrite check_out = CheckOut(kAlice, kMorning, At(6, 0));
  RecordWrite entry = Entry(kBob, kLate, At(10, 0), At(11, 0));
  RecordWrite manual = Manual(kAlice, kMorning, At(8, 0), 60, "m-1");
  RecordWrite review = Review(kCarol, 60, true, kReviewer, "", "r-1");
  RecordWrite close = Close(kAlice, 50);
  const storage::RecordBatchKeys keys =
      BatchKeys({check_in, check_out, entry, manual, review, close});

  EXPECT_THAT(keys.volunteer_numbers, ElementsAre(kAlice, kBob, kCarol));
  EXPECT_THAT(keys.event_ids, ElementsAre(kMorning, kLate, kAfternoon));
  using Pair = std::pair<std::string, std::string>;
  EXPECT_THAT(keys.client_ids,
              ElementsAre(Pair{kCarol, "c-1"}, Pair{kAlice, "m-1"}, Pair{kCarol, "r-1"}));
  using Id = std::pair<std::string, int64_t>;
  EXPECT_THAT(keys.record_ids, ElementsAre(Id{kCarol, 60}, Id{kAlice, 50}));
  // 35 days before 2026-03-01 06:00 China time.
  EXPECT_EQ(keys.records_from, absl::FromCivil(absl::CivilSecond(2026, 1, 25, 6, 0, 0), kChina));
  EXPECT_EQ(keys.new_records, 3);
}

TEST(BatchKeysTest, ClosesAndReviewsReadNothingByTime) {
  EXPECT_EQ(BatchKeys({Close(kBob, 50)}).records_from, absl::InfiniteFuture());
  const storage::RecordBatchKeys keys =
      BatchKeys({CheckOut(kAlice, kMorning, At(10, 0)), Close(kBob, 50)});
  EXPECT_EQ(keys.records_from, absl::FromCivil(absl::CivilSecond(2026, 1, 25, 10, 0, 0), kChina));
  EXPECT_EQ(keys.new_records, 0);
  EXPECT_THAT(keys.volunteer_numbers, ElementsAre(kAlice, kBob));
  EXPECT_THAT(keys.event_ids, ElementsAre(kMorning));
  EXPECT_THAT(keys.client_ids, IsEmpty());
}

TEST(BatchKeysTest, EmptyBatchNeedsNothing) {
  const storage::RecordBatchKeys keys = BatchKeys({});
  EXPECT_THAT(keys.volunteer_numbers, IsEmpty());
  EXPECT_THAT(keys.event_ids, IsEmpty());
  EXPECT_THAT(keys.record_ids, IsEmpty());
  EXPECT_EQ(keys.records_from, absl::InfiniteFuture());
  EXPECT_EQ(keys.new_records, 0);
}

}  // namespace
}  // namespace zhiyuan::services
