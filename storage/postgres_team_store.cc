#include "storage/postgres_team_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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

#define ZY_TEAM_COLUMNS                                                                     \
  "id, coalesce(parent_id, 0), home_region_code, coalesce(practice_unit_id, 0), "           \
  "display_name, array_to_string(categories, ','), coalesce(leader_volunteer_number, ''), " \
  "status, revision, (extract(epoch FROM create_time) * 1000000)::bigint, "                 \
  "(extract(epoch FROM update_time) * 1000000)::bigint, "                                   \
  "(extract(epoch FROM delete_time) * 1000000)::bigint"

constexpr char kGetSql[] = "SELECT " ZY_TEAM_COLUMNS " FROM teams WHERE id = $1";
constexpr char kLockSql[] = "SELECT " ZY_TEAM_COLUMNS " FROM teams WHERE id = $1 FOR UPDATE";
constexpr char kLockParentSql[] = "SELECT " ZY_TEAM_COLUMNS " FROM teams WHERE id = $1 FOR SHARE";
constexpr char kByRequestSql[] =
    "SELECT " ZY_TEAM_COLUMNS " FROM teams WHERE create_request_id = $1::uuid";
// $1 region prefix, $2 parent (0 any), $3 category (0 any), $4 status (0 any), $5 show deleted,
// $6 a LIKE pattern for the name ('' any).
#define ZY_TEAM_FILTER                                                            \
  " FROM teams WHERE ($1 = '' OR home_region_code LIKE $1 || '%') "               \
  "AND ($2::bigint = 0 OR parent_id = $2) AND ($3 = 0 OR $3 = ANY (categories)) " \
  "AND ($4 = 0 OR status = $4) AND ($5 OR delete_time IS NULL) "                  \
  "AND ($6 = '' OR display_name LIKE $6)"
constexpr char kListSql[] =
    "SELECT " ZY_TEAM_COLUMNS ZY_TEAM_FILTER " AND id > $7 ORDER BY id LIMIT $8";
constexpr char kCountSql[] = "SELECT count(*)" ZY_TEAM_FILTER;
constexpr char kRegionExistsSql[] = "SELECT 1 FROM regions WHERE code = $1";
// Locked, so that "not deleted" holds until commit: a concurrent delete waits for it.
constexpr char kLiveUnitSql[] =
    "SELECT 1 FROM practice_units WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kLiveVolunteerSql[] =
    "SELECT 1 FROM volunteers WHERE volunteer_number = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kInsertSql[] =
    "INSERT INTO teams (parent_id, home_region_code, practice_unit_id, display_name, "
    "categories, leader_volunteer_number, status, create_request_id) "
    "VALUES (nullif($1::bigint, 0), $2, nullif($3::bigint, 0), $4, $5::smallint[], nullif($6, ''), "
    "$7, "
    "nullif($8, '')::uuid) ON CONFLICT (create_request_id) DO NOTHING RETURNING " ZY_TEAM_COLUMNS;
constexpr char kUpdateSql[] =
    "UPDATE teams SET display_name = $2, categories = $3::smallint[], "
    "leader_volunteer_number = nullif($4, ''), practice_unit_id = nullif($5::bigint, 0), status = "
    "$6, "
    "revision = revision + 1, update_time = now() WHERE id = $1 RETURNING " ZY_TEAM_COLUMNS;
constexpr char kLiveChildSql[] =
    "SELECT 1 FROM teams WHERE parent_id = $1 AND delete_time IS NULL LIMIT 1";
constexpr char kDeleteSql[] =
    "UPDATE teams SET delete_time = now(), update_time = now(), revision = revision + 1 "
    "WHERE id = $1 RETURNING " ZY_TEAM_COLUMNS;

#undef ZY_TEAM_FILTER
#undef ZY_TEAM_COLUMNS

Team FromRow(const pqxx::row& row) {
  Team team;
  team.id = row[0].as<int64_t>();
  team.parent_id = row[1].as<int64_t>();
  team.home_region_code = row[2].as<std::string>();
  team.practice_unit_id = row[3].as<int64_t>();
  team.display_name = row[4].as<std::string>();
  for (const absl::string_view category :
       absl::StrSplit(row[5].as<std::string>(), ',', absl::SkipEmpty())) {
    int value = 0;
    (void)absl::SimpleAtoi(category, &value);
    team.categories.push_back(value);
  }
  team.leader = row[6].as<std::string>();
  team.status = row[7].as<int>();
  team.revision = row[8].as<int64_t>();
  team.create_time = absl::FromUnixMicros(row[9].as<int64_t>());
  team.update_time = absl::FromUnixMicros(row[10].as<int64_t>());
  if (!row[11].is_null()) team.delete_time = absl::FromUnixMicros(row[11].as<int64_t>());
  return team;
}

