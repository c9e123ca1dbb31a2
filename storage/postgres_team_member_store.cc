#include "storage/postgres_team_member_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/str_cat.h"
#include "storage/postgres_audit_log.h"
#include "storage/revision.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_MEMBER_COLUMNS                                                                    \
  "id, team_id, volunteer_number, role, (extract(epoch FROM join_time) * 1000000)::bigint, " \
  "(extract(epoch FROM leave_time) * 1000000)::bigint, revision, "                           \
  "(extract(epoch FROM update_time) * 1000000)::bigint"

constexpr char kTeamRegionSql[] = "SELECT home_region_code FROM teams WHERE id = $1";
constexpr char kCurrentSql[] = "SELECT " ZY_MEMBER_COLUMNS
                               " FROM team_members WHERE team_id = $1 "
                               "AND volunteer_number = $2 AND leave_time IS NULL";
constexpr char kLockCurrentSql[] = "SELECT " ZY_MEMBER_COLUMNS
                                   " FROM team_members WHERE team_id = $1 "
                                   "AND volunteer_number = $2 AND leave_time IS NULL FOR UPDATE";
constexpr char kByRequestSql[] = "SELECT " ZY_MEMBER_COLUMNS
                                 " FROM team_members WHERE volunteer_number = $1 "
                                 "AND create_request_id = $2::uuid";
// $1 team (0: any), $2 volunteer ('' anyone), $3 show former.
#define ZY_MEMBER_FILTER                                                                          \
  " FROM team_members WHERE ($1::bigint = 0 OR team_id = $1) AND ($2 = '' OR volunteer_number = " \
  "$2) "                                                                                          \
  "AND ($3 OR leave_time IS NULL)"
constexpr char kListSql[] =
    "SELECT " ZY_MEMBER_COLUMNS ZY_MEMBER_FILTER " AND id > $4 ORDER BY id LIMIT $5";
constexpr char kCountSql[] = "SELECT count(*)" ZY_MEMBER_FILTER;
// Locked, so that "not deleted" holds until commit: a concurrent delete waits for it.
constexpr char kLiveTeamSql[] =
    "SELECT 1 FROM teams WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kLiveVolunteerSql[] =
    "SELECT 1 FROM volunteers WHERE volunteer_number = $1 AND delete_time IS NULL FOR SHARE";
// DO NOTHING on either unique key: a current membership, or this request's earlier result.
constexpr char kInsertSql[] =
    "INSERT INTO team_members (volunteer_number, team_id, role, create_request_id) "
    "VALUES ($1, $2, $3, nullif($4, '')::uuid) ON CONFLICT DO NOTHING "
    "RETURNING " ZY_MEMBER_COLUMNS;
constexpr char kRoleSql[] =
    "UPDATE team_members SET role = $3, revision = revision + 1, update_time = now() "
    "WHERE volunteer_number = $1 AND id = $2 RETURNING " ZY_MEMBER_COLUMNS;
constexpr char kLeaveSql[] =
    "UPDATE team_members SET leave_time = now(), revision = revision + 1, update_time = now() "
    "WHERE volunteer_number = $1 AND id = $2 RETURNING " ZY_MEMBER_COLUMNS;

#undef ZY_MEMBER_FILTER
#undef ZY_MEMBER_COLUMNS

TeamMember FromRow(const pqxx::row& row) {
  TeamMember member;
  member.id = row[0].as<int64_t>();
  member.team_id = row[1].as<int64_t>();
  member.volunteer_number = row[2].as<std::string>();
  member.role = row[3].as<int>();
  member.join_time = absl::FromUnixMicros(row[4].as<int64_t>());
  if (!row[5].is_null()) member.leave_time = absl::FromUnixMicros(row[5].as<int64_t>());
  member.revision = row[6].as<int64_t>();
  member.update_time = absl::FromUnixMicros(row[7].as<int64_t>());
  return member;
}

std::string Name(int64_t team_id, const std::string& number) {
  return absl::StrCat("teams/", team_id, "/members/", number);
}

// A membership's audit entries carry its team's region.
void Audit(pqxx::transaction_base& txn, const AuditEntry& audit, int64_t team_id,
           const std::string& number) {
  const pqxx::result rows = txn.exec_params(kTeamRegionSql, team_id);
  AppendAudit(txn, audit, Name(team_id, number), rows.empty() ? "" : rows[0][0].as<std::string>());
}

