#include "storage/postgres_event_store.h"

#include <algorithm>
#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/pg_time.h"
#include "storage/postgres_audit_log.h"
#include "storage/revision.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_MICROS(column) "(extract(epoch FROM " column ") * 1000000)::bigint"
#define ZY_EVENT_COLUMNS \
  "id, title, organizer_team_id, region_code, coalesce(program_id, 0), coalesce(post_id, 0), " \
  "coalesce(practice_unit_id, 0), location, latitude, longitude, " ZY_MICROS(                  \
      "start_time") ", " ZY_MICROS("end_time") ", capacity, category, status, "                \
                                               "coalesce(headcount, 0), "                      \
                                               "coalesce(headcount_qualifier, 0), "            \
                                               "coalesce(audience, 0), "                       \
                                               "coalesce(audience_qualifier, 0), revision, "   \
      ZY_MICROS("create_time") ", " ZY_MICROS("update_time") ", " ZY_MICROS("delete_time")

constexpr char kGetSql[] = "SELECT " ZY_EVENT_COLUMNS " FROM events WHERE id = $1";
constexpr char kLockSql[] = "SELECT " ZY_EVENT_COLUMNS " FROM events WHERE id = $1 FOR UPDATE";
constexpr char kByRequestSql[] =
    "SELECT " ZY_EVENT_COLUMNS " FROM events WHERE create_request_id = $1::uuid";
// $1 region prefix, $2 program, $3 team, $4 post, $5 unit, $6 status (0: any), $7 and $8 the
// start window in microseconds, $9 show deleted.
#define ZY_EVENT_FILTER                                                                     \
  " FROM events WHERE ($1 = '' OR region_code LIKE $1 || '%') "                             \
  "AND ($2::bigint = 0 OR program_id = $2) AND ($3::bigint = 0 OR organizer_team_id = $3) " \
  "AND ($4::bigint = 0 OR post_id = $4) AND ($5::bigint = 0 OR practice_unit_id = $5) "     \
  "AND ($6 = 0 OR status = $6) "                                                            \
  "AND start_time >= 'epoch'::timestamptz + $7 * interval '1 microsecond' "                 \
  "AND start_time < 'epoch'::timestamptz + $8 * interval '1 microsecond' "                  \
  "AND ($9 OR delete_time IS NULL)"
constexpr char kListSql[] =
    "SELECT " ZY_EVENT_COLUMNS ZY_EVENT_FILTER " AND id > $10 ORDER BY id LIMIT $11";
constexpr char kCountSql[] = "SELECT count(*)" ZY_EVENT_FILTER;
constexpr char kRegionExistsSql[] = "SELECT 1 FROM regions WHERE code = $1";
// Locked, so that "not deleted" holds until commit: a concurrent delete waits for it.
constexpr char kLiveTeamSql[] =
    "SELECT 1 FROM teams WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kLiveProgramSql[] =
    "SELECT 1 FROM programs WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kLivePostSql[] =
    "SELECT region_code FROM posts WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kLiveUnitSql[] =
    "SELECT region_code FROM practice_units WHERE id = $1 AND delete_time IS NULL FOR SHARE";
#define ZY_EVENT_VALUES                                                                           \
  "$1, $2::bigint, $3, nullif($4::bigint, 0), nullif($5::bigint, 0), nullif($6::bigint, 0), $7, " \
  "nullif($8, '')::float8, "                                                                      \
  "nullif($9, '')::float8, "                                                                      \
  "'epoch'::timestamptz + $10 * interval '1 microsecond', "                                       \
  "'epoch'::timestamptz + $11 * interval '1 microsecond', $12, $13, $14, "                        \
  "CASE WHEN $16 = 0 THEN NULL ELSE $15::bigint END, nullif($16::bigint, 0), "                    \
  "CASE WHEN $18 = 0 THEN NULL ELSE $17::bigint END, nullif($18::bigint, 0)"
constexpr char kInsertSql[] =
    "INSERT INTO events (title, organizer_team_id, region_code, program_id, post_id, "
    "practice_unit_id, location, latitude, longitude, start_time, end_time, capacity, category, "
    "status, headcount, headcount_qualifier, audience, audience_qualifier, create_request_id) "
    "VALUES (" ZY_EVENT_VALUES
    ", nullif($19, '')::uuid) "
    "ON CONFLICT (create_request_id) DO NOTHING RETURNING " ZY_EVENT_COLUMNS;
constexpr char kUpdateSql[] =
    "UPDATE events SET (title, organizer_team_id, region_code, program_id, post_id, "
    "practice_unit_id, location, latitude, longitude, start_time, end_time, capacity, category, "
    "status, headcount, headcount_qualifier, audience, audience_qualifier) = "
    "(" ZY_EVENT_VALUES
    "), revision = revision + 1, update_time = now() "
    "WHERE id = $19 RETURNING " ZY_EVENT_COLUMNS;
