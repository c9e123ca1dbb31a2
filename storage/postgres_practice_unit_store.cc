#include "storage/postgres_practice_unit_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/str_cat.h"
#include "storage/postgres_audit_log.h"
#include "storage/revision.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_UNIT_COLUMNS                                                              \
  "id, kind, coalesce(parent_id, 0), region_code, display_name, address, revision, " \
  "(extract(epoch FROM create_time) * 1000000)::bigint, "                            \
  "(extract(epoch FROM update_time) * 1000000)::bigint, "                            \
  "(extract(epoch FROM delete_time) * 1000000)::bigint"

constexpr char kGetSql[] = "SELECT " ZY_UNIT_COLUMNS " FROM practice_units WHERE id = $1";
constexpr char kLockSql[] =
    "SELECT " ZY_UNIT_COLUMNS " FROM practice_units WHERE id = $1 FOR UPDATE";
constexpr char kLockParentSql[] =
    "SELECT " ZY_UNIT_COLUMNS " FROM practice_units WHERE id = $1 FOR SHARE";
constexpr char kByRequestSql[] =
    "SELECT " ZY_UNIT_COLUMNS " FROM practice_units WHERE create_request_id = $1::uuid";
// $1 region code prefix ('' for all), $2 kind (0 any), $3 parent id (0 any), $4 show deleted.
#define ZY_UNIT_FILTER                                                                          \
  " FROM practice_units WHERE ($1 = '' OR region_code LIKE $1 || '%') "                         \
  "AND ($2 = 0 OR kind = $2) AND ($3::bigint = 0 OR parent_id = $3) AND ($4 OR delete_time IS " \
  "NULL)"
constexpr char kListSql[] =
    "SELECT " ZY_UNIT_COLUMNS ZY_UNIT_FILTER " AND id > $5 ORDER BY id LIMIT $6";
constexpr char kCountSql[] = "SELECT count(*)" ZY_UNIT_FILTER;
constexpr char kRegionExistsSql[] = "SELECT 1 FROM regions WHERE code = $1";
constexpr char kInsertSql[] =
    "INSERT INTO practice_units "
    "(kind, parent_id, region_code, display_name, address, create_request_id) "
    "VALUES ($1, nullif($2::bigint, 0), $3, $4, $5, nullif($6, '')::uuid) "
    "ON CONFLICT (create_request_id) DO NOTHING RETURNING " ZY_UNIT_COLUMNS;
constexpr char kUpdateSql[] =
    "UPDATE practice_units SET display_name = $2, address = $3, revision = revision + 1, "
    "update_time = now() WHERE id = $1 RETURNING " ZY_UNIT_COLUMNS;
constexpr char kLiveChildSql[] =
    "SELECT 1 FROM practice_units WHERE parent_id = $1 AND delete_time IS NULL LIMIT 1";
constexpr char kDeleteSql[] =
    "UPDATE practice_units SET delete_time = now(), update_time = now(), "
    "revision = revision + 1 WHERE id = $1 RETURNING " ZY_UNIT_COLUMNS;

#undef ZY_UNIT_FILTER
#undef ZY_UNIT_COLUMNS

PracticeUnit FromRow(const pqxx::row& row) {
  PracticeUnit unit;
  unit.id = row[0].as<int64_t>();
  unit.kind = static_cast<PracticeUnitKind>(row[1].as<int>());
  unit.parent_id = row[2].as<int64_t>();
  unit.region_code = row[3].as<std::string>();
  unit.display_name = row[4].as<std::string>();
  unit.address = row[5].as<std::string>();
  unit.revision = row[6].as<int64_t>();
  unit.create_time = absl::FromUnixMicros(row[7].as<int64_t>());
  unit.update_time = absl::FromUnixMicros(row[8].as<int64_t>());
  if (!row[9].is_null()) unit.delete_time = absl::FromUnixMicros(row[9].as<int64_t>());
  return unit;
}

std::string UnitName(int64_t id) { return absl::StrCat("practiceUnits/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(UnitName(id), " does not exist"));
}

// Locks unit `id` for a change and checks `expected_revision`.
absl::StatusOr<PracticeUnit> LockForChange(pqxx::transaction_base& txn, int64_t id,
                                           std::optional<int64_t> expected_revision) {
  const pqxx::result rows = txn.exec_params(kLockSql, id);
  if (rows.empty()) return NotFound(id);
  PracticeUnit unit = FromRow(rows[0]);
  ZY_RETURN_IF_ERROR(CheckRevision(UnitName(id), unit.revision, expected_revision));
  return unit;
}

}  // namespace