absl::Status NotAMember(int64_t team_id, const std::string& number) {
  return absl::NotFoundError(absl::StrCat(Name(team_id, number),
                                          " does not exist: "
                                          "volunteers/",
                                          number, " is not a member now"));
}

absl::StatusOr<TeamMember> LockCurrent(pqxx::transaction_base& txn, int64_t team_id,
                                       const std::string& number,
                                       std::optional<int64_t> expected_revision) {
  const pqxx::result rows = txn.exec_params(kLockCurrentSql, team_id, number);
  if (rows.empty()) return NotAMember(team_id, number);
  TeamMember member = FromRow(rows[0]);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(team_id, number), member.revision, expected_revision));
  return member;
}

}  // namespace

absl::StatusOr<TeamMember> PostgresTeamMemberStore::Get(int64_t team_id,
                                                        const std::string& volunteer_number,
                                                        absl::Time deadline) {
  TeamMember member;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a team member", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows =
                                          txn.exec_params(kCurrentSql, team_id, volunteer_number);
                                      if (rows.empty())
                                        return NotAMember(team_id, volunteer_number);
                                      member = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return member;
}

absl::StatusOr<TeamMemberPage> PostgresTeamMemberStore::List(const TeamMemberQuery& query,
                                                             absl::Time deadline) {
  TeamMemberPage page;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing team members", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListSql, query.team_id, query.volunteer_number, query.show_former,
                             query.after_id, query.limit)) {
          page.members.push_back(FromRow(row));
        }
        page.total =
            txn.exec_params1(kCountSql, query.team_id, query.volunteer_number, query.show_former)[0]
                .as<int64_t>();
        return absl::OkStatus();
      }));
  return page;
}

absl::StatusOr<TeamMember> PostgresTeamMemberStore::Create(int64_t team_id,
                                                           const std::string& volunteer_number,
                                                           int role, const std::string& request_id,
                                                           const AuditEntry& audit,
                                                           absl::Time deadline) {
  TeamMember member;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "adding a team member", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        const auto earlier = [&]() -> std::optional<TeamMember> {
          if (request_id.empty()) return std::nullopt;
          const pqxx::result rows = txn.exec_params(kByRequestSql, volunteer_number, request_id);
          if (rows.empty()) return std::nullopt;
          return FromRow(rows[0]);
        };
        if (const auto first = earlier()) {
          member = *first;
          return absl::OkStatus();
        }
        if (txn.exec_params(kLiveTeamSql, team_id).empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("teams/", team_id, " does not exist or is deleted"));
        }
        if (txn.exec_params(kLiveVolunteerSql, volunteer_number).empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("volunteers/", volunteer_number, " does not exist or is deleted"));
        }
        const pqxx::result rows =
            txn.exec_params(kInsertSql, volunteer_number, team_id, role, request_id);
        if (!rows.empty()) {
          member = FromRow(rows[0]);
          Audit(txn, audit, team_id, volunteer_number);
          return absl::OkStatus();
        }
        // Nothing inserted: this request's earlier result, or a current membership.
        if (const auto first = earlier()) {
          member = *first;
          return absl::OkStatus();
        }
        return absl::AlreadyExistsError(absl::StrCat(
            "volunteers/", volunteer_number, " is a member of teams/", team_id, " already"));
      }));
  return member;
}

absl::StatusOr<TeamMember> PostgresTeamMemberStore::UpdateRole(
    int64_t team_id, const std::string& volunteer_number, int role,
    std::optional<int64_t> expected_revision, const AuditEntry& audit, absl::Time deadline) {
  TeamMember member;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "changing a team member's role", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(member, LockCurrent(txn, team_id, volunteer_number, expected_revision));
        if (member.role == role) return absl::OkStatus();
        member = FromRow(txn.exec_params1(kRoleSql, volunteer_number, member.id, role));
        Audit(txn, audit, team_id, volunteer_number);
        return absl::OkStatus();
      }));
  return member;
}

absl::StatusOr<TeamMember> PostgresTeamMemberStore::Leave(int64_t team_id,
                                                          const std::string& volunteer_number,
                                                          std::optional<int64_t> expected_revision,
                                                          const AuditEntry& audit,
                                                          absl::Time deadline) {
  TeamMember member;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "removing a team member", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(member, LockCurrent(txn, team_id, volunteer_number, expected_revision));
        member = FromRow(txn.exec_params1(kLeaveSql, volunteer_number, member.id));
        Audit(txn, audit, team_id, volunteer_number);
        return absl::OkStatus();
      }));
  return member;
}

}  // namespace zhiyuan::storage
