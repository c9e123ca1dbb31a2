#include "storage/postgres_program_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/str_cat.h"
#include "storage/postgres_audit_log.h"
#include "storage/revision.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_PROGRAM_COLUMNS                                                         \
  "id, display_name, category, coalesce(owner_region_code, ''), "                  \
  "coalesce(owner_practice_unit_id, 0), coalesce(owner_team_id, 0), region_code, " \
  "description, start_date::text, coalesce(end_date::text, ''), revision, "        \
  "(extract(epoch FROM create_time) * 1000000)::bigint, "                          \
  "(extract(epoch FROM update_time) * 1000000)::bigint, "                          \
  "(extract(epoch FROM delete_time) * 1000000)::bigint"

constexpr char kGetSql[] = "SELECT " ZY_PROGRAM_COLUMNS " FROM programs WHERE id = $1";
constexpr char kLockSql[] = "SELECT " ZY_PROGRAM_COLUMNS " FROM programs WHERE id = $1 FOR UPDATE";
constexpr char kByRequestSql[] =
    "SELECT " ZY_PROGRAM_COLUMNS " FROM programs WHERE create_request_id = $1::uuid";
// $1 region prefix, $2 category, $3 whether to filter by owner, $4..$6 the owner, $7 deleted.
#define ZY_PROGRAM_FILTER                                                               \
  " FROM programs WHERE ($1 = '' OR region_code LIKE $1 || '%') "                       \
  "AND ($2 = 0 OR category = $2) AND (NOT $3 OR (coalesce(owner_region_code, '') = $4 " \
  "AND coalesce(owner_practice_unit_id, 0) = $5 AND coalesce(owner_team_id, 0) = $6)) " \
  "AND ($7 OR delete_time IS NULL)"
constexpr char kListSql[] =
    "SELECT " ZY_PROGRAM_COLUMNS ZY_PROGRAM_FILTER " AND id > $8 ORDER BY id LIMIT $9";
constexpr char kCountSql[] = "SELECT count(*)" ZY_PROGRAM_FILTER;
// The region of the owner, when it exists and is not deleted; locked against a concurrent delete.
constexpr char kOwnerRegionSql[] = "SELECT code FROM regions WHERE code = $1";
constexpr char kOwnerUnitSql[] =
    "SELECT region_code FROM practice_units WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kOwnerTeamSql[] =
    "SELECT home_region_code FROM teams WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kInsertSql[] =
    "INSERT INTO programs (display_name, category, owner_region_code, owner_practice_unit_id, "
    "owner_team_id, region_code, description, start_date, end_date, create_request_id) "
    "VALUES ($1, $2, nullif($3, ''), nullif($4::bigint, 0), nullif($5::bigint, 0), $6, $7, "
    "$8::date, "
    "nullif($9, '')::date, nullif($10, '')::uuid) "
    "ON CONFLICT (create_request_id) DO NOTHING RETURNING " ZY_PROGRAM_COLUMNS;
constexpr char kUpdateSql[] =
    "UPDATE programs SET display_name = $2, category = $3, description = $4, "
    "start_date = $5::date, end_date = nullif($6, '')::date, revision = revision + 1, "
    "update_time = now() WHERE id = $1 RETURNING " ZY_PROGRAM_COLUMNS;
constexpr char kDeleteSql[] =
    "UPDATE programs SET delete_time = now(), update_time = now(), revision = revision + 1 "
    "WHERE id = $1 RETURNING " ZY_PROGRAM_COLUMNS;

#undef ZY_PROGRAM_FILTER
#undef ZY_PROGRAM_COLUMNS

Program FromRow(const pqxx::row& row) {
  Program program;
  program.id = row[0].as<int64_t>();
  program.display_name = row[1].as<std::string>();
  program.category = row[2].as<int>();
  program.owner.region_code = row[3].as<std::string>();
  program.owner.practice_unit_id = row[4].as<int64_t>();
  program.owner.team_id = row[5].as<int64_t>();
  program.region_code = row[6].as<std::string>();
  program.description = row[7].as<std::string>();
  absl::ParseCivilTime(row[8].as<std::string>(), &program.start_date);
  if (const std::string end = row[9].as<std::string>(); !end.empty()) {
    absl::CivilDay day;
    absl::ParseCivilTime(end, &day);
    program.end_date = day;
  }
  program.revision = row[10].as<int64_t>();
  program.create_time = absl::FromUnixMicros(row[11].as<int64_t>());
  program.update_time = absl::FromUnixMicros(row[12].as<int64_t>());
  if (!row[13].is_null()) program.delete_time = absl::FromUnixMicros(row[13].as<int64_t>());
  return program;
}

