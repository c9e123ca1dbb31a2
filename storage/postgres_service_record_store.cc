#include "storage/postgres_service_record_store.h"

#include <algorithm>
#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/pg_time.h"
#include "storage/postgres_event_store.h"
#include "storage/postgres_hour_rule_store.h"
#include "storage/prepared.h"
#include "storage/sql_array.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_MICROS(column) "(extract(epoch FROM " column ") * 1000000)::bigint"
#define ZY_TIME(micros) "('epoch'::timestamptz + " micros " * interval '1 microsecond')"
#define ZY_RECORD_COLUMNS \
  "volunteer_number, id, event_id, hour_class, state, method, " ZY_MICROS(                        \
      "check_in") ", " ZY_MICROS("check_out") ", auto_closed, raw_minutes, credited_minutes, "    \
                                              "coalesce(hour_rule_set_id, 0), " ZY_MICROS(        \
                                                  "close_due") ", recorder_token_id, "            \
                                                               "coalesce(verifier_token_id, 0), " \
                                                               "note, revision, " ZY_MICROS(      \
                                                                   "create_time") ", " ZY_MICROS( \
                                                                   "update_time")

// Batch reads. Volunteers are locked in number order, so that batches never deadlock; FOR NO KEY
// UPDATE leaves foreign-key checks (FOR KEY SHARE) of other tables alone.
constexpr char kLockVolunteersSql[] =
    "SELECT volunteer_number, delete_time IS NULL FROM volunteers "
    "WHERE volunteer_number = ANY($1::text[]) ORDER BY volunteer_number FOR NO KEY UPDATE";
// Batch reads run with generic plans (prepared once, never planned again), so each is written
// to have a good one whatever the table's size: pairs of keys are looked up one by one through
// their index (a LATERAL subquery per pair), never by a join whose plan depends on estimates.
constexpr char kReplaysSql[] =
    "SELECT k.v, k.c::text, x.record_id FROM unnest($1::text[], $2::uuid[]) AS k(v, c) "
    "CROSS JOIN LATERAL (SELECT record_id FROM service_record_revisions "
    "WHERE volunteer_number = k.v AND client_id = k.c) AS x";
constexpr char kBatchRecordsSql[] =
    "SELECT " ZY_RECORD_COLUMNS
    " FROM service_records WHERE volunteer_number = ANY($1::text[]) AND check_in >= " ZY_TIME(
        "$2::bigint") " UNION SELECT " ZY_RECORD_COLUMNS
                      " FROM service_records WHERE volunteer_number = ANY($1::text[]) AND state = "
                      "1 UNION SELECT " ZY_RECORD_COLUMNS
                      " FROM unnest($3::text[], $4::bigint[]) AS k(v, i) CROSS JOIN LATERAL "
                      "(SELECT * FROM service_records WHERE volunteer_number = k.v AND id = k.i) "
                      "AS service_records";
constexpr char kNewIdsSql[] =
    "SELECT nextval('service_record_id') FROM generate_series(1, $1::integer)";

// Batch writes: one statement each, whatever the batch's size. The 19 columns of a record, as
// arrays.
#define ZY_RECORD_ARRAYS                                                                       \
  "$1::text[], $2::bigint[], $3::bigint[], $4::smallint[], $5::smallint[], $6::smallint[], "   \
  "$7::bigint[], $8::bigint[], $9::boolean[], $10::integer[], $11::integer[], $12::bigint[], " \
  "$13::bigint[], $14::bigint[], $15::bigint[], $16::text[], $17::integer[], $18::bigint[], "  \
  "$19::bigint[]"
#define ZY_RECORD_ALIASES "v, i, e, hc, st, m, ci, co, ac, rm, cm, h, cd, rt, vt, n, rev, ct, ut"
constexpr char kInsertSql[] =
    "INSERT INTO service_records (volunteer_number, id, event_id, hour_class, state, method, "
    "check_in, check_out, auto_closed, raw_minutes, credited_minutes, hour_rule_set_id, "
    "close_due, recorder_token_id, verifier_token_id, note, revision, create_time, update_time) "
    "SELECT v, i, e, hc, st, m, " ZY_TIME("ci") ", " ZY_TIME("co") ", ac, rm, cm, nullif(h, 0), "
    ZY_TIME("cd") ", rt, nullif(vt, 0), n, rev, " ZY_TIME("ct") ", " ZY_TIME("ut") " "
    "FROM unnest(" ZY_RECORD_ARRAYS ") AS u(" ZY_RECORD_ALIASES ")";
constexpr char kUpdateSql[] =
    "UPDATE service_records r SET (event_id, hour_class, state, method, check_in, check_out, "
    "auto_closed, raw_minutes, credited_minutes, hour_rule_set_id, close_due, recorder_token_id, "
    "verifier_token_id, note, revision, update_time) = (u.e, u.hc, u.st, u.m, " ZY_TIME("u.ci")
    ", " ZY_TIME("u.co") ", u.ac, u.rm, u.cm, nullif(u.h, 0), " ZY_TIME("u.cd")
    ", u.rt, nullif(u.vt, 0), u.n, u.rev, " ZY_TIME("u.ut") ") "
    "FROM unnest(" ZY_RECORD_ARRAYS ") AS u(" ZY_RECORD_ALIASES ") "
    "WHERE r.volunteer_number = u.v AND r.id = u.i";
