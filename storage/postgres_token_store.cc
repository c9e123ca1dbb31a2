#include "storage/postgres_token_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/postgres_audit_log.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_TOKEN_COLUMNS                                                                  \
  "id, display_name, role, coalesce(region_code, ''), coalesce(team_id, 0), "             \
  "coalesce(volunteer_number, ''), array_to_string(post_ids, ','), "                      \
  "array_to_string(practice_unit_ids, ','), scope_region_code, coalesce(creator_id, 0), " \
  "(extract(epoch FROM create_time) * 1000000)::bigint, "                                 \
  "(extract(epoch FROM expire_time) * 1000000)::bigint, "                                 \
  "(extract(epoch FROM revoke_time) * 1000000)::bigint"

constexpr char kGetSql[] = "SELECT " ZY_TOKEN_COLUMNS " FROM api_tokens WHERE id = $1";
constexpr char kByHashSql[] =
    "SELECT " ZY_TOKEN_COLUMNS " FROM api_tokens WHERE secret_hash = decode($1, 'hex')";
// $1 scope region prefix, $2 show inactive.
#define ZY_TOKEN_FILTER                                                   \
  " FROM api_tokens WHERE ($1 = '' OR scope_region_code LIKE $1 || '%') " \
  "AND ($2 OR (revoke_time IS NULL AND expire_time > now()))"
constexpr char kListSql[] =
    "SELECT " ZY_TOKEN_COLUMNS ZY_TOKEN_FILTER " AND id > $3 ORDER BY id LIMIT $4";
constexpr char kCountSql[] = "SELECT count(*)" ZY_TOKEN_FILTER;
// Serializes bootstraps: a second one waits for the first to commit, then sees its token.
constexpr char kLockTableSql[] = "LOCK TABLE api_tokens IN SHARE ROW EXCLUSIVE MODE";
constexpr char kAnySql[] = "SELECT 1 FROM api_tokens LIMIT 1";
constexpr char kInsertSql[] =
    "INSERT INTO api_tokens (secret_hash, display_name, role, region_code, team_id, "
    "volunteer_number, post_ids, practice_unit_ids, scope_region_code, creator_id, expire_time) "
    "VALUES (decode($1, 'hex'), $2, $3, nullif($4, ''), nullif($5::bigint, 0), nullif($6, ''), "
    "$7::bigint[], $8::bigint[], $9, nullif($10::bigint, 0), "
    "'epoch'::timestamptz + $11 * interval '1 microsecond') RETURNING " ZY_TOKEN_COLUMNS;
constexpr char kRevokeSql[] =
    "UPDATE api_tokens SET revoke_time = now() WHERE id = $1 AND revoke_time IS NULL "
    "RETURNING " ZY_TOKEN_COLUMNS;

#undef ZY_TOKEN_FILTER
#undef ZY_TOKEN_COLUMNS

std::vector<int64_t> SplitIds(absl::string_view joined) {
  std::vector<int64_t> ids;
  for (const absl::string_view part : absl::StrSplit(joined, ',', absl::SkipEmpty())) {
    int64_t id = 0;
    (void)absl::SimpleAtoi(part, &id);
    ids.push_back(id);
  }
  return ids;
}

Token FromRow(const pqxx::row& row) {
  Token token;
  token.id = row[0].as<int64_t>();
  token.display_name = row[1].as<std::string>();
  token.role = row[2].as<int>();
  token.region_code = row[3].as<std::string>();
  token.team_id = row[4].as<int64_t>();
  token.volunteer_number = row[5].as<std::string>();
  token.post_ids = SplitIds(row[6].as<std::string>());
  token.practice_unit_ids = SplitIds(row[7].as<std::string>());
  token.scope_region_code = row[8].as<std::string>();
  token.creator_id = row[9].as<int64_t>();
  token.create_time = absl::FromUnixMicros(row[10].as<int64_t>());
  token.expire_time = absl::FromUnixMicros(row[11].as<int64_t>());
  if (!row[12].is_null()) token.revoke_time = absl::FromUnixMicros(row[12].as<int64_t>());
  return token;
}

