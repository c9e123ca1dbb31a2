#include "storage/postgres_hour_rule_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/postgres_audit_log.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_RULE_COLUMNS                                                          \
  "id, region_code, version, array_to_string(band_up_to, ','), "                 \
  "array_to_string(band_credit, ','), grace_minutes, auto_close_minutes, note, " \
  "creator_token_id, (extract(epoch FROM create_time) * 1000000)::bigint"

constexpr char kGetSql[] = "SELECT " ZY_RULE_COLUMNS " FROM hour_rule_sets WHERE id = $1";
constexpr char kByRequestSql[] =
    "SELECT " ZY_RULE_COLUMNS " FROM hour_rule_sets WHERE create_request_id = $1::uuid";
constexpr char kListSql[] = "SELECT " ZY_RULE_COLUMNS
                            " FROM hour_rule_sets WHERE region_code = $1 "
                            "AND ($2 = 0 OR version < $2) ORDER BY version DESC LIMIT $3";
// The longest region code that begins $1, then its newest version.
constexpr char kEffectiveSql[] = "SELECT " ZY_RULE_COLUMNS
                                 " FROM hour_rule_sets WHERE $1 LIKE region_code || '%' "
                                 "ORDER BY length(region_code) DESC, version DESC LIMIT 1";
// Makes of one region's versions wait for each other, so each takes the next number.
constexpr char kLockRegionSql[] =
    "SELECT pg_advisory_xact_lock(hashtextextended('hour_rule_sets:' || $1, 0))";
constexpr char kInsertSql[] =
    "INSERT INTO hour_rule_sets (region_code, version, band_up_to, band_credit, grace_minutes, "
    "auto_close_minutes, note, creator_token_id, create_request_id) "
    "SELECT $1, coalesce(max(version), 0) + 1, $2::smallint[], $3::smallint[], $4, $5, $6, $7, "
    "nullif($8, '')::uuid FROM hour_rule_sets WHERE region_code = $1 "
    "ON CONFLICT (create_request_id) DO NOTHING RETURNING " ZY_RULE_COLUMNS;

}  // namespace

const char kHourRuleColumns[] = ZY_RULE_COLUMNS;

#undef ZY_RULE_COLUMNS

HourRuleSet HourRuleSetFromRow(const pqxx::row& row) {
  HourRuleSet rules;
  rules.id = row[0].as<int64_t>();
  rules.region_code = row[1].as<std::string>();
  rules.version = row[2].as<int>();
  const std::vector<std::string> up_to = absl::StrSplit(row[3].as<std::string>(), ',');
  const std::vector<std::string> credit = absl::StrSplit(row[4].as<std::string>(), ',');
  for (size_t i = 0; i < up_to.size() && i < credit.size(); ++i) {
    int minutes = 0;
    int credited = 0;
    (void)absl::SimpleAtoi(up_to[i], &minutes);
    (void)absl::SimpleAtoi(credit[i], &credited);
    rules.bands.emplace_back(minutes, credited);
  }
  rules.grace_minutes = row[5].as<int>();
  rules.auto_close_minutes = row[6].as<int>();
  rules.note = row[7].as<std::string>();
  rules.creator_token_id = row[8].as<int64_t>();
  rules.create_time = absl::FromUnixMicros(row[9].as<int64_t>());
  return rules;
}

namespace {

HourRuleSet FromRow(const pqxx::row& row) { return HourRuleSetFromRow(row); }

std::string Name(int64_t id) { return absl::StrCat("hourRuleSets/", id); }

}  // namespace

absl::StatusOr<HourRuleSet> PostgresHourRuleStore::Get(int64_t id, absl::Time deadline) {
  HourRuleSet rules;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading hour rules", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, id);
                                      if (rows.empty())
                                        return absl::NotFoundError(
                                            absl::StrCat(Name(id), " does not exist"));
                                      rules = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return rules;
}

absl::StatusOr<std::vector<HourRuleSet>> PostgresHourRuleStore::List(const HourRuleQuery& query,
                                                                     absl::Time deadline) {
  std::vector<HourRuleSet> sets;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "listing hour rules", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      for (const pqxx::row& row :
                                           txn.exec_params(kListSql, query.region_code,
                                                           query.before_version, query.limit)) {
                                        sets.push_back(FromRow(row));
                                      }
                                      return absl::OkStatus();
                                    }));
  return sets;
}

absl::StatusOr<HourRuleSet> PostgresHourRuleStore::Effective(const std::string& region_code,
                                                             absl::Time deadline) {
  HourRuleSet rules;
  ZY_RETURN_IF_ERROR(
      RunTransaction(pool_, deadline, "reading hour rules", Access::kReadOnly,
                     [&](pqxx::transaction_base& txn) -> absl::Status {
                       const pqxx::result rows = txn.exec_params(kEffectiveSql, region_code);
                       if (rows.empty())
                         return absl::NotFoundError("there are no hour rules at all");
                       rules = FromRow(rows[0]);
                       return absl::OkStatus();
                     }));
  return rules;
}

absl::StatusOr<HourRuleSet> PostgresHourRuleStore::Create(const HourRuleSet& rules,
                                                          const std::string& request_id,
                                                          const AuditEntry& audit,
                                                          absl::Time deadline) {
  std::vector<int> up_to;
  std::vector<int> credit;
  for (const auto& [minutes, credited] : rules.bands) {
    up_to.push_back(minutes);
    credit.push_back(credited);
  }
  HourRuleSet created;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "making hour rules", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        if (!request_id.empty()) {
          if (const pqxx::result first = txn.exec_params(kByRequestSql, request_id);
              !first.empty()) {
            created = FromRow(first[0]);
            return absl::OkStatus();
          }
        }
        txn.exec_params(kLockRegionSql, rules.region_code);
        const pqxx::result rows = txn.exec_params(
            kInsertSql, rules.region_code, absl::StrCat("{", absl::StrJoin(up_to, ","), "}"),
            absl::StrCat("{", absl::StrJoin(credit, ","), "}"), rules.grace_minutes,
            rules.auto_close_minutes, rules.note, rules.creator_token_id, request_id);
        if (rows.empty()) {
          created = FromRow(txn.exec_params1(kByRequestSql, request_id));
          return absl::OkStatus();
        }
        created = FromRow(rows[0]);
        AppendAudit(txn, audit, Name(created.id), created.region_code);
        return absl::OkStatus();
      }));
  return created;
}

}  // namespace zhiyuan::storage