constexpr char kInsertRevisionsSql[] =
    "INSERT INTO service_record_revisions (volunteer_number, record_id, revision, change, "
    "event_id, state, check_in, check_out, auto_closed, raw_minutes, credited_minutes, "
    "hour_rule_set_id, verifier_token_id, note, actor_token_id, reason, client_id, create_time) "
    "SELECT v, i, rev, ch, e, st, " ZY_TIME("ci") ", " ZY_TIME("co")
    ", ac, rm, cm, nullif(h, 0), nullif(vt, 0), n, a, why, c, " ZY_TIME("t") " "
    "FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::smallint[], $5::bigint[], "
    "$6::smallint[], $7::bigint[], $8::bigint[], $9::boolean[], $10::integer[], $11::integer[], "
    "$12::bigint[], $13::bigint[], $14::text[], $15::bigint[], $16::text[], $17::uuid[], "
    "$18::bigint[]) AS u(v, i, rev, ch, e, st, ci, co, ac, rm, cm, h, vt, n, a, why, c, t)";
constexpr char kInsertAuditSql[] =
    "INSERT INTO audit_log (actor_token_id, method, resource, region_code, field_paths, peer, "
    "request_id) SELECT a, m, r, g, coalesce(string_to_array(nullif(f, ''), ','), '{}'), p, "
    "nullif(q, '')::uuid FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
    "$5::text[], $6::text[], $7::text[]) AS u(a, m, r, g, f, p, q)";

// Reads.
constexpr char kGetSql[] =
    "SELECT " ZY_RECORD_COLUMNS " FROM service_records WHERE volunteer_number = $1 AND id = $2";
// $1 volunteer ('' any), $2 event (0 any), $3 state (0 any), $4 and $5 the check-in window,
// $6 whether a page key follows, $7 and $8 the last key (check-in, id).
constexpr char kListSql[] =
    "SELECT " ZY_RECORD_COLUMNS
    " FROM service_records WHERE ($1 = '' OR volunteer_number = $1) "
    "AND ($2::bigint = 0 OR event_id = $2) AND ($3 = 0 OR state = $3) "
    "AND check_in >= " ZY_TIME("$4::bigint") " AND check_in < " ZY_TIME(
        "$5::bigint") " AND (NOT $6 OR (check_in, id) < (" ZY_TIME("$7::bigint") ", $8::bigint)) "
                      "ORDER BY check_in DESC, id DESC LIMIT $9";
constexpr char kRevisionsSql[] =
    "SELECT volunteer_number, record_id, revision, change, event_id, state, " ZY_MICROS(
        "check_in") ", " ZY_MICROS("check_out") ", auto_closed, raw_minutes, credited_minutes, "
                                                "coalesce(hour_rule_set_id, 0), "
                                                "coalesce(verifier_token_id, 0), note, "
                                                "actor_token_id, reason, "
                                                "coalesce(client_id::text, ''), " ZY_MICROS(
                                                    "create_time") " FROM service_record_revisions "
                                                                   "WHERE volunteer_number = $1 "
                                                                   "AND record_id = $2 ORDER BY "
                                                                   "revision";
constexpr char kDueSql[] =
    "SELECT volunteer_number, id FROM service_records WHERE state = 1 AND close_due <= " ZY_TIME(
        "$1::bigint") " ORDER BY close_due LIMIT $2";

// Corrections.
#define ZY_CORRECTION_COLUMNS \
  "volunteer_number, id, record_id, event_id, record_revision, " ZY_MICROS(                    \
      "check_in") ", " ZY_MICROS("check_out") ", withdraw, reason, state, requester_token_id, " \
                                              "coalesce(reviewer_token_id, 0), review_note, "   \
                                              "coalesce(client_id::text, ''), " ZY_MICROS(      \
                                                  "create_time") ", " ZY_MICROS("review_time")
constexpr char kCorrectionsByIdSql[] =
    "SELECT " ZY_CORRECTION_COLUMNS
    " FROM unnest($1::text[], $2::bigint[]) AS k(v, i) CROSS JOIN LATERAL "
    "(SELECT * FROM service_record_corrections WHERE volunteer_number = k.v AND id = k.i) "
    "AS service_record_corrections";
constexpr char kCorrectionReplaysSql[] =
    "SELECT k.v, k.c::text, x.id FROM unnest($1::text[], $2::uuid[]) AS k(v, c) "
    "CROSS JOIN LATERAL (SELECT id FROM service_record_corrections "
    "WHERE volunteer_number = k.v AND client_id = k.c) AS x";
constexpr char kNewCorrectionIdsSql[] =
    "SELECT nextval('service_record_correction_id') FROM generate_series(1, $1::integer)";