// A smallint[] literal; the values are numbers, so nothing needs quoting.
std::string ArrayLiteral(const std::vector<int>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

std::string Name(int64_t id) { return absl::StrCat("teams/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
}

// The practice unit and the leader a team refers to exist and are not deleted.
absl::Status CheckReferences(pqxx::transaction_base& txn, int64_t practice_unit_id,
                             const std::string& leader) {
  if (practice_unit_id != 0 && txn.exec_params(kLiveUnitSql, practice_unit_id).empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("practiceUnits/", practice_unit_id, " does not exist or is deleted"));
  }
  if (!leader.empty() && txn.exec_params(kLiveVolunteerSql, leader).empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("volunteers/", leader, " does not exist or is deleted"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Team> LockForChange(pqxx::transaction_base& txn, int64_t id,
                                   std::optional<int64_t> expected_revision) {
  const pqxx::result rows = txn.exec_params(kLockSql, id);
  if (rows.empty()) return NotFound(id);
  Team team = FromRow(rows[0]);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), team.revision, expected_revision));
  return team;
}

}  // namespace

absl::StatusOr<Team> PostgresTeamStore::Get(int64_t id, absl::Time deadline) {
  Team team;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a team", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, id);
                                      if (rows.empty()) return NotFound(id);
                                      team = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return team;
}

absl::StatusOr<TeamPage> PostgresTeamStore::List(const TeamQuery& query, absl::Time deadline) {
  TeamPage page;
  const std::string name_pattern =
      query.name_prefix.empty() ? "" : LikePrefixPattern(query.name_prefix);
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing teams", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row : txn.exec_params(
                 kListSql, query.region_code, query.parent_id, query.category, query.status,
                 query.show_deleted, name_pattern, query.after_id, query.limit)) {
          page.teams.push_back(FromRow(row));
        }
        page.total = txn.exec_params1(kCountSql, query.region_code, query.parent_id, query.category,
                                      query.status, query.show_deleted, name_pattern)[0]
                         .as<int64_t>();
        return absl::OkStatus();
      }));
  return page;
}

absl::StatusOr<Team> PostgresTeamStore::Create(const Team& team, const std::string& request_id,
                                               const AuditEntry& audit, absl::Time deadline) {
  Team created;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "creating a team", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        if (!request_id.empty()) {
          if (const pqxx::result first = txn.exec_params(kByRequestSql, request_id);
              !first.empty()) {
            created = FromRow(first[0]);
            return absl::OkStatus();
          }
        }
        if (txn.exec_params(kRegionExistsSql, team.home_region_code).empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("regions/", team.home_region_code, " does not exist"));
        }
        if (team.parent_id != 0) {
          const pqxx::result rows = txn.exec_params(kLockParentSql, team.parent_id);
          if (rows.empty() || !rows[0][11].is_null()) {
            return absl::FailedPreconditionError(
                absl::StrCat(Name(team.parent_id), " does not exist or is deleted"));
          }
          const Team parent = FromRow(rows[0]);
          if (!absl::StartsWith(team.home_region_code, parent.home_region_code)) {
            return absl::FailedPreconditionError(
                absl::StrCat("regions/", team.home_region_code,
                             " is not within the parent team's region "
                             "regions/",
                             parent.home_region_code));
          }
        }
        ZY_RETURN_IF_ERROR(CheckReferences(txn, team.practice_unit_id, team.leader));
        pqxx::result rows = txn.exec_params(
            kInsertSql, team.parent_id, team.home_region_code, team.practice_unit_id,
            team.display_name, ArrayLiteral(team.categories), team.leader, team.status, request_id);
        if (rows.empty()) {
          // A concurrent call with the same request_id made it first.
          created = FromRow(txn.exec_params1(kByRequestSql, request_id));
          return absl::OkStatus();
        }
        created = FromRow(rows[0]);
        AppendAudit(txn, audit, Name(created.id), created.home_region_code);
        return absl::OkStatus();
      }));
  return created;
}

absl::StatusOr<Team> PostgresTeamStore::Update(int64_t id, const TeamChange& change,
                                               const AuditEntry& audit, absl::Time deadline) {
  Team team;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "updating a team", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(team, LockForChange(txn, id, change.expected_revision));
        if (team.delete_time.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
        }
        Team next = team;
        if (change.display_name) next.display_name = *change.display_name;
        if (change.categories) next.categories = *change.categories;
        if (change.leader) next.leader = *change.leader;
        if (change.practice_unit_id) next.practice_unit_id = *change.practice_unit_id;
        if (change.status) next.status = *change.status;
        ZY_RETURN_IF_ERROR(
            CheckReferences(txn, change.practice_unit_id.value_or(0), change.leader.value_or("")));
        team = FromRow(txn.exec_params1(kUpdateSql, id, next.display_name,
                                        ArrayLiteral(next.categories), next.leader,
                                        next.practice_unit_id, next.status));
        AppendAudit(txn, audit, Name(id), team.home_region_code);
        return absl::OkStatus();
      }));
  return team;
}

absl::StatusOr<Team> PostgresTeamStore::Delete(int64_t id, std::optional<int64_t> expected_revision,
                                               const AuditEntry& audit, absl::Time deadline) {
  Team team;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "deleting a team", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(team, LockForChange(txn, id, expected_revision));
        if (team.delete_time.has_value()) return absl::OkStatus();
        if (!txn.exec_params(kLiveChildSql, id).empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              Name(id), " has teams under it that are not deleted: delete those first"));
        }
        team = FromRow(txn.exec_params1(kDeleteSql, id));
        AppendAudit(txn, audit, Name(id), team.home_region_code);
        return absl::OkStatus();
      }));
  return team;
}

}  // namespace zhiyuan::storage
