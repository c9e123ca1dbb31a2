#include "storage/postgres_volunteer_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/like_pattern.h"
#include "storage/postgres_audit_log.h"
#include "storage/revision.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

// Skills travel as one string joined by U+001F (unit separator), which no skill may contain.
constexpr char kSkillSeparator[] = "\x1f";

#define ZY_VOLUNTEER_COLUMNS                                                                  \
  "volunteer_number, display_name, gender, birth_date::text, residence_region_code, "         \
  "array_to_string(skills, chr(31)), status, guardian_consent, "                              \
  "encode(id_number_cipher, 'hex'), id_number_masked, coalesce(encode(phone_cipher, 'hex'), " \
  "''), phone_masked, revision, (extract(epoch FROM create_time) * 1000000)::bigint, "        \
  "(extract(epoch FROM update_time) * 1000000)::bigint, "                                     \
  "(extract(epoch FROM delete_time) * 1000000)::bigint"

constexpr char kGetSql[] =
    "SELECT " ZY_VOLUNTEER_COLUMNS " FROM volunteers WHERE volunteer_number = $1";
constexpr char kLockSql[] =
    "SELECT " ZY_VOLUNTEER_COLUMNS " FROM volunteers WHERE volunteer_number = $1 FOR UPDATE";
// $1 region code prefix ('' for all), $2 status (0 any), $3 show deleted, $4 a LIKE pattern for
// the name ('' any).
#define ZY_VOLUNTEER_FILTER                                                   \
  " FROM volunteers WHERE ($1 = '' OR residence_region_code LIKE $1 || '%') " \
  "AND ($2 = 0 OR status = $2) AND ($3 OR delete_time IS NULL) "              \
  "AND ($4 = '' OR display_name LIKE $4)"
constexpr char kListSql[] = "SELECT " ZY_VOLUNTEER_COLUMNS ZY_VOLUNTEER_FILTER
                            " AND volunteer_number > $5 ORDER BY volunteer_number LIMIT $6";
constexpr char kCountSql[] = "SELECT count(*)" ZY_VOLUNTEER_FILTER;
constexpr char kRegionExistsSql[] = "SELECT 1 FROM regions WHERE code = $1";
constexpr char kByRequestSql[] =
    "SELECT volunteer_number FROM volunteer_create_requests WHERE request_id = $1::uuid";
constexpr char kByIdentitySql[] =
    "SELECT volunteer_number FROM volunteer_identities WHERE id_number_hash = decode($1, 'hex')";
constexpr char kSerialSql[] = "SELECT nextval('volunteer_serial')";
constexpr char kInsertSql[] =
    "INSERT INTO volunteers (volunteer_number, display_name, gender, birth_date, "
    "residence_region_code, skills, status, guardian_consent, id_number_cipher, "
    "id_number_masked, phone_cipher, phone_masked) VALUES ($1, $2, $3, $4::date, $5, "
    "string_to_array($6, chr(31)), $7, $8, decode($9, 'hex'), $10, "
    "nullif(decode($11, 'hex'), ''::bytea), $12) "
    "ON CONFLICT (volunteer_number) DO NOTHING RETURNING " ZY_VOLUNTEER_COLUMNS;
constexpr char kInsertRequestSql[] =
    "INSERT INTO volunteer_create_requests (request_id, volunteer_number) "
    "VALUES ($1::uuid, $2) ON CONFLICT (request_id) DO NOTHING";
constexpr char kInsertIdentitySql[] =
    "INSERT INTO volunteer_identities (id_number_hash, volunteer_number) "
    "VALUES (decode($1, 'hex'), $2) ON CONFLICT (id_number_hash) DO NOTHING";
constexpr char kUpdateSql[] =
    "UPDATE volunteers SET display_name = $2, gender = $3, residence_region_code = $4, "
    "skills = string_to_array($5, chr(31)), status = $6, "
    "phone_cipher = nullif(decode($7, 'hex'), ''::bytea), phone_masked = $8, "
    "revision = revision + 1, update_time = now() "
    "WHERE volunteer_number = $1 RETURNING " ZY_VOLUNTEER_COLUMNS;
constexpr char kDeleteSql[] =
    "UPDATE volunteers SET delete_time = now(), update_time = now(), revision = revision + 1 "
    "WHERE volunteer_number = $1 RETURNING " ZY_VOLUNTEER_COLUMNS;