#define ZY_CORRECTION_ARRAYS                                                                 \
  "$1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::integer[], $6::bigint[], "      \
  "$7::bigint[], $8::boolean[], $9::text[], $10::smallint[], $11::bigint[], $12::bigint[], " \
  "$13::text[], $14::uuid[], $15::bigint[], $16::bigint[]"
constexpr char kInsertCorrectionsSql[] =
    "INSERT INTO service_record_corrections (volunteer_number, id, record_id, event_id, "
    "record_revision, check_in, check_out, withdraw, reason, state, requester_token_id, "
    "reviewer_token_id, review_note, client_id, create_time, review_time) "
    "SELECT v, i, r, e, rev, " ZY_TIME("ci") ", " ZY_TIME("co") ", w, why, st, rq, nullif(rv, 0), "
    "note, c, " ZY_TIME("ct") ", " ZY_TIME("rt") " FROM unnest(" ZY_CORRECTION_ARRAYS ") "
    "AS u(v, i, r, e, rev, ci, co, w, why, st, rq, rv, note, c, ct, rt)";
constexpr char kUpdateCorrectionsSql[] =
    "UPDATE service_record_corrections x SET (state, reviewer_token_id, review_note, review_time) "
    "= (u.st, nullif(u.rv, 0), u.note, " ZY_TIME(
        "u.rt") ") FROM unnest(" ZY_CORRECTION_ARRAYS
                ") "
                "AS u(v, i, r, e, rev, ci, co, w, why, st, rq, rv, note, c, ct, rt) "
                "WHERE x.volunteer_number = u.v AND x.id = u.i";
constexpr char kGetCorrectionSql[] =
    "SELECT " ZY_CORRECTION_COLUMNS
    " FROM service_record_corrections WHERE volunteer_number = $1 AND id = $2";
// $1 volunteer ('' any), $2 record (0 any), $3 event (0 any), $4 state (0 any), $5 after id.
constexpr char kListCorrectionsSql[] =
    "SELECT " ZY_CORRECTION_COLUMNS
    " FROM service_record_corrections WHERE ($1 = '' OR volunteer_number = $1) "
    "AND ($2::bigint = 0 OR record_id = $2) AND ($3::bigint = 0 OR event_id = $3) "
    "AND ($4 = 0 OR state = $4) AND id > $5 ORDER BY id LIMIT $6";

// Totals: credited minutes by class, in China time periods. $1 volunteer, $2 and $3 the window,
// $4 the period ('' none, 'month', 'year').
constexpr char kTotalsSql[] =
    "SELECT CASE WHEN $4 = '' THEN '' ELSE to_char(date_trunc($4, check_in AT TIME ZONE "
    "'Asia/Shanghai'), 'YYYY-MM-DD') END AS period, "
    "coalesce(sum(credited_minutes) FILTER (WHERE hour_class = 1), 0), "
    "coalesce(sum(credited_minutes) FILTER (WHERE hour_class = 2), 0), count(*) "
    "FROM service_records WHERE volunteer_number = $1 AND state = 2 "
    "AND check_in >= " ZY_TIME("$2::bigint") " AND check_in < " ZY_TIME(
        "$3::bigint") " GROUP BY 1 ORDER BY 1";
constexpr char kLifetimeSql[] =
    "SELECT coalesce(sum(credited_minutes), 0) FROM service_records "
    "WHERE volunteer_number = $1 AND state = 2";

#undef ZY_CORRECTION_ARRAYS
#undef ZY_CORRECTION_COLUMNS
#undef ZY_RECORD_ALIASES
#undef ZY_RECORD_ARRAYS
#undef ZY_RECORD_COLUMNS
#undef ZY_TIME
#undef ZY_MICROS

std::optional<absl::Time> OptionalTime(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return absl::FromUnixMicros(field.as<int64_t>());
}

std::optional<int64_t> OptionalMicros(const std::optional<absl::Time>& time) {
  if (!time.has_value()) return std::nullopt;
  return absl::ToUnixMicros(*time);
}

ServiceRecord FromRow(const pqxx::row& row) {
  ServiceRecord record;
  record.volunteer_number = row[0].as<std::string>();
  record.id = row[1].as<int64_t>();
  record.event_id = row[2].as<int64_t>();
  record.hour_class = static_cast<HourClass>(row[3].as<int>());
  record.state = static_cast<RecordState>(row[4].as<int>());
  record.method = static_cast<RecordMethod>(row[5].as<int>());
  record.check_in = absl::FromUnixMicros(row[6].as<int64_t>());
  record.check_out = OptionalTime(row[7]);
  record.auto_closed = row[8].as<bool>();
  record.raw_minutes = row[9].as<int64_t>();
  record.credited_minutes = row[10].as<int64_t>();
  record.hour_rule_set_id = row[11].as<int64_t>();
  record.close_due = OptionalTime(row[12]);
  record.recorder_token_id = row[13].as<int64_t>();
  record.verifier_token_id = row[14].as<int64_t>();
  record.note = row[15].as<std::string>();
  record.revision = row[16].as<int64_t>();
  record.create_time = absl::FromUnixMicros(row[17].as<int64_t>());
  record.update_time = absl::FromUnixMicros(row[18].as<int64_t>());
  return record;
}

