// Runs one RPC's database work as one transaction on a pooled connection, bounded by the RPC's
// deadline: the wait for a connection and every statement (statement_timeout) end with it.
#ifndef ZHIYUAN_STORAGE_TRANSACTION_H_
#define ZHIYUAN_STORAGE_TRANSACTION_H_

#include <pqxx/transaction_base>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/connection_pool.h"

namespace zhiyuan::storage {

enum class Access { kReadOnly, kReadWrite };

// Runs `body` in a transaction, READ COMMITTED for kReadWrite and REPEATABLE READ for kReadOnly
// (so that a page and its total come from one snapshot), and commits when it returns OK; any other
// status, or an exception, rolls back. `what` names the work for error messages ("reading server
// info"). Errors: DEADLINE_EXCEEDED when `deadline` passes before the transaction starts or while a
// statement runs; those of ConnectionPool::Acquire; the status `body` returns; database errors
// mapped by StatusFromCurrentException.
absl::Status RunTransaction(ConnectionPool& pool, absl::Time deadline, absl::string_view what,
                            Access access,
                            absl::FunctionRef<absl::Status(pqxx::transaction_base&)> body);

// Bounds every later statement of `txn` by `deadline` (SET LOCAL statement_timeout), for work
// that holds a transaction open across calls, such as a streamed import. RunTransaction does this
// itself. Errors: DEADLINE_EXCEEDED when the deadline has passed. Throws pqxx exceptions.
absl::Status ApplyDeadline(pqxx::transaction_base& txn, absl::Time deadline,
                           absl::string_view what);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_TRANSACTION_H_
