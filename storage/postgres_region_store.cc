#include "storage/postgres_region_store.h"

#include <pqxx/result>
#include <pqxx/stream_to>
#include <pqxx/subtransaction>
#include <pqxx/transaction>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "storage/like_pattern.h"
#include "storage/pg_error.h"
#include "storage/postgres_audit_log.h"
#include "storage/revision.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_REGION_COLUMNS                                                       \
  "code, display_name, coalesce(population, 0), coalesce(population_year, 0), " \
  "revision, (extract(epoch FROM create_time) * 1000000)::bigint, "             \
  "(extract(epoch FROM update_time) * 1000000)::bigint"

constexpr char kGetSql[] = "SELECT " ZY_REGION_COLUMNS " FROM regions WHERE code = $1";
constexpr char kLockSql[] = "SELECT " ZY_REGION_COLUMNS " FROM regions WHERE code = $1 FOR UPDATE";
constexpr char kListProvincesSql[] = "SELECT " ZY_REGION_COLUMNS
                                     " FROM regions WHERE parent_code IS NULL AND code > $1 "
                                     "AND ($2 = 0 OR level = $2) ORDER BY code LIMIT $3";
constexpr char kListChildrenSql[] = "SELECT " ZY_REGION_COLUMNS
                                    " FROM regions WHERE parent_code = $1 AND code > $2 "
                                    "AND ($3 = 0 OR level = $3) ORDER BY code LIMIT $4";
// $1 the subtree's root code ('' for the country), $2 a LIKE pattern for the name.
constexpr char kSearchSql[] =
    "SELECT " ZY_REGION_COLUMNS
    " FROM regions WHERE display_name LIKE $2 AND code > $3 "
    "AND ($1 = '' OR (code LIKE $1 || '%' AND code <> $1)) AND ($4 = 0 OR level = $4) "
    "ORDER BY code LIMIT $5";
constexpr char kUpdateSql[] =
    "UPDATE regions SET display_name = $2, "
    "population = CASE WHEN $4::int = 0 THEN NULL ELSE $3::bigint END, "
    "population_year = nullif($4::int, 0), revision = revision + 1, update_time = now() "
    "WHERE code = $1 RETURNING " ZY_REGION_COLUMNS;

#undef ZY_REGION_COLUMNS

// With the same generated parent_code as regions, computed as rows arrive.
constexpr char kCreateImportTableSql[] =
    "CREATE TEMP TABLE region_import (LIKE regions INCLUDING DEFAULTS INCLUDING GENERATED) "
    "ON COMMIT DROP";
// Fails (unique_violation) when a code was imported twice; the query after it names one.
constexpr char kImportUniqueSql[] = "CREATE UNIQUE INDEX ON region_import (code)";
constexpr char kImportDuplicateSql[] =
    "SELECT code FROM region_import GROUP BY code HAVING count(*) > 1 ORDER BY code LIMIT 1";
// A parent that is neither stored nor imported, and one of its imported children. Checks each
// distinct parent once (45,000 for the national table), not each region.
constexpr char kImportOrphanSql[] =
    "SELECT min(code), parent_code FROM region_import WHERE parent_code = ("
    "SELECT p.parent_code FROM (SELECT DISTINCT parent_code FROM region_import "
    "WHERE parent_code IS NOT NULL) p "
    "WHERE NOT EXISTS (SELECT 1 FROM region_import i WHERE i.code = p.parent_code) "
    "AND NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = p.parent_code) "
    "ORDER BY p.parent_code LIMIT 1) GROUP BY parent_code";
// DO NOTHING: a concurrent import may have created the same code since.
constexpr char kImportCreateSql[] =
    "INSERT INTO regions (code, display_name) SELECT code, display_name FROM region_import i "
    "WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = i.code) "
    "ON CONFLICT (code) DO NOTHING";
constexpr char kImportRenameSql[] =
    "UPDATE regions r SET display_name = i.display_name, revision = r.revision + 1, "
    "update_time = now() FROM region_import i "
    "WHERE r.code = i.code AND r.display_name <> i.display_name";

Region FromRow(const pqxx::row& row) {
  Region region;
  region.code = row[0].as<std::string>();
  region.display_name = row[1].as<std::string>();
  region.population = row[2].as<int64_t>();
  region.population_year = row[3].as<int>();
  region.revision = row[4].as<int64_t>();
  region.create_time = absl::FromUnixMicros(row[5].as<int64_t>());
  region.update_time = absl::FromUnixMicros(row[6].as<int64_t>());
  return region;
}

absl::Status NotFound(const std::string& code) {
  return absl::NotFoundError(absl::StrCat("regions/", code, " does not exist"));
}

class PostgresRegionImport final : public RegionImport {
 public:
  PostgresRegionImport(ConnectionPool::Lease lease, std::unique_ptr<pqxx::work> txn,
                       AuditEntry audit)
      : lease_(std::move(lease)), txn_(std::move(txn)), audit_(std::move(audit)) {}