// Several writes as one statement (data-modifying CTEs), so that a batch's writes cost one
// round trip: each part keeps its own parameters, renumbered after the parts before it.
class CombinedWrite {
 public:
  // Adds `sql`, whose parameters are numbered from $1, with `params`. With `expected_rows` set,
  // the part's rows are counted, and a different count fails the batch.
  void Add(absl::string_view sql, std::vector<std::string> params,
           std::optional<size_t> expected_rows = std::nullopt) {
    const size_t offset = params_.size();
    std::string renumbered;
    for (size_t i = 0; i < sql.size(); ++i) {
      if (sql[i] != '$' || i + 1 >= sql.size() || !absl::ascii_isdigit(sql[i + 1])) {
        renumbered += sql[i];
        continue;
      }
      size_t end = i + 1;
      while (end < sql.size() && absl::ascii_isdigit(sql[end])) ++end;
      size_t number = 0;
      (void)absl::SimpleAtoi(sql.substr(i + 1, end - i - 1), &number);
      absl::StrAppend(&renumbered, "$", number + offset);
      i = end - 1;
    }
    const std::string name = absl::StrCat("w", parts_);
    absl::StrAppend(&with_, parts_ == 0 ? "WITH " : ", ", name, " AS (", renumbered,
                    expected_rows.has_value() ? " RETURNING 1" : "", ")");
    if (expected_rows.has_value()) {
      absl::StrAppend(&counts_, counted_.empty() ? "" : ", ", "(SELECT count(*) FROM ", name, ")");
      counted_.push_back(*expected_rows);
    }
    ++parts_;
    for (std::string& param : params) params_.push_back(std::move(param));
  }

  absl::Status Exec(pqxx::transaction_base& txn) const {
    if (parts_ == 0) return absl::OkStatus();
    const std::string sql =
        absl::StrCat(with_, " SELECT ", counted_.empty() ? std::string("1") : counts_);
    const std::string name = absl::StrCat("zy_", absl::Hash<std::string>()(sql));
    txn.conn().prepare(name, sql);
    const pqxx::row row = txn.exec_prepared1(name, pqxx::prepare::make_dynamic_params(params_));
    for (size_t i = 0; i < counted_.size(); ++i) {
      if (row[static_cast<int>(i)].as<size_t>() != counted_[i]) {
        // The volunteers' locks keep their records still: this is a bug, not a race.
        return absl::InternalError("a service record changed under its volunteer's lock");
      }
    }
    return absl::OkStatus();
  }

 private:
  int parts_ = 0;
  std::string with_;
  std::string counts_;
  std::vector<size_t> counted_;
  std::vector<std::string> params_;
};

Correction CorrectionFromRow(const pqxx::row& row) {
  Correction c;
  c.volunteer_number = row[0].as<std::string>();
  c.id = row[1].as<int64_t>();
  c.record_id = row[2].as<int64_t>();
  c.event_id = row[3].as<int64_t>();
  c.record_revision = row[4].as<int64_t>();
  c.check_in = OptionalTime(row[5]);
  c.check_out = OptionalTime(row[6]);
  c.withdraw = row[7].as<bool>();
  c.reason = row[8].as<std::string>();
  c.state = static_cast<CorrectionState>(row[9].as<int>());
  c.requester_token_id = row[10].as<int64_t>();
  c.reviewer_token_id = row[11].as<int64_t>();
  c.review_note = row[12].as<std::string>();
  c.client_id = row[13].as<std::string>();
  c.create_time = absl::FromUnixMicros(row[14].as<int64_t>());
  c.review_time = OptionalTime(row[15]);
  return c;
}

void AddCorrections(CombinedWrite& write, const char* sql,
                    const std::vector<Correction>& corrections) {
  if (corrections.empty()) return;
  SqlArray volunteer, id, record, event, revision, check_in, check_out, withdraw, reason, state,
      requester, reviewer, note, client_id, created, reviewed;
  for (const Correction& c : corrections) {
    volunteer.Add(absl::string_view(c.volunteer_number));
    id.Add(c.id);
    record.Add(c.record_id);
    event.Add(c.event_id);
    revision.Add(c.record_revision);
    check_in.Add(OptionalMicros(c.check_in));
    check_out.Add(OptionalMicros(c.check_out));
    withdraw.Add(c.withdraw);
    reason.Add(absl::string_view(c.reason));
    state.Add(static_cast<int64_t>(c.state));
    requester.Add(c.requester_token_id);
    reviewer.Add(c.reviewer_token_id);
    note.Add(absl::string_view(c.review_note));
    if (c.client_id.empty()) {
      client_id.AddNull();
    } else {
      client_id.Add(absl::string_view(c.client_id));
    }
    created.Add(absl::ToUnixMicros(c.create_time));
    reviewed.Add(OptionalMicros(c.review_time));
  }
  write.Add(sql,
            {volunteer.str(), id.str(), record.str(), event.str(), revision.str(), check_in.str(),
             check_out.str(), withdraw.str(), reason.str(), state.str(), requester.str(),
             reviewer.str(), note.str(), client_id.str(), created.str(), reviewed.str()});
}