#undef ZY_VOLUNTEER_FILTER
#undef ZY_VOLUNTEER_COLUMNS

// Serials are retried when the number they make is taken (a serial wraps at 10^7 per county
// and year); this many times at most.
constexpr int kMintAttempts = 8;

Volunteer FromRow(const pqxx::row& row) {
  Volunteer volunteer;
  volunteer.number = row[0].as<std::string>();
  volunteer.display_name = row[1].as<std::string>();
  volunteer.gender = row[2].as<int>();
  absl::ParseCivilTime(row[3].as<std::string>(), &volunteer.birth_date);
  volunteer.residence_region_code = row[4].as<std::string>();
  if (const std::string skills = row[5].as<std::string>(); !skills.empty()) {
    volunteer.skills = absl::StrSplit(skills, kSkillSeparator);
  }
  volunteer.status = row[6].as<int>();
  volunteer.guardian_consent = row[7].as<bool>();
  volunteer.id_number_cipher = absl::HexStringToBytes(row[8].as<std::string>());
  volunteer.id_number_masked = row[9].as<std::string>();
  volunteer.phone_cipher = absl::HexStringToBytes(row[10].as<std::string>());
  volunteer.phone_masked = row[11].as<std::string>();
  volunteer.revision = row[12].as<int64_t>();
  volunteer.create_time = absl::FromUnixMicros(row[13].as<int64_t>());
  volunteer.update_time = absl::FromUnixMicros(row[14].as<int64_t>());
  if (!row[15].is_null()) volunteer.delete_time = absl::FromUnixMicros(row[15].as<int64_t>());
  return volunteer;
}

std::string Name(const std::string& number) { return absl::StrCat("volunteers/", number); }

absl::Status NotFound(const std::string& number) {
  return absl::NotFoundError(absl::StrCat(Name(number), " does not exist"));
}

absl::Status RegionMissing(const std::string& code) {
  return absl::FailedPreconditionError(absl::StrCat("regions/", code, " does not exist"));
}

absl::StatusOr<Volunteer> LockForChange(pqxx::transaction_base& txn, const std::string& number,
                                        std::optional<int64_t> expected_revision) {
  const pqxx::result rows = txn.exec_params(kLockSql, number);
  if (rows.empty()) return NotFound(number);
  Volunteer volunteer = FromRow(rows[0]);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(number), volunteer.revision, expected_revision));
  return volunteer;
}

}  // namespace

absl::StatusOr<Volunteer> PostgresVolunteerStore::Get(const std::string& number,
                                                      absl::Time deadline) {
  Volunteer volunteer;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a volunteer", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, number);
                                      if (rows.empty()) return NotFound(number);
                                      volunteer = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return volunteer;
}

absl::StatusOr<VolunteerPage> PostgresVolunteerStore::List(const VolunteerQuery& query,
                                                           absl::Time deadline) {
  VolunteerPage page;
  const std::string name_pattern =
      query.name_prefix.empty() ? "" : LikePrefixPattern(query.name_prefix);
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing volunteers", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListSql, query.region_code, query.status, query.show_deleted,
                             name_pattern, query.after_number, query.limit)) {
          page.volunteers.push_back(FromRow(row));
        }
        page.total = txn.exec_params1(kCountSql, query.region_code, query.status,
                                      query.show_deleted, name_pattern)[0]
                         .as<int64_t>();
        return absl::OkStatus();
      }));
  return page;
}