std::string Name(int64_t id) { return absl::StrCat("tokens/", id); }

std::string NotFoundMessage(int64_t id) { return absl::StrCat(Name(id), " does not exist"); }

}  // namespace

absl::StatusOr<Token> PostgresTokenStore::Get(int64_t id, absl::Time deadline) {
  Token token;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a token", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, id);
                                      if (rows.empty()) {
                                        return absl::NotFoundError(NotFoundMessage(id));
                                      }
                                      token = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return token;
}

absl::StatusOr<Token> PostgresTokenStore::FindBySecretHash(const std::string& secret_hash,
                                                           absl::Time deadline) {
  Token token;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a token", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(
                                          kByHashSql, absl::BytesToHexString(secret_hash));
                                      if (rows.empty())
                                        return absl::NotFoundError("no token has this secret");
                                      token = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return token;
}

absl::StatusOr<TokenPage> PostgresTokenStore::List(const TokenQuery& query, absl::Time deadline) {
  TokenPage page;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing tokens", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListSql, query.scope_region_code, query.show_inactive, query.after_id,
                             query.limit)) {
          page.tokens.push_back(FromRow(row));
        }
        page.total = txn.exec_params1(kCountSql, query.scope_region_code, query.show_inactive)[0]
                         .as<int64_t>();
        return absl::OkStatus();
      }));
  return page;
}

absl::StatusOr<Token> PostgresTokenStore::Create(const Token& token, const std::string& secret_hash,
                                                 const AuditEntry& audit, absl::Time deadline) {
  return Insert(token, secret_hash, /*first=*/false, audit, deadline);
}

absl::StatusOr<Token> PostgresTokenStore::CreateFirst(const Token& token,
                                                      const std::string& secret_hash,
                                                      const AuditEntry& audit,
                                                      absl::Time deadline) {
  return Insert(token, secret_hash, /*first=*/true, audit, deadline);
}

absl::StatusOr<Token> PostgresTokenStore::Insert(const Token& token, const std::string& secret_hash,
                                                 bool first, const AuditEntry& audit,
                                                 absl::Time deadline) {
  if (secret_hash.size() != 32) {
    return absl::InvalidArgumentError("a token's secret hash must be 32 bytes");
  }
  Token created;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "creating a token", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        if (first) {
          txn.exec0(kLockTableSql);
          if (!txn.exec(kAnySql).empty()) {
            return absl::FailedPreconditionError("a token exists already: no bootstrap needed");
          }
        }
        created = FromRow(txn.exec_params1(
            kInsertSql, absl::BytesToHexString(secret_hash), token.display_name, token.role,
            token.region_code, token.team_id, token.volunteer_number,
            absl::StrCat("{", absl::StrJoin(token.post_ids, ","), "}"),
            absl::StrCat("{", absl::StrJoin(token.practice_unit_ids, ","), "}"),
            token.scope_region_code, token.creator_id, absl::ToUnixMicros(token.expire_time)));
        AppendAudit(txn, audit, Name(created.id), created.scope_region_code);
        return absl::OkStatus();
      }));
  return created;
}

absl::StatusOr<Token> PostgresTokenStore::Revoke(int64_t id, const AuditEntry& audit,
                                                 absl::Time deadline) {
  Token token;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "revoking a token", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        if (const pqxx::result rows = txn.exec_params(kRevokeSql, id); !rows.empty()) {
          token = FromRow(rows[0]);
          AppendAudit(txn, audit, Name(id), token.scope_region_code);
          return absl::OkStatus();
        }
        const pqxx::result rows = txn.exec_params(kGetSql, id);
        if (rows.empty()) return absl::NotFoundError(NotFoundMessage(id));
        token = FromRow(rows[0]);  // Revoked already: nothing changes.
        return absl::OkStatus();
      }));
  return token;
}

}  // namespace zhiyuan::storage