// The 17 columns of kInsertSql and kUpdateSql.
struct RecordColumns {
  SqlArray volunteer, id, event, hour_class, state, method, check_in, check_out, auto_closed,
      raw_minutes, credited_minutes, rules, close_due, recorder, verifier, note, revision,
      create_time, update_time;

  void Add(const ServiceRecord& r) {
    volunteer.Add(absl::string_view(r.volunteer_number));
    id.Add(r.id);
    event.Add(r.event_id);
    hour_class.Add(static_cast<int64_t>(r.hour_class));
    state.Add(static_cast<int64_t>(r.state));
    method.Add(static_cast<int64_t>(r.method));
    check_in.Add(absl::ToUnixMicros(r.check_in));
    check_out.Add(OptionalMicros(r.check_out));
    auto_closed.Add(r.auto_closed);
    raw_minutes.Add(r.raw_minutes);
    credited_minutes.Add(r.credited_minutes);
    rules.Add(r.hour_rule_set_id);
    close_due.Add(OptionalMicros(r.close_due));
    recorder.Add(r.recorder_token_id);
    verifier.Add(r.verifier_token_id);
    note.Add(absl::string_view(r.note));
    revision.Add(r.revision);
    create_time.Add(absl::ToUnixMicros(r.create_time));
    update_time.Add(absl::ToUnixMicros(r.update_time));
  }

  std::vector<std::string> Params() const {
    return {volunteer.str(),
            id.str(),
            event.str(),
            hour_class.str(),
            state.str(),
            method.str(),
            check_in.str(),
            check_out.str(),
            auto_closed.str(),
            raw_minutes.str(),
            credited_minutes.str(),
            rules.str(),
            close_due.str(),
            recorder.str(),
            verifier.str(),
            note.str(),
            revision.str(),
            create_time.str(),
            update_time.str()};
  }
};

// Writes `records` with `sql`, every one of them.
void AddRecords(CombinedWrite& write, const char* sql, const std::vector<ServiceRecord>& records) {
  if (records.empty()) return;
  RecordColumns columns;
  for (const ServiceRecord& record : records) columns.Add(record);
  write.Add(sql, columns.Params(), records.size());
}

void AddRevisions(CombinedWrite& write, const std::vector<RecordRevision>& revisions) {
  if (revisions.empty()) return;
  SqlArray volunteer, id, revision, change, event, state, check_in, check_out, auto_closed,
      raw_minutes, credited_minutes, rules, verifier, note, actor, reason, client_id, time;
  for (const RecordRevision& rev : revisions) {
    const ServiceRecord& r = rev.record;
    volunteer.Add(absl::string_view(r.volunteer_number));
    id.Add(r.id);
    revision.Add(r.revision);
    change.Add(static_cast<int64_t>(rev.change));
    event.Add(r.event_id);
    state.Add(static_cast<int64_t>(r.state));
    check_in.Add(absl::ToUnixMicros(r.check_in));
    check_out.Add(OptionalMicros(r.check_out));
    auto_closed.Add(r.auto_closed);
    raw_minutes.Add(r.raw_minutes);
    credited_minutes.Add(r.credited_minutes);
    rules.Add(r.hour_rule_set_id);
    verifier.Add(r.verifier_token_id);
    note.Add(absl::string_view(r.note));
    actor.Add(rev.actor_token_id);
    reason.Add(absl::string_view(rev.reason));
    if (rev.client_id.empty()) {
      client_id.AddNull();
    } else {
      client_id.Add(absl::string_view(rev.client_id));
    }
    time.Add(absl::ToUnixMicros(rev.time));
  }
  write.Add(kInsertRevisionsSql,
            {volunteer.str(), id.str(), revision.str(), change.str(), event.str(), state.str(),
             check_in.str(), check_out.str(), auto_closed.str(), raw_minutes.str(),
             credited_minutes.str(), rules.str(), verifier.str(), note.str(), actor.str(),
             reason.str(), client_id.str(), time.str()});
}

void AddAudit(CombinedWrite& write, const std::vector<AuditAppend>& entries) {
  if (entries.empty()) return;
  SqlArray actor, method, resource, region, fields, peer, request;
  for (const AuditAppend& a : entries) {
    actor.Add(a.entry.actor_token_id);
    method.Add(absl::string_view(a.entry.method));
    resource.Add(absl::string_view(a.resource));
    region.Add(absl::string_view(a.region_code));
    // Field paths are proto field names: no commas in them.
    fields.Add(absl::string_view(absl::StrJoin(a.entry.field_paths, ",")));
    peer.Add(absl::string_view(a.entry.peer));
    request.Add(absl::string_view(a.entry.request_id));
  }
  write.Add(kInsertAuditSql, {actor.str(), method.str(), resource.str(), region.str(), fields.str(),
                              peer.str(), request.str()});
}

