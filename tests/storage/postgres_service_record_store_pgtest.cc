// PostgresServiceRecordStore on the test database: what a batch reads under its locks, that its
// writes land whole, revisions and replays, forgotten check-outs, lists newest first, and totals
// by China-time month.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "absl/strings/str_cat.h"
#include "storage/postgres_service_record_store.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

constexpr char kAlice[] = "141124202600000011";
constexpr char kBob[] = "141124202600000029";
const absl::TimeZone kChina = absl::FixedTimeZone(8 * 3600);

absl::Time China(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), kChina);
}

class PostgresServiceRecordStoreTest : public ::zhiyuan::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    const std::string& url = ::zhiyuan::testing::TestDatabaseUrl();
    pqxx::connection connection(url);
    pqxx::nontransaction txn(connection);
    txn.exec(
        "TRUNCATE audit_log, service_record_corrections, service_record_revisions, "
        "service_records, events, teams, volunteers, regions CASCADE");
    txn.exec(
        "INSERT INTO regions (code, display_name) VALUES ('14', '山西省'), "
        "('1411', '吕梁市'), ('141124', '临县')");
    const int64_t team = txn.exec1(
                                "INSERT INTO teams (display_name, home_region_code, status) "
                                "VALUES ('总队', '141124', 1) RETURNING id")[0]
                             .as<int64_t>();
    for (const char* number : {kAlice, kBob}) {
      txn.exec_params(
          "INSERT INTO volunteers (volunteer_number, display_name, gender, birth_date, "
          "residence_region_code, status, guardian_consent, id_number_cipher, id_number_masked) "
          "VALUES ($1, '测试', 1, '1990-01-01', '141124', 1, false, '\\x00', 'x')",
          number);
    }
    event_ = txn.exec_params1(
                    "INSERT INTO events (title, organizer_team_id, region_code, start_time, "
                    "end_time, category, status) VALUES ('夜校', $1, '141124', "
                    "'2026-01-31 18:00+08', '2026-02-01 02:00+08', 1, 2) RETURNING id",
                    team)[0]
                 .as<int64_t>();
    rules_ = txn.exec1("SELECT id FROM hour_rule_sets WHERE region_code = '' AND version = 1")[0]
                 .as<int64_t>();
    pool_ = *ConnectionPool::Create({url, 2});
    store_ = std::make_unique<PostgresServiceRecordStore>(*pool_);
  }

  // A credited attendance record of `volunteer` from `in` to `out`.
  ServiceRecord Credited(const std::string& volunteer, int64_t id, absl::Time in, absl::Time out,
                         int64_t minutes) {
    ServiceRecord record;
    record.volunteer_number = volunteer;
    record.id = id;
    record.event_id = event_;
    record.state = RecordState::kCredited;
    record.check_in = in;
    record.check_out = out;
    record.raw_minutes = minutes;
    record.credited_minutes = minutes;
    record.hour_rule_set_id = rules_;
    record.close_due = out + absl::Hours(2);
    record.recorder_token_id = 7;
    record.create_time = record.update_time = absl::FromUnixSeconds(1800000000);
    return record;
  }

  // Writes `records` as new, each with its first revision (client id `client` + index) and an
  // audit entry, in one batch; returns what the batch read.
  RecordBatchState Insert(std::vector<ServiceRecord> records, const std::string& client = "") {
    RecordBatchKeys keys;
    for (size_t i = 0; i < records.size(); ++i) {
      keys.volunteer_numbers.push_back(records[i].volunteer_number);
      if (!client.empty()) {
        keys.client_ids.emplace_back(records[i].volunteer_number, absl::StrCat(client, i));
      }
    }
    std::sort(keys.volunteer_numbers.begin(), keys.volunteer_numbers.end());
    keys.volunteer_numbers.erase(
        std::unique(keys.volunteer_numbers.begin(), keys.volunteer_numbers.end()),
        keys.volunteer_numbers.end());
    keys.event_ids = {event_};
    keys.records_from = absl::InfinitePast();
    keys.new_records = static_cast<int>(records.size());
    RecordBatchState seen;
    EXPECT_THAT(store_->ApplyBatch(
                    keys,
                    [&](const RecordBatchState& state) -> absl::StatusOr<RecordBatchWrites> {
                      seen = state;
                      RecordBatchWrites writes;
                      for (size_t i = 0; i < records.size(); ++i) {
                        writes.inserts.push_back(records[i]);
                        RecordRevision& revision = writes.revisions.emplace_back();
                        revision.record = records[i];
                        revision.actor_token_id = 7;
                        if (!client.empty()) revision.client_id = absl::StrCat(client, i);
                        revision.time = records[i].create_time;
                        writes.audit.push_back({{}, records[i].name(), "141124"});
                      }
                      return writes;
                    },
                    absl::Now() + absl::Seconds(10)),
                IsOk());
    return seen;
  }

  int64_t event_ = 0;
  int64_t rules_ = 0;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<PostgresServiceRecordStore> store_;
};

