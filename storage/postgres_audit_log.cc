#include "storage/postgres_audit_log.h"

#include <pqxx/result>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

constexpr char kInsertSql[] =
    "INSERT INTO audit_log (actor_token_id, method, resource, region_code, field_paths, peer, "
    "request_id) VALUES ($1, $2, $3, $4, coalesce(string_to_array(nullif($5, ''), ','), '{}'), $6, "
    "nullif($7, '')::uuid)";
constexpr char kListSql[] =
    "SELECT id, (extract(epoch FROM time) * 1000000)::bigint, actor_token_id, method, resource, "
    "region_code, array_to_string(field_paths, ','), peer, coalesce(request_id::text, '') "
    "FROM audit_log WHERE ($1 = '' OR region_code LIKE $1 || '%') "
    "AND ($2 = '' OR resource = $2) AND ($3::bigint = 0 OR actor_token_id = $3) "
    "AND ($4::bigint = 0 OR id < $4) ORDER BY id DESC LIMIT $5";

}  // namespace

void AppendAudit(pqxx::transaction_base& txn, const AuditEntry& entry, const std::string& resource,
                 const std::string& region_code) {
  // Field paths are proto field names: no commas in them.
  txn.exec_params0(kInsertSql, entry.actor_token_id, entry.method, resource, region_code,
                   absl::StrJoin(entry.field_paths, ","), entry.peer, entry.request_id);
}

absl::StatusOr<AuditPage> PostgresAuditLog::List(const AuditQuery& query, absl::Time deadline) {
  AuditPage page;
  ZY_RETURN_IF_ERROR(
      RunTransaction(pool_, deadline, "reading the audit log", Access::kReadOnly,
                     [&](pqxx::transaction_base& txn) -> absl::Status {
                       for (const pqxx::row& row :
                            txn.exec_params(kListSql, query.region_code, query.resource,
                                            query.actor_token_id, query.before_id, query.limit)) {
                         AuditRecord& record = page.records.emplace_back();
                         record.id = row[0].as<int64_t>();
                         record.time = absl::FromUnixMicros(row[1].as<int64_t>());
                         record.entry.actor_token_id = row[2].as<int64_t>();
                         record.entry.method = row[3].as<std::string>();
                         record.resource = row[4].as<std::string>();
                         record.region_code = row[5].as<std::string>();
                         record.entry.field_paths =
                             absl::StrSplit(row[6].as<std::string>(), ',', absl::SkipEmpty());
                         record.entry.peer = row[7].as<std::string>();
                         record.entry.request_id = row[8].as<std::string>();
                       }
                       return absl::OkStatus();
                     }));
  return page;
}

absl::Status PostgresAuditLog::Append(const AuditEntry& entry, const std::string& resource,
                                      const std::string& region_code, absl::Time deadline) {
  return RunTransaction(pool_, deadline, "appending to the audit log", Access::kReadWrite,
                        [&](pqxx::transaction_base& txn) -> absl::Status {
                          AppendAudit(txn, entry, resource, region_code);
                          return absl::OkStatus();
                        });
}

}  // namespace zhiyuan::storage