// Reads what a batch needs, under the volunteers' locks.
RecordBatchState ReadBatch(pqxx::transaction_base& txn, const RecordBatchKeys& keys) {
  RecordBatchState state;
  SqlArray volunteers;
  for (const std::string& number : keys.volunteer_numbers) volunteers.Add(number);
  for (const pqxx::row& row : ExecPrepared(txn, kLockVolunteersSql, volunteers.str())) {
    if (row[1].as<bool>()) state.live_volunteers.insert(row[0].as<std::string>());
  }

  SqlArray events;
  for (const int64_t id : keys.event_ids) events.Add(id);
  // FOR SHARE: an event's status and schedule stay as read until the batch commits.
  static const std::string events_sql =
      absl::StrCat("SELECT ", kEventColumns, " FROM events WHERE id = ANY($1::bigint[]) FOR SHARE");
  absl::flat_hash_set<std::string> regions;
  for (const pqxx::row& row : ExecPrepared(txn, events_sql, events.str())) {
    Event event = EventFromRow(row);
    regions.insert(event.region_code);
    state.events.emplace(event.id, std::move(event));
  }
  // The rules in force per region: the longest region code that begins it, its newest version.
  static const std::string effective_sql = absl::StrCat(
      "SELECT DISTINCT ON (k.code) ", kHourRuleColumns, ", k.code",
      " FROM unnest($1::text[]) AS k(code) JOIN hour_rule_sets ON k.code LIKE region_code || '%' "
      "ORDER BY k.code, length(region_code) DESC, version DESC");
  SqlArray region_codes;
  for (const std::string& code : regions) region_codes.Add(absl::string_view(code));
  for (const pqxx::row& row : ExecPrepared(txn, effective_sql, region_codes.str())) {
    HourRuleSet rules = HourRuleSetFromRow(row);  // The code comes after its columns.
    state.rules_by_id.emplace(rules.id, rules);
    state.rules_by_region.emplace(row[row.size() - 1].as<std::string>(), std::move(rules));
  }

  SqlArray replay_volunteers, replay_clients;
  for (const auto& [number, client_id] : keys.client_ids) {
    replay_volunteers.Add(absl::string_view(number));
    replay_clients.Add(absl::string_view(client_id));
  }
  std::vector<std::pair<std::string, int64_t>> keys_corrections = keys.correction_ids;
  SqlArray named_volunteers, named_ids;
  for (const auto& [number, id] : keys.record_ids) {
    named_volunteers.Add(absl::string_view(number));
    named_ids.Add(id);
  }
  if (!keys.client_ids.empty()) {
    for (const pqxx::row& row :
         ExecPrepared(txn, kReplaysSql, replay_volunteers.str(), replay_clients.str())) {
      const int64_t record_id = row[2].as<int64_t>();
      state.replays[{row[0].as<std::string>(), row[1].as<std::string>()}] = record_id;
      named_volunteers.Add(row[0].as<std::string>());
      named_ids.Add(record_id);
    }
  }
  if (keys.new_corrections > 0) {
    for (const pqxx::row& row :
         ExecPrepared(txn, kCorrectionReplaysSql, replay_volunteers.str(), replay_clients.str())) {
      state.correction_replays[{row[0].as<std::string>(), row[1].as<std::string>()}] =
          row[2].as<int64_t>();
      keys_corrections.emplace_back(row[0].as<std::string>(), row[2].as<int64_t>());
    }
  }
  if (!keys_corrections.empty()) {
    SqlArray correction_volunteers, correction_ids;
    for (const auto& [number, id] : keys_corrections) {
      correction_volunteers.Add(absl::string_view(number));
      correction_ids.Add(id);
    }
    for (const pqxx::row& row : ExecPrepared(txn, kCorrectionsByIdSql, correction_volunteers.str(),
                                             correction_ids.str())) {
      Correction correction = CorrectionFromRow(row);
      // Its record is read too.
      named_volunteers.Add(absl::string_view(correction.volunteer_number));
      named_ids.Add(correction.record_id);
      state.corrections[{correction.volunteer_number, correction.id}] = std::move(correction);
    }
  }
  if (keys.new_corrections > 0) {
    for (const pqxx::row& row : ExecPrepared(txn, kNewCorrectionIdsSql, keys.new_corrections)) {
      state.new_correction_ids.push_back(row[0].as<int64_t>());
    }
  }
  const int64_t records_from = ClampedMicros(keys.records_from);
  absl::flat_hash_set<int64_t> rule_ids;
  for (const int64_t id : keys.rule_set_ids) {
    if (!state.rules_by_id.contains(id)) rule_ids.insert(id);
  }
  for (const pqxx::row& row : ExecPrepared(txn, kBatchRecordsSql, volunteers.str(), records_from,
                                           named_volunteers.str(), named_ids.str())) {
    ServiceRecord record = FromRow(row);
    if (record.hour_rule_set_id != 0 && !state.rules_by_id.contains(record.hour_rule_set_id)) {
      rule_ids.insert(record.hour_rule_set_id);
    }
    state.records[record.volunteer_number].push_back(std::move(record));
  }
  // The events of open records (to close them) and of named ones (to review or correct them).
  absl::flat_hash_set<std::pair<std::string, int64_t>> named(keys.record_ids.begin(),
                                                             keys.record_ids.end());
  for (const auto& [key, correction] : state.corrections) {
    named.insert({correction.volunteer_number, correction.record_id});
  }
  SqlArray more_events;
  bool any_more = false;
  for (const auto& [number, records] : state.records) {
    for (const ServiceRecord& record : records) {
      if (!state.events.contains(record.event_id) &&
          (record.state == RecordState::kOpen || named.contains({number, record.id}))) {
        more_events.Add(record.event_id);
        any_more = true;
      }
    }
  }
  if (any_more) {
    for (const pqxx::row& row : ExecPrepared(txn, events_sql, more_events.str())) {
      Event event = EventFromRow(row);
      state.events.emplace(event.id, std::move(event));
    }
  }
  if (!rule_ids.empty()) {
    SqlArray ids;
    for (const int64_t id : rule_ids) ids.Add(id);
    static const std::string rules_sql = absl::StrCat(
        "SELECT ", kHourRuleColumns, " FROM hour_rule_sets WHERE id = ANY($1::bigint[])");
    for (const pqxx::row& row : ExecPrepared(txn, rules_sql, ids.str())) {
      HourRuleSet rules = HourRuleSetFromRow(row);
      state.rules_by_id.emplace(rules.id, std::move(rules));
    }
  }
  return state;
}