// Whether an event has service records (an index probe on service_records_event).
constexpr char kHasRecordsSql[] = "SELECT 1 FROM service_records WHERE event_id = $1 LIMIT 1";
constexpr char kDeleteSql[] =
    "UPDATE events SET delete_time = now(), update_time = now(), revision = revision + 1 "
    "WHERE id = $1 RETURNING " ZY_EVENT_COLUMNS;

}  // namespace

const char kEventColumns[] = ZY_EVENT_COLUMNS;

#undef ZY_EVENT_VALUES
#undef ZY_EVENT_FILTER
#undef ZY_EVENT_COLUMNS
#undef ZY_MICROS

Event EventFromRow(const pqxx::row& row) {
  Event event;
  event.id = row[0].as<int64_t>();
  event.title = row[1].as<std::string>();
  event.team_id = row[2].as<int64_t>();
  event.region_code = row[3].as<std::string>();
  event.program_id = row[4].as<int64_t>();
  event.post_id = row[5].as<int64_t>();
  event.practice_unit_id = row[6].as<int64_t>();
  event.location = row[7].as<std::string>();
  if (!row[8].is_null()) event.coordinates = {row[8].as<double>(), row[9].as<double>()};
  event.start_time = absl::FromUnixMicros(row[10].as<int64_t>());
  event.end_time = absl::FromUnixMicros(row[11].as<int64_t>());
  event.capacity = row[12].as<int>();
  event.category = row[13].as<int>();
  event.status = row[14].as<int>();
  event.headcount = {row[15].as<int64_t>(), row[16].as<int>()};
  event.audience = {row[17].as<int64_t>(), row[18].as<int>()};
  event.revision = row[19].as<int64_t>();
  event.create_time = absl::FromUnixMicros(row[20].as<int64_t>());
  event.update_time = absl::FromUnixMicros(row[21].as<int64_t>());
  if (!row[22].is_null()) event.delete_time = absl::FromUnixMicros(row[22].as<int64_t>());
  return event;
}

namespace {

Event FromRow(const pqxx::row& row) { return EventFromRow(row); }

std::string Name(int64_t id) { return absl::StrCat("events/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
}

absl::Status Missing(absl::string_view name) {
  return absl::FailedPreconditionError(absl::StrCat(name, " does not exist or is deleted"));
}

// A place (post or unit) of an event must exist and lie in the event's region.
absl::Status CheckPlace(pqxx::transaction_base& txn, const char* sql, absl::string_view collection,
                        int64_t id, const std::string& region_code) {
  if (id == 0) return absl::OkStatus();
  const pqxx::result rows = txn.exec_params(sql, id);
  if (rows.empty()) return Missing(absl::StrCat(collection, "/", id));
  if (!absl::StartsWith(rows[0][0].as<std::string>(), region_code)) {
    return absl::FailedPreconditionError(absl::StrCat(collection, "/", id,
                                                      " is not within the event's region "
                                                      "regions/",
                                                      region_code));
  }
  return absl::OkStatus();
}

// The references `event` holds that `before` did not (all of them for a new event) are live.
absl::Status CheckReferences(pqxx::transaction_base& txn, const Event& event, const Event* before) {
  if (before == nullptr) {
    if (txn.exec_params(kRegionExistsSql, event.region_code).empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("regions/", event.region_code, " does not exist"));
    }
    if (txn.exec_params(kLiveTeamSql, event.team_id).empty()) {
      return Missing(absl::StrCat("teams/", event.team_id));
    }
  }
  if (event.program_id != 0 && (before == nullptr || before->program_id != event.program_id) &&
      txn.exec_params(kLiveProgramSql, event.program_id).empty()) {
    return Missing(absl::StrCat("programs/", event.program_id));
  }
  if (before == nullptr || before->post_id != event.post_id) {
    ZY_RETURN_IF_ERROR(CheckPlace(txn, kLivePostSql, "posts", event.post_id, event.region_code));
  }
  if (before == nullptr || before->practice_unit_id != event.practice_unit_id) {
    ZY_RETURN_IF_ERROR(
        CheckPlace(txn, kLiveUnitSql, "practiceUnits", event.practice_unit_id, event.region_code));
  }
  return absl::OkStatus();
}

absl::StatusOr<Event> LockForChange(pqxx::transaction_base& txn, int64_t id,
                                    std::optional<int64_t> expected_revision) {
  const pqxx::result rows = txn.exec_params(kLockSql, id);
  if (rows.empty()) return NotFound(id);
  Event event = FromRow(rows[0]);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), event.revision, expected_revision));
  return event;
}

