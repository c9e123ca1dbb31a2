#include "storage/transaction.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <pqxx/transaction>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/pg_error.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

absl::Status DeadlinePassed(absl::string_view what) {
  return absl::DeadlineExceededError(
      absl::StrCat(what, ": the deadline passed before the database was reached"));
}

template <typename Transaction>
absl::Status Run(pqxx::connection& connection, absl::Time deadline, absl::string_view what,
                 absl::FunctionRef<absl::Status(pqxx::transaction_base&)> body) {
  Transaction txn(connection);
  ZY_RETURN_IF_ERROR(ApplyDeadline(txn, deadline, what));
  ZY_RETURN_IF_ERROR(body(txn));
  txn.commit();
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyDeadline(pqxx::transaction_base& txn, absl::Time deadline,
                           absl::string_view what) {
  if (deadline == absl::InfiniteFuture()) return absl::OkStatus();
  // Whole milliseconds, rounded up so that a sliver of time left is not 0 (no timeout), and at
  // most INT_MAX, the largest statement_timeout PostgreSQL takes (24.8 days).
  const double ms = std::min<double>(std::ceil(absl::ToDoubleMilliseconds(deadline - absl::Now())),
                                     std::numeric_limits<int32_t>::max());
  if (ms <= 0) return DeadlinePassed(what);
  txn.exec(absl::StrCat("SET LOCAL statement_timeout = ", static_cast<int64_t>(ms)));
  return absl::OkStatus();
}

absl::Status RunTransaction(ConnectionPool& pool, absl::Time deadline, absl::string_view what,
                            Access access,
                            absl::FunctionRef<absl::Status(pqxx::transaction_base&)> body) {
  if (deadline <= absl::Now()) return DeadlinePassed(what);
  ZY_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool.Acquire(deadline));
  try {
    if (access == Access::kReadOnly) {
      return Run<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(lease.connection(),
                                                                            deadline, what, body);
    }
    return Run<pqxx::work>(lease.connection(), deadline, what, body);
  } catch (...) {
    return StatusFromCurrentException(what);
  }
}

}  // namespace zhiyuan::storage