absl::Status NotFound(const std::string& volunteer_number, int64_t id) {
  return absl::NotFoundError(
      absl::StrCat("volunteers/", volunteer_number, "/serviceRecords/", id, " does not exist"));
}

}  // namespace

absl::Status PostgresServiceRecordStore::ApplyBatch(
    const RecordBatchKeys& keys,
    absl::FunctionRef<absl::StatusOr<RecordBatchWrites>(const RecordBatchState&)> plan,
    absl::Time deadline) {
  return RunTransaction(pool_, deadline, "writing service records", Access::kReadWrite,
                        [&](pqxx::transaction_base& txn) -> absl::Status {
                          // Every statement of a batch is prepared with a plan made once per
                          // connection (see
                          // kReplaysSql); PostgreSQL makes it again when the tables' statistics
                          // change.
                          txn.exec0("SET LOCAL plan_cache_mode = force_generic_plan");
                          RecordBatchState state = ReadBatch(txn, keys);
                          state.new_ids = TakeIds(txn, keys.new_records);
                          ZY_ASSIGN_OR_RETURN(const RecordBatchWrites writes, plan(state));
                          // The record rows come first: the revisions' and corrections'
                          // foreign keys are checked at the end of the statement.
                          CombinedWrite write;
                          AddRecords(write, kInsertSql, writes.inserts);
                          AddRecords(write, kUpdateSql, writes.updates);
                          AddRevisions(write, writes.revisions);
                          AddCorrections(write, kInsertCorrectionsSql, writes.correction_inserts);
                          AddCorrections(write, kUpdateCorrectionsSql, writes.correction_updates);
                          AddAudit(write, writes.audit);
                          return write.Exec(txn);
                        });
}

std::vector<int64_t> PostgresServiceRecordStore::TakeIds(pqxx::transaction_base& txn, int count) {
  std::vector<int64_t> ids;
  if (count <= 0) return ids;
  {
    absl::MutexLock lock(&ids_mu_);
    if (static_cast<int>(spare_ids_.size()) >= count) {
      ids.assign(spare_ids_.end() - count, spare_ids_.end());
      spare_ids_.resize(spare_ids_.size() - count);
      return ids;
    }
  }
  // Sequence values are never given back, even by a rollback: what this batch does not use
  // stays for the next ones.
  std::vector<int64_t> taken;
  for (const pqxx::row& row : ExecPrepared(txn, kNewIdsSql, std::max(count, kIdBlock))) {
    taken.push_back(row[0].as<int64_t>());
  }
  ids.assign(taken.begin(), taken.begin() + count);
  absl::MutexLock lock(&ids_mu_);
  spare_ids_.insert(spare_ids_.end(), taken.begin() + count, taken.end());
  return ids;
}

absl::StatusOr<ServiceRecord> PostgresServiceRecordStore::Get(const std::string& volunteer_number,
                                                              int64_t id, absl::Time deadline) {
  ServiceRecord record;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a service record", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows =
                                          txn.exec_params(kGetSql, volunteer_number, id);
                                      if (rows.empty()) return NotFound(volunteer_number, id);
                                      record = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return record;
}