// The values of kInsertSql and kUpdateSql, $1 to $18.
template <typename... Rest>
pqxx::result Exec(pqxx::transaction_base& txn, const char* sql, const Event& e, Rest&&... rest) {
  // Coordinates go as text, every digit kept; "" for none.
  const std::string latitude =
      e.coordinates ? absl::StrFormat("%.17g", e.coordinates->first) : std::string();
  const std::string longitude =
      e.coordinates ? absl::StrFormat("%.17g", e.coordinates->second) : std::string();
  return txn.exec_params(sql, e.title, e.team_id, e.region_code, e.program_id, e.post_id,
                         e.practice_unit_id, e.location, latitude, longitude,
                         absl::ToUnixMicros(e.start_time), absl::ToUnixMicros(e.end_time),
                         e.capacity, e.category, e.status, e.headcount.value, e.headcount.qualifier,
                         e.audience.value, e.audience.qualifier, std::forward<Rest>(rest)...);
}

}  // namespace

absl::StatusOr<Event> PostgresEventStore::Get(int64_t id, absl::Time deadline) {
  Event event;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading an event", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, id);
                                      if (rows.empty()) return NotFound(id);
                                      event = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return event;
}

absl::StatusOr<EventPage> PostgresEventStore::List(const EventQuery& query, absl::Time deadline) {
  EventPage page;
  const int64_t from = ClampedMicros(query.start_from);
  const int64_t before = ClampedMicros(query.start_before);
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing events", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListSql, query.region_code, query.program_id, query.team_id,
                             query.post_id, query.practice_unit_id, query.status, from, before,
                             query.show_deleted, query.after_id, query.limit)) {
          page.events.push_back(FromRow(row));
        }
        page.total = txn.exec_params1(kCountSql, query.region_code, query.program_id, query.team_id,
                                      query.post_id, query.practice_unit_id, query.status, from,
                                      before, query.show_deleted)[0]
                         .as<int64_t>();
        return absl::OkStatus();
      }));
  return page;
}

absl::StatusOr<Event> PostgresEventStore::Create(const Event& event, const std::string& request_id,
                                                 const AuditEntry& audit, absl::Time deadline) {
  Event created;
  ZY_RETURN_IF_ERROR(
      RunTransaction(pool_, deadline, "creating an event", Access::kReadWrite,
                     [&](pqxx::transaction_base& txn) -> absl::Status {
                       if (!request_id.empty()) {
                         if (const pqxx::result first = txn.exec_params(kByRequestSql, request_id);
                             !first.empty()) {
                           created = FromRow(first[0]);
                           return absl::OkStatus();
                         }
                       }
                       ZY_RETURN_IF_ERROR(CheckReferences(txn, event, nullptr));
                       const pqxx::result rows = Exec(txn, kInsertSql, event, request_id);
                       if (rows.empty()) {
                         // A concurrent call with the same request_id made it first.
                         created = FromRow(txn.exec_params1(kByRequestSql, request_id));
                         return absl::OkStatus();
                       }
                       created = FromRow(rows[0]);
                       AppendAudit(txn, audit, Name(created.id), created.region_code);
                       return absl::OkStatus();
                     }));
  return created;
}

absl::StatusOr<Event> PostgresEventStore::Update(int64_t id, const EventChange& change,
                                                 const AuditEntry& audit, absl::Time deadline) {
  Event event;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "updating an event", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(event, LockForChange(txn, id, change.expected_revision));
        if (event.delete_time.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
        }
        Event next = event;
        ZY_RETURN_IF_ERROR(ApplyEventChange(change, next));
        if (SameEventFields(next, event)) return absl::OkStatus();
        // Records were credited against the schedule, and took place: neither may change under
        // them (the lock on the event keeps new records out until this commits).
        const bool cancelling = next.status == kCancelled && event.status != kCancelled;
        const bool rescheduling =
            next.start_time != event.start_time || next.end_time != event.end_time;
        if ((cancelling || rescheduling) && !txn.exec_params(kHasRecordsSql, id).empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat(Name(id), " has service records: it can no longer be ",
                           cancelling ? "cancelled" : "rescheduled"));
        }
        ZY_RETURN_IF_ERROR(CheckReferences(txn, next, &event));
        event = FromRow(Exec(txn, kUpdateSql, next, id)[0]);
        AppendAudit(txn, audit, Name(id), event.region_code);
        return absl::OkStatus();
      }));
  return event;
}

absl::StatusOr<Event> PostgresEventStore::Delete(int64_t id,
                                                 std::optional<int64_t> expected_revision,
                                                 const AuditEntry& audit, absl::Time deadline) {
  Event event;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "deleting an event", Access::kReadWrite,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      ZY_ASSIGN_OR_RETURN(
                                          event, LockForChange(txn, id, expected_revision));
                                      if (event.delete_time.has_value()) return absl::OkStatus();
                                      if (event.status == kOngoing || event.status == kCompleted) {
                                        return absl::FailedPreconditionError(absl::StrCat(
                                            Name(id), " is under way or over: it stays on record"));
                                      }
                                      event = FromRow(txn.exec_params1(kDeleteSql, id));
                                      AppendAudit(txn, audit, Name(id), event.region_code);
                                      return absl::OkStatus();
                                    }));
  return event;
}

}  // namespace zhiyuan::storage
