// Schema migrations: numbered SQL files under storage/migrations/, compiled into the binary,
// applied in order under an advisory lock and recorded with their checksums in
// `schema_migrations`. A database that holds a migration this binary lacks, or one whose file
// changed after it was applied, is refused rather than guessed at.
#ifndef ZHIYUAN_STORAGE_MIGRATIONS_H_
#define ZHIYUAN_STORAGE_MIGRATIONS_H_

#include <pqxx/connection>
#include <pqxx/transaction_base>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace zhiyuan::storage {

struct Migration {
  int version;           // From the file name: 0003_add_teams.sql → 3. Strictly increasing.
  std::string name;      // The rest of the file name: "add_teams".
  std::string sql;       // The file's text; may hold several statements.
  std::string checksum;  // SHA-256 of the file, in hex.
};

// The migrations compiled into this binary, in version order (generated from
// storage/migrations/*.sql by the build).
absl::Span<const Migration> BuiltinMigrations();

// Where a database stands against the migrations a binary carries.
struct SchemaState {
  int applied_version = 0;  // Highest applied; 0 for a database never migrated.
  int known_version = 0;    // Highest the binary carries.
  bool up_to_date() const { return applied_version == known_version; }
};

// Reads the database's schema state without changing anything.
// Errors: FAILED_PRECONDITION when the database is at a newer version than `known` reaches, or an
// applied migration's checksum or place differs from `known`; database errors (pg_error.h).
absl::StatusOr<SchemaState> InspectSchema(pqxx::transaction_base& txn,
                                          absl::Span<const Migration> known);

// Applies the migrations of `known` that the database lacks, in order, each in its own
// transaction together with its schema_migrations row, holding a session-level advisory lock
// throughout so that concurrent runners (several zhiyuand starting at once) apply each exactly
// once. Returns the state afterwards.
// Errors: those of InspectSchema; INTERNAL when `known` is not in strictly increasing version
// order; a migration's own SQL errors (mapped as in pg_error.h), after which that migration is
// rolled back and the ones before it stay applied.
absl::StatusOr<SchemaState> MigrateSchema(pqxx::connection& connection,
                                          absl::Span<const Migration> known);

// Connects to `conninfo`, retrying while the database is unavailable (starting up) until
// `deadline` or until `stop` is notified, then migrates it (`apply`) or only inspects it, waiting
// for another runner's migration lock at most until `deadline`. For zhiyuand's start.
// Errors: UNAVAILABLE when the database cannot be reached by `deadline`; CANCELLED when `stop`
// was notified; ABORTED when another runner held the lock past `deadline`; those of
// MigrateSchema and InspectSchema.
absl::StatusOr<SchemaState> PrepareSchema(const std::string& conninfo,
                                          absl::Span<const Migration> known, bool apply,
                                          absl::Time deadline,
                                          const absl::Notification* stop = nullptr);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_MIGRATIONS_H_