absl::StatusOr<Volunteer> PostgresVolunteerStore::Create(
    const Volunteer& volunteer, const std::string& id_number_hash,
    absl::FunctionRef<std::string(int64_t)> mint, const std::string& request_id,
    const AuditEntry& audit, absl::Time deadline) {
  const std::string hash_hex = absl::BytesToHexString(id_number_hash);
  Volunteer created;
  // Set when a concurrent call with the same request_id won: this call rolls back and returns
  // what that one created.
  std::string first_number;
  const absl::Status status = RunTransaction(
      pool_, deadline, "registering a volunteer", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        // Whether a call with this request_id has registered someone; each statement sees what
        // has committed by then, so it is asked again when the person turns out registered.
        const auto answered_before = [&]() {
          if (request_id.empty()) return false;
          const pqxx::result first = txn.exec_params(kByRequestSql, request_id);
          if (!first.empty()) first_number = first[0][0].as<std::string>();
          return !first.empty();
        };
        if (answered_before()) return absl::CancelledError("answered by the first call");
        if (txn.exec_params(kRegionExistsSql, volunteer.residence_region_code).empty()) {
          return RegionMissing(volunteer.residence_region_code);
        }
        if (const pqxx::result existing = txn.exec_params(kByIdentitySql, hash_hex);
            !existing.empty()) {
          if (answered_before()) return absl::CancelledError("answered by the first call");
          return AlreadyRegistered(existing[0][0].as<std::string>());
        }
        for (int attempt = 0; attempt < kMintAttempts && created.number.empty(); ++attempt) {
          const std::string number = mint(txn.exec1(kSerialSql)[0].as<int64_t>());
          const pqxx::result rows = txn.exec_params(
              kInsertSql, number, volunteer.display_name, volunteer.gender,
              absl::FormatCivilTime(volunteer.birth_date), volunteer.residence_region_code,
              absl::StrJoin(volunteer.skills, kSkillSeparator), volunteer.status,
              volunteer.guardian_consent, absl::BytesToHexString(volunteer.id_number_cipher),
              volunteer.id_number_masked, absl::BytesToHexString(volunteer.phone_cipher),
              volunteer.phone_masked);
          if (!rows.empty()) created = FromRow(rows[0]);
        }
        if (created.number.empty()) {
          return absl::ResourceExhaustedError("no free volunteer number for this county and year");
        }
        // The request row before the identity: a concurrent retry waits here for this call,
        // then finds its result instead of reporting the person as registered.
        if (!request_id.empty() &&
            txn.exec_params(kInsertRequestSql, request_id, created.number).affected_rows() == 0) {
          first_number = txn.exec_params1(kByRequestSql, request_id)[0].as<std::string>();
          return absl::CancelledError("answered by the first call");
        }
        // A request row for request_id is this call's own by now, so a conflict here is
        // another registration of the same person.
        if (txn.exec_params(kInsertIdentitySql, hash_hex, created.number).affected_rows() == 0) {
          return AlreadyRegistered(txn.exec_params1(kByIdentitySql, hash_hex)[0].as<std::string>());
        }
        AppendAudit(txn, audit, Name(created.number), created.residence_region_code);
        return absl::OkStatus();
      });
  if (!first_number.empty()) return Get(first_number, deadline);
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<Volunteer> PostgresVolunteerStore::Update(const std::string& number,
                                                         const VolunteerChange& change,
                                                         const AuditEntry& audit,
                                                         absl::Time deadline) {
  Volunteer volunteer;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "updating a volunteer", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(volunteer, LockForChange(txn, number, change.expected_revision));
        if (volunteer.delete_time.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(Name(number), " is deleted"));
        }
        Volunteer next = volunteer;
        if (change.display_name) next.display_name = *change.display_name;
        if (change.gender) next.gender = *change.gender;
        if (change.residence_region_code) {
          next.residence_region_code = *change.residence_region_code;
          if (txn.exec_params(kRegionExistsSql, next.residence_region_code).empty()) {
            return RegionMissing(next.residence_region_code);
          }
        }
        if (change.skills) next.skills = *change.skills;
        if (change.status) next.status = *change.status;
        if (change.phone) std::tie(next.phone_cipher, next.phone_masked) = *change.phone;
        volunteer = FromRow(txn.exec_params1(
            kUpdateSql, number, next.display_name, next.gender, next.residence_region_code,
            absl::StrJoin(next.skills, kSkillSeparator), next.status,
            absl::BytesToHexString(next.phone_cipher), next.phone_masked));
        AppendAudit(txn, audit, Name(number), volunteer.residence_region_code);
        return absl::OkStatus();
      }));
  return volunteer;
}

absl::StatusOr<Volunteer> PostgresVolunteerStore::Delete(const std::string& number,
                                                         std::optional<int64_t> expected_revision,
                                                         const AuditEntry& audit,
                                                         absl::Time deadline) {
  Volunteer volunteer;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "deleting a volunteer", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(volunteer, LockForChange(txn, number, expected_revision));
        if (volunteer.delete_time.has_value()) return absl::OkStatus();
        volunteer = FromRow(txn.exec_params1(kDeleteSql, number));
        AppendAudit(txn, audit, Name(number), volunteer.residence_region_code);
        return absl::OkStatus();
      }));
  return volunteer;
}

}  // namespace zhiyuan::storage
