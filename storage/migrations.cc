#include "storage/migrations.h"

#include <glog/logging.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/connect.h"
#include "storage/pg_error.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

// The key of the advisory lock that serialises migration runners: "zhiyuan!" as a big-endian
// 64-bit integer, unlikely to collide with another application's lock in a shared database.
constexpr char kLockSql[] = "SELECT pg_advisory_lock(8820415840586395169)";
constexpr char kUnlockSql[] = "SELECT pg_advisory_unlock(8820415840586395169)";

// The runner's own bookkeeping table, created before the first migration under the lock.
constexpr char kCreateTableSql[] = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY CHECK (version > 0),
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

constexpr char kTableExistsSql[] = "SELECT to_regclass('schema_migrations') IS NOT NULL";
constexpr char kAppliedSql[] =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr char kRecordSql[] =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

int KnownVersion(absl::Span<const Migration> known) {
  return known.empty() ? 0 : known.back().version;
}

absl::Status CheckOrder(absl::Span<const Migration> known) {
  for (size_t i = 0; i < known.size(); ++i) {
    if (known[i].version <= (i == 0 ? 0 : known[i - 1].version)) {
      return absl::InternalError(
          absl::StrCat("migration ", known[i].version, " (", known[i].name, ") is out of order"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SchemaState> Inspect(pqxx::transaction_base& txn,
                                    absl::Span<const Migration> known) {
  SchemaState state;
  state.known_version = KnownVersion(known);
  if (!txn.exec1(kTableExistsSql)[0].as<bool>()) return state;
  const pqxx::result applied = txn.exec(kAppliedSql);
  for (size_t i = 0; i < applied.size(); ++i) {
    const int version = applied[i][0].as<int>();
    const std::string name = applied[i][1].as<std::string>();
    if (version > state.known_version) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database schema is at version ", applied.back()[0].as<int>(),
                       ", newer than this binary knows (", state.known_version,
                       "): run a zhiyuand at least as new as the one that migrated it"));
    }
    if (i >= known.size() || known[i].version != version) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has migration ", version, " (", name, ") where this binary expects ",
          i < known.size() ? absl::StrCat("migration ", known[i].version) : "none",
          ": the database and the binary disagree on the schema's history"));
    }
    if (applied[i][2].as<std::string>() != known[i].checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", version, " (", name,
          ") was changed after it was applied: its checksum in schema_migrations differs from "
          "this binary's file; add a new migration instead of editing an applied one"));
    }
    state.applied_version = version;
  }
  return state;
}

}  // namespace

absl::StatusOr<SchemaState> InspectSchema(pqxx::transaction_base& txn,
                                          absl::Span<const Migration> known) {
  try {
    return Inspect(txn, known);
  } catch (...) {
    return StatusFromCurrentException("reading the schema version");
  }
}

absl::StatusOr<SchemaState> MigrateSchema(pqxx::connection& connection,
                                          absl::Span<const Migration> known) {
  ZY_RETURN_IF_ERROR(CheckOrder(known));
  try {
    pqxx::nontransaction(connection).exec(kLockSql);
  } catch (...) {
    return StatusFromCurrentException("taking the migration lock");
  }
  absl::StatusOr<SchemaState> result = [&]() -> absl::StatusOr<SchemaState> {
    try {
      pqxx::work txn(connection);
      txn.exec(kCreateTableSql);
      txn.commit();
    } catch (...) {
      return StatusFromCurrentException("creating schema_migrations");
    }
    while (true) {
      const Migration* next = nullptr;
      try {
        pqxx::work txn(connection);
        ZY_ASSIGN_OR_RETURN(const SchemaState state, Inspect(txn, known));
        if (state.up_to_date()) return state;
        for (const Migration& migration : known) {
          if (migration.version > state.applied_version) {
            next = &migration;
            break;
          }
        }
        txn.exec(next->sql);
        txn.exec_params(kRecordSql, next->version, next->name, next->checksum);
        txn.commit();
        LOG(INFO) << "applied migration " << next->version << " (" << next->name << ")";
      } catch (...) {
        return StatusFromCurrentException(
            next == nullptr
                ? std::string("reading the schema version")
                : absl::StrCat("applying migration ", next->version, " (", next->name, ")"));
      }
    }
  }();
  try {
    pqxx::nontransaction(connection).exec(kUnlockSql);
  } catch (const std::exception& e) {
    // The lock is the session's: it goes with the connection, which the caller closes.
    LOG(WARNING) << "releasing the migration lock: " << e.what();
  }
  return result;
}

absl::StatusOr<SchemaState> PrepareSchema(const std::string& conninfo,
                                          absl::Span<const Migration> known, bool apply,
                                          absl::Time deadline, const absl::Notification* stop) {
  std::unique_ptr<pqxx::connection> connection;
  while (connection == nullptr) {
    if (stop != nullptr && stop->HasBeenNotified()) {
      return absl::CancelledError("stopped while waiting for the database");
    }
    try {
      connection = Connect(conninfo, "zhiyuand-migrate");
    } catch (...) {
      absl::Status status = StatusFromCurrentException("connecting to the database");
      if (!absl::IsUnavailable(status) || absl::Now() + absl::Seconds(1) > deadline) {
        return status;
      }
      LOG(INFO) << "waiting for the database: " << status.message();
      absl::SleepFor(absl::Seconds(1));
    }
  }
  try {
    // Bounds the wait for another runner's advisory lock.
    pqxx::nontransaction(*connection)
        .exec(absl::StrCat("SET lock_timeout = ",
                           std::clamp<int64_t>(absl::ToInt64Milliseconds(deadline - absl::Now()), 1,
                                               std::numeric_limits<int32_t>::max())));
  } catch (...) {
    return StatusFromCurrentException("preparing to migrate");
  }
  if (apply) return MigrateSchema(*connection, known);
  try {
    pqxx::read_transaction txn(*connection);
    return Inspect(txn, known);
  } catch (...) {
    return StatusFromCurrentException("reading the schema version");
  }
}

}  // namespace zhiyuan::storage