  absl::Status Add(absl::Span<const Region> regions) override {
    try {
      pqxx::stream_to stream(*txn_, "region_import",
                             std::vector<std::string>{"code", "display_name"});
      for (const Region& region : regions) {
        stream << std::make_tuple(region.code, region.display_name);
      }
      stream.complete();
      added_ += static_cast<int64_t>(regions.size());
      return absl::OkStatus();
    } catch (...) {
      return StatusFromCurrentException("importing regions");
    }
  }

  absl::StatusOr<RegionImportCounts> Commit() override {
    try {
      // The unique index fails on a repeated code; only then is one looked for.
      try {
        pqxx::subtransaction check(*txn_, "unique_codes");
        check.exec(kImportUniqueSql);
        check.commit();
      } catch (const pqxx::unique_violation&) {
        return absl::InvalidArgumentError(
            absl::StrCat("regions/", txn_->exec1(kImportDuplicateSql)[0].as<std::string>(),
                         " is imported more than once"));
      }
      if (const pqxx::result orphan = txn_->exec(kImportOrphanSql); !orphan.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("regions/", orphan[0][0].as<std::string>(), ": its parent regions/",
                         orphan[0][1].as<std::string>(), " is neither stored nor imported"));
      }
      RegionImportCounts counts;
      counts.created = txn_->exec(kImportCreateSql).affected_rows();
      counts.renamed = txn_->exec(kImportRenameSql).affected_rows();
      counts.unchanged = added_ - counts.created - counts.renamed;
      // The import is one change to the national table, on record when it changed anything.
      if (counts.created + counts.renamed > 0) AppendAudit(*txn_, audit_, "regions", "");
      txn_->commit();
      return counts;
    } catch (...) {
      return StatusFromCurrentException("importing regions");
    }
  }

 private:
  ConnectionPool::Lease lease_;
  std::unique_ptr<pqxx::work> txn_;  // Destroyed before the lease: it uses the connection.
  const AuditEntry audit_;
  int64_t added_ = 0;
};

}  // namespace

absl::StatusOr<Region> PostgresRegionStore::Get(const std::string& code, absl::Time deadline) {
  Region region;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a region", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, code);
                                      if (rows.empty()) return NotFound(code);
                                      region = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return region;
}

absl::StatusOr<std::vector<Region>> PostgresRegionStore::List(const RegionQuery& query,
                                                              absl::Time deadline) {
  std::vector<Region> regions;
  const int level = static_cast<int>(query.level);
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing regions", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        pqxx::result rows;
        if (!query.name_prefix.empty()) {
          rows =
              txn.exec_params(kSearchSql, query.parent_code, LikePrefixPattern(query.name_prefix),
                              query.after_code, level, query.limit);
        } else if (query.parent_code.empty()) {
          rows = txn.exec_params(kListProvincesSql, query.after_code, level, query.limit);
        } else {
          rows = txn.exec_params(kListChildrenSql, query.parent_code, query.after_code, level,
                                 query.limit);
        }
        regions.reserve(rows.size());
        for (const pqxx::row& row : rows) regions.push_back(FromRow(row));
        return absl::OkStatus();
      }));
  return regions;
}

absl::StatusOr<Region> PostgresRegionStore::Update(const std::string& code,
                                                   const RegionChange& change,
                                                   const AuditEntry& audit, absl::Time deadline) {
  Region region;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "updating a region", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        const pqxx::result current = txn.exec_params(kLockSql, code);
        if (current.empty()) return NotFound(code);
        region = FromRow(current[0]);
        ZY_RETURN_IF_ERROR(CheckRevision(absl::StrCat("regions/", code), region.revision,
                                         change.expected_revision));
        const std::string display_name = change.display_name.value_or(region.display_name);
        const auto [population, year] =
            change.population.value_or(std::make_pair(region.population, region.population_year));
        if (display_name == region.display_name && population == region.population &&
            year == region.population_year) {
          return absl::OkStatus();  // Nothing changes: no new revision.
        }
        region = FromRow(txn.exec_params1(kUpdateSql, code, display_name, population, year));
        AppendAudit(txn, audit, absl::StrCat("regions/", code), code);
        return absl::OkStatus();
      }));
  return region;
}

absl::StatusOr<std::unique_ptr<RegionImport>> PostgresRegionStore::StartImport(
    const AuditEntry& audit, absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_.Acquire(deadline));
  try {
    auto txn = std::make_unique<pqxx::work>(lease.connection());
    ZY_RETURN_IF_ERROR(ApplyDeadline(*txn, deadline, "importing regions"));
    txn->exec(kCreateImportTableSql);
    return std::unique_ptr<RegionImport>(
        new PostgresRegionImport(std::move(lease), std::move(txn), audit));
  } catch (...) {
    return StatusFromCurrentException("starting a region import");
  }
}

}  // namespace zhiyuan::storage