absl::StatusOr<std::vector<ServiceRecord>> PostgresServiceRecordStore::List(
    const RecordQuery& query, absl::Time deadline) {
  std::vector<ServiceRecord> records;
  const int64_t from = ClampedMicros(query.check_in_from);
  const int64_t before = ClampedMicros(query.check_in_before);
  const bool paged = query.after.has_value();
  const int64_t after_time = paged ? absl::ToUnixMicros(query.after->first) : 0;
  const int64_t after_id = paged ? query.after->second : 0;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing service records", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListSql, query.volunteer_number, query.event_id, query.state, from,
                             before, paged, after_time, after_id, query.limit)) {
          records.push_back(FromRow(row));
        }
        return absl::OkStatus();
      }));
  return records;
}

absl::StatusOr<std::vector<RecordRevision>> PostgresServiceRecordStore::Revisions(
    const std::string& volunteer_number, int64_t id, absl::Time deadline) {
  std::vector<RecordRevision> revisions;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "reading a service record's revisions", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row : txn.exec_params(kRevisionsSql, volunteer_number, id)) {
          RecordRevision& rev = revisions.emplace_back();
          ServiceRecord& r = rev.record;
          r.volunteer_number = row[0].as<std::string>();
          r.id = row[1].as<int64_t>();
          r.revision = row[2].as<int64_t>();
          rev.change = static_cast<RevisionChange>(row[3].as<int>());
          r.event_id = row[4].as<int64_t>();
          r.state = static_cast<RecordState>(row[5].as<int>());
          r.check_in = absl::FromUnixMicros(row[6].as<int64_t>());
          r.check_out = OptionalTime(row[7]);
          r.auto_closed = row[8].as<bool>();
          r.raw_minutes = row[9].as<int64_t>();
          r.credited_minutes = row[10].as<int64_t>();
          r.hour_rule_set_id = row[11].as<int64_t>();
          r.verifier_token_id = row[12].as<int64_t>();
          r.note = row[13].as<std::string>();
          rev.actor_token_id = row[14].as<int64_t>();
          rev.reason = row[15].as<std::string>();
          rev.client_id = row[16].as<std::string>();
          rev.time = absl::FromUnixMicros(row[17].as<int64_t>());
        }
        if (revisions.empty()) return NotFound(volunteer_number, id);
        return absl::OkStatus();
      }));
  return revisions;
}

absl::StatusOr<Correction> PostgresServiceRecordStore::GetCorrection(
    const std::string& volunteer_number, int64_t id, absl::Time deadline) {
  Correction correction;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "reading a correction", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        const pqxx::result rows = txn.exec_params(kGetCorrectionSql, volunteer_number, id);
        if (rows.empty()) {
          return absl::NotFoundError(absl::StrCat("volunteers/", volunteer_number,
                                                  "/serviceRecords/-/corrections/", id,
                                                  " does not exist"));
        }
        correction = CorrectionFromRow(rows[0]);
        return absl::OkStatus();
      }));
  return correction;
}

absl::StatusOr<std::vector<Correction>> PostgresServiceRecordStore::ListCorrections(
    const CorrectionQuery& query, absl::Time deadline) {
  std::vector<Correction> corrections;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing corrections", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListCorrectionsSql, query.volunteer_number, query.record_id,
                             query.event_id, query.state, query.after_id, query.limit)) {
          corrections.push_back(CorrectionFromRow(row));
        }
        return absl::OkStatus();
      }));
  return corrections;
}

absl::StatusOr<Totals> PostgresServiceRecordStore::GetTotals(const TotalsQuery& query,
                                                             absl::Time deadline) {
  Totals totals;
  const int64_t from = ClampedMicros(query.from);
  const int64_t before = ClampedMicros(query.before);
  auto read = [&](pqxx::transaction_base& txn, const std::string& period,
                  std::vector<TotalsRow>& rows) {
    for (const pqxx::row& row :
         txn.exec_params(kTotalsSql, query.volunteer_number, from, before, period)) {
      TotalsRow& out = rows.emplace_back();
      absl::ParseCivilTime(row[0].as<std::string>(), &out.start);
      out.attendance_minutes = row[1].as<int64_t>();
      out.manual_minutes = row[2].as<int64_t>();
      out.record_count = row[3].as<int64_t>();
    }
  };
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "totalling service records", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        std::vector<TotalsRow> window;
        read(txn, "", window);
        if (!window.empty()) totals.window = window[0];
        if (query.period != TotalsQuery::Period::kNone) {
          read(txn, query.period == TotalsQuery::Period::kMonth ? "month" : "year", totals.periods);
        }
        totals.lifetime_minutes =
            txn.exec_params1(kLifetimeSql, query.volunteer_number)[0].as<int64_t>();
        return absl::OkStatus();
      }));
  return totals;
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>>
PostgresServiceRecordStore::DueForClose(absl::Time now, int limit, absl::Time deadline) {
  std::vector<std::pair<std::string, int64_t>> due;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "finding forgotten check-outs", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row : txn.exec_params(kDueSql, absl::ToUnixMicros(now), limit)) {
          due.emplace_back(row[0].as<std::string>(), row[1].as<int64_t>());
        }
        return absl::OkStatus();
      }));
  return due;
}

}  // namespace zhiyuan::storage