absl::StatusOr<PracticeUnit> PostgresPracticeUnitStore::Get(int64_t id, absl::Time deadline) {
  PracticeUnit unit;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a practice unit", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, id);
                                      if (rows.empty()) return NotFound(id);
                                      unit = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return unit;
}

absl::StatusOr<PracticeUnitPage> PostgresPracticeUnitStore::List(const PracticeUnitQuery& query,
                                                                 absl::Time deadline) {
  PracticeUnitPage page;
  const int kind = static_cast<int>(query.kind);
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "listing practice units", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      for (const pqxx::row& row : txn.exec_params(
                                               kListSql, query.region_code, kind, query.parent_id,
                                               query.show_deleted, query.after_id, query.limit)) {
                                        page.units.push_back(FromRow(row));
                                      }
                                      page.total =
                                          txn.exec_params1(kCountSql, query.region_code, kind,
                                                           query.parent_id, query.show_deleted)[0]
                                              .as<int64_t>();
                                      return absl::OkStatus();
                                    }));
  return page;
}

absl::StatusOr<PracticeUnit> PostgresPracticeUnitStore::Create(const PracticeUnit& unit,
                                                               const std::string& request_id,
                                                               const AuditEntry& audit,
                                                               absl::Time deadline) {
  PracticeUnit created;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "creating a practice unit", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        if (!request_id.empty()) {
          if (const pqxx::result first = txn.exec_params(kByRequestSql, request_id);
              !first.empty()) {
            created = FromRow(first[0]);
            return absl::OkStatus();
          }
        }
        if (txn.exec_params(kRegionExistsSql, unit.region_code).empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("regions/", unit.region_code, " does not exist"));
        }
        std::optional<PracticeUnit> parent;
        if (unit.parent_id != 0) {
          const pqxx::result rows = txn.exec_params(kLockParentSql, unit.parent_id);
          if (rows.empty()) {
            return absl::FailedPreconditionError(
                absl::StrCat(UnitName(unit.parent_id), " does not exist"));
          }
          parent = FromRow(rows[0]);
          if (parent->delete_time.has_value()) {
            return absl::FailedPreconditionError(
                absl::StrCat(UnitName(unit.parent_id), " is deleted"));
          }
        }
        ZY_RETURN_IF_ERROR(
            CheckPlacement(unit.kind, unit.region_code, parent ? &*parent : nullptr));
        pqxx::result rows =
            txn.exec_params(kInsertSql, static_cast<int>(unit.kind), unit.parent_id,
                            unit.region_code, unit.display_name, unit.address, request_id);
        if (rows.empty()) {
          // A concurrent call with the same request_id made it first.
          created = FromRow(txn.exec_params1(kByRequestSql, request_id));
          return absl::OkStatus();
        }
        created = FromRow(rows[0]);
        AppendAudit(txn, audit, UnitName(created.id), created.region_code);
        return absl::OkStatus();
      }));
  return created;
}

absl::StatusOr<PracticeUnit> PostgresPracticeUnitStore::Update(int64_t id,
                                                               const PracticeUnitChange& change,
                                                               const AuditEntry& audit,
                                                               absl::Time deadline) {
  PracticeUnit unit;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "updating a practice unit", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(unit, LockForChange(txn, id, change.expected_revision));
        if (unit.delete_time.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(UnitName(id), " is deleted"));
        }
        const std::string display_name = change.display_name.value_or(unit.display_name);
        const std::string address = change.address.value_or(unit.address);
        if (display_name == unit.display_name && address == unit.address) {
          return absl::OkStatus();
        }
        unit = FromRow(txn.exec_params1(kUpdateSql, id, display_name, address));
        AppendAudit(txn, audit, UnitName(id), unit.region_code);
        return absl::OkStatus();
      }));
  return unit;
}

absl::StatusOr<PracticeUnit> PostgresPracticeUnitStore::Delete(
    int64_t id, std::optional<int64_t> expected_revision, const AuditEntry& audit,
    absl::Time deadline) {
  PracticeUnit unit;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "deleting a practice unit", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(unit, LockForChange(txn, id, expected_revision));
        if (unit.delete_time.has_value()) return absl::OkStatus();
        if (!txn.exec_params(kLiveChildSql, id).empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              UnitName(id), " has units under it that are not deleted: delete those first"));
        }
        unit = FromRow(txn.exec_params1(kDeleteSql, id));
        AppendAudit(txn, audit, UnitName(id), unit.region_code);
        return absl::OkStatus();
      }));
  return unit;
}

}  // namespace zhiyuan::storage