TEST_F(PostgresServiceRecordStoreTest, ABatchReadsWhatItsRulesNeedAndWritesWhole) {
  if (IsSkipped()) return;
  const RecordBatchState first =
      Insert({Credited(kAlice, 900001, China(2026, 1, 31, 18, 0), China(2026, 1, 31, 19, 0), 60),
              Credited(kBob, 900002, China(2026, 1, 31, 18, 30), China(2026, 1, 31, 20, 0), 90)},
             "00000000-0000-4000-8000-00000000000");
  EXPECT_TRUE(first.live_volunteers.contains(kAlice));
  ASSERT_TRUE(first.events.contains(event_));
  EXPECT_EQ(first.rules_by_region.at("141124").id, rules_);  // The national rules.
  EXPECT_THAT(first.new_ids, SizeIs(2));
  EXPECT_THAT(first.replays, IsEmpty());

  // A second batch finds the records and what the client ids did.
  const RecordBatchState second =
      Insert({Credited(kAlice, 900003, China(2026, 2, 1, 0, 0), China(2026, 2, 1, 1, 0), 60)},
             "00000000-0000-4000-8000-00000000001");
  ASSERT_THAT(second.records.at(kAlice), SizeIs(1));
  EXPECT_EQ(second.records.at(kAlice)[0].credited_minutes, 60);
  RecordBatchKeys keys;
  keys.volunteer_numbers = {kAlice, kBob};
  keys.client_ids = {{kAlice, "00000000-0000-4000-8000-000000000000"},
                     {kBob, "00000000-0000-4000-8000-000000000001"},
                     {kBob, "00000000-0000-4000-8000-000000000000"}};  // Alice's, not Bob's.
  RecordBatchState third;
  ASSERT_THAT(store_->ApplyBatch(
                  keys,
                  [&](const RecordBatchState& state) -> absl::StatusOr<RecordBatchWrites> {
                    third = state;
                    return RecordBatchWrites();
                  },
                  absl::Now() + absl::Seconds(10)),
              IsOk());
  ASSERT_THAT(third.replays, SizeIs(2));
  EXPECT_EQ(third.replays.at({kAlice, "00000000-0000-4000-8000-000000000000"}), 900001);
  EXPECT_EQ(third.replays.at({kBob, "00000000-0000-4000-8000-000000000001"}), 900002);

  const absl::StatusOr<ServiceRecord> read = store_->Get(kBob, 900002, absl::InfiniteFuture());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->check_out, China(2026, 1, 31, 20, 0));
  EXPECT_EQ(read->create_time, absl::FromUnixSeconds(1800000000));
  const absl::StatusOr<std::vector<RecordRevision>> revisions =
      store_->Revisions(kBob, 900002, absl::InfiniteFuture());
  ASSERT_THAT(revisions, IsOk());
  ASSERT_THAT(*revisions, SizeIs(1));
  EXPECT_EQ((*revisions)[0].client_id, "00000000-0000-4000-8000-000000000001");
  EXPECT_THAT(store_->Get(kBob, 1, absl::InfiniteFuture()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(PostgresServiceRecordStoreTest, AFailingPlanWritesNothing) {
  if (IsSkipped()) return;
  RecordBatchKeys keys;
  keys.volunteer_numbers = {kAlice};
  EXPECT_THAT(store_->ApplyBatch(
                  keys,
                  [&](const RecordBatchState&) -> absl::StatusOr<RecordBatchWrites> {
                    return absl::InternalError("plan failed");
                  },
                  absl::Now() + absl::Seconds(10)),
              StatusIs(absl::StatusCode::kInternal));
  // A batch whose rows the database refuses (no such event) writes none of them.
  ServiceRecord stray =
      Credited(kAlice, 900010, China(2026, 1, 31, 18, 0), China(2026, 1, 31, 19, 0), 60);
  stray.event_id = event_ + 1000;
  EXPECT_FALSE(store_
                   ->ApplyBatch(
                       keys,
                       [&](const RecordBatchState&) -> absl::StatusOr<RecordBatchWrites> {
                         RecordBatchWrites writes;
                         writes.inserts.push_back(Credited(kAlice, 900011,
                                                           China(2026, 1, 31, 20, 0),
                                                           China(2026, 1, 31, 21, 0), 60));
                         writes.inserts.push_back(stray);
                         return writes;
                       },
                       absl::Now() + absl::Seconds(10))
                   .ok());
  EXPECT_THAT(store_->Get(kAlice, 900011, absl::InfiniteFuture()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(PostgresServiceRecordStoreTest, ListsNewestFirstInPagesAndFindsForgottenCheckOuts) {
  if (IsSkipped()) return;
  ServiceRecord open =
      Credited(kAlice, 900020, China(2026, 1, 31, 18, 0), China(2026, 1, 31, 18, 0), 0);
  open.state = RecordState::kOpen;
  open.check_out.reset();
  open.close_due = China(2026, 2, 1, 4, 0);
  Insert({open, Credited(kAlice, 900021, China(2026, 1, 30, 9, 0), China(2026, 1, 30, 10, 0), 60),
          Credited(kAlice, 900022, China(2026, 1, 29, 9, 0), China(2026, 1, 29, 10, 0), 60)});
  RecordQuery query;
  query.volunteer_number = kAlice;
  query.limit = 2;
  absl::StatusOr<std::vector<ServiceRecord>> page = store_->List(query, absl::InfiniteFuture());
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(*page, SizeIs(2));
  EXPECT_EQ((*page)[0].id, 900020);
  EXPECT_EQ((*page)[1].id, 900021);
  query.after = std::make_pair((*page)[1].check_in, (*page)[1].id);
  page = store_->List(query, absl::InfiniteFuture());
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(*page, SizeIs(1));
  EXPECT_EQ((*page)[0].id, 900022);

  using Due = std::pair<std::string, int64_t>;
  EXPECT_THAT(*store_->DueForClose(China(2026, 2, 1, 3, 59), 10, absl::InfiniteFuture()),
              IsEmpty());
  EXPECT_THAT(*store_->DueForClose(China(2026, 2, 1, 4, 0), 10, absl::InfiniteFuture()),
              ElementsAre(Due{kAlice, 900020}));
}

TEST_F(PostgresServiceRecordStoreTest, TotalsFallInChinaTimeMonths) {
  if (IsSkipped()) return;
  ServiceRecord manual =
      Credited(kAlice, 900031, China(2026, 2, 1, 0, 30), China(2026, 2, 1, 0, 30), 0);
  manual.hour_class = HourClass::kManual;
  manual.check_out.reset();
  manual.hour_rule_set_id = 0;
  manual.close_due.reset();
  manual.raw_minutes = manual.credited_minutes = 120;
  ServiceRecord pending = manual;
  pending.id = 900032;
  pending.state = RecordState::kPendingApproval;
  pending.credited_minutes = 0;
  // 23:30 on 31 January China time is 15:30 UTC; 00:30 on 1 February is 16:30 UTC on 31 January.
  Insert({Credited(kAlice, 900030, China(2026, 1, 31, 23, 30), China(2026, 2, 1, 0, 30), 60),
          manual, pending});
  TotalsQuery query;
  query.volunteer_number = kAlice;
  query.period = TotalsQuery::Period::kMonth;
  const absl::StatusOr<Totals> totals = store_->GetTotals(query, absl::InfiniteFuture());
  ASSERT_THAT(totals, IsOk());
  EXPECT_EQ(totals->window.attendance_minutes, 60);
  EXPECT_EQ(totals->window.manual_minutes, 120);
  EXPECT_EQ(totals->window.record_count, 2);
  EXPECT_EQ(totals->lifetime_minutes, 180);
  ASSERT_THAT(totals->periods, SizeIs(2));
  EXPECT_EQ(totals->periods[0].start, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(totals->periods[0].attendance_minutes, 60);
  EXPECT_EQ(totals->periods[1].start, absl::CivilDay(2026, 2, 1));
  EXPECT_EQ(totals->periods[1].manual_minutes, 120);
  // A window that ends at midnight China time leaves February out.
  query.before = China(2026, 2, 1, 0, 0);
  EXPECT_EQ(store_->GetTotals(query, absl::InfiniteFuture())->window.manual_minutes, 0);
}

}  // namespace
}  // namespace zhiyuan::storage