std::string DateText(const std::optional<absl::CivilDay>& day) {
  return day.has_value() ? absl::FormatCivilTime(*day) : "";
}

std::string Name(int64_t id) { return absl::StrCat("programs/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
}

// The owner's region. Errors: FAILED_PRECONDITION when the owner does not exist or is deleted.
absl::StatusOr<std::string> OwnerRegion(pqxx::transaction_base& txn, const ProgramOwner& owner) {
  pqxx::result rows;
  std::string name;
  if (owner.practice_unit_id != 0) {
    rows = txn.exec_params(kOwnerUnitSql, owner.practice_unit_id);
    name = absl::StrCat("practiceUnits/", owner.practice_unit_id);
  } else if (owner.team_id != 0) {
    rows = txn.exec_params(kOwnerTeamSql, owner.team_id);
    name = absl::StrCat("teams/", owner.team_id);
  } else {
    rows = txn.exec_params(kOwnerRegionSql, owner.region_code);
    name = absl::StrCat("regions/", owner.region_code);
  }
  if (rows.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(name, " does not exist or is deleted"));
  }
  return rows[0][0].as<std::string>();
}

absl::StatusOr<Program> LockForChange(pqxx::transaction_base& txn, int64_t id,
                                      std::optional<int64_t> expected_revision) {
  const pqxx::result rows = txn.exec_params(kLockSql, id);
  if (rows.empty()) return NotFound(id);
  Program program = FromRow(rows[0]);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), program.revision, expected_revision));
  return program;
}

}  // namespace

absl::StatusOr<Program> PostgresProgramStore::Get(int64_t id, absl::Time deadline) {
  Program program;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a program", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, id);
                                      if (rows.empty()) return NotFound(id);
                                      program = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return program;
}

absl::StatusOr<ProgramPage> PostgresProgramStore::List(const ProgramQuery& query,
                                                       absl::Time deadline) {
  ProgramPage page;
  const ProgramOwner owner = query.owner.value_or(ProgramOwner());
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing programs", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListSql, query.region_code, query.category, query.owner.has_value(),
                             owner.region_code, owner.practice_unit_id, owner.team_id,
                             query.show_deleted, query.after_id, query.limit)) {
          page.programs.push_back(FromRow(row));
        }
        page.total = txn.exec_params1(kCountSql, query.region_code, query.category,
                                      query.owner.has_value(), owner.region_code,
                                      owner.practice_unit_id, owner.team_id, query.show_deleted)[0]
                         .as<int64_t>();
        return absl::OkStatus();
      }));
  return page;
}

absl::StatusOr<Program> PostgresProgramStore::Create(const Program& program,
                                                     const std::string& request_id,
                                                     const AuditEntry& audit, absl::Time deadline) {
  Program created;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "creating a program", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        if (!request_id.empty()) {
          if (const pqxx::result first = txn.exec_params(kByRequestSql, request_id);
              !first.empty()) {
            created = FromRow(first[0]);
            return absl::OkStatus();
          }
        }
        ZY_ASSIGN_OR_RETURN(const std::string region, OwnerRegion(txn, program.owner));
        pqxx::result rows = txn.exec_params(
            kInsertSql, program.display_name, program.category, program.owner.region_code,
            program.owner.practice_unit_id, program.owner.team_id, region, program.description,
            absl::FormatCivilTime(program.start_date), DateText(program.end_date), request_id);
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

absl::StatusOr<Program> PostgresProgramStore::Update(int64_t id, const ProgramChange& change,
                                                     const AuditEntry& audit, absl::Time deadline) {
  Program program;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "updating a program", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(program, LockForChange(txn, id, change.expected_revision));
        if (program.delete_time.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
        }
        ZY_RETURN_IF_ERROR(ApplyProgramChange(change, program));
        program = FromRow(txn.exec_params1(
            kUpdateSql, id, program.display_name, program.category, program.description,
            absl::FormatCivilTime(program.start_date), DateText(program.end_date)));
        AppendAudit(txn, audit, Name(id), program.region_code);
        return absl::OkStatus();
      }));
  return program;
}

absl::StatusOr<Program> PostgresProgramStore::Delete(int64_t id,
                                                     std::optional<int64_t> expected_revision,
                                                     const AuditEntry& audit, absl::Time deadline) {
  Program program;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "deleting a program", Access::kReadWrite,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      ZY_ASSIGN_OR_RETURN(
                                          program, LockForChange(txn, id, expected_revision));
                                      if (program.delete_time.has_value()) return absl::OkStatus();
                                      program = FromRow(txn.exec_params1(kDeleteSql, id));
                                      AppendAudit(txn, audit, Name(id), program.region_code);
                                      return absl::OkStatus();
                                    }));
  return program;
}

}  // namespace zhiyuan::storage
