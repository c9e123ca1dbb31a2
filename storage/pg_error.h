// The one mapping from libpqxx exceptions to absl::Status. Storage code catches at its edge and
// calls StatusFromCurrentException(); nothing else in Zhiyuan turns a database error into a code.
#ifndef ZHIYUAN_STORAGE_PG_ERROR_H_
#define ZHIYUAN_STORAGE_PG_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::storage {

// Maps a PostgreSQL SQLSTATE to a status code:
//   23505 unique_violation → ALREADY_EXISTS; 23503 foreign_key_violation → FAILED_PRECONDITION;
//   other class 23 (integrity) and class 22 (data exception) → INVALID_ARGUMENT;
//   40001 serialization_failure, 40P01 deadlock, 55P03 lock_not_available → ABORTED;
//   57014 query_canceled (our statement_timeout) → DEADLINE_EXCEEDED;
//   class 08 (connection), 57P01–57P03 (shutdown, recovery), 53300 too_many_connections →
//   UNAVAILABLE; other class 53 (insufficient resources) → RESOURCE_EXHAUSTED;
//   anything else (syntax, undefined objects: our bugs) → INTERNAL.
absl::StatusCode StatusCodeForSqlState(absl::string_view sqlstate);

// Call only inside a `catch` block. Turns the exception in flight into a status whose message is
// safe to show a client: it names the class of failure, never SQL text or values. The full detail
// (SQLSTATE, server message, query) goes to the log. `what` says what was being done, e.g.
// "reading schema version", and starts the message.
absl::Status StatusFromCurrentException(absl::string_view what);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_PG_ERROR_H_
