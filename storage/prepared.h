// Statements a hot path runs many times, prepared once per connection: PostgreSQL then parses
// and plans them once instead of on every call (for a batch of service records that is most of
// the database's work per batch).
#ifndef ZHIYUAN_STORAGE_PREPARED_H_
#define ZHIYUAN_STORAGE_PREPARED_H_

#include <functional>
#include <pqxx/connection_base>
#include <pqxx/result>
#include <pqxx/transaction_base>
#include <string>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::storage {

// Runs `sql` with `args` as a prepared statement of `txn`'s connection, named after the text, so
// that the same text is prepared once per connection (pqxx prepares it on first use, and again
// after a reconnect).
template <typename... Args>
pqxx::result ExecPrepared(pqxx::transaction_base& txn, absl::string_view sql, Args&&... args) {
  const std::string name = absl::StrCat("zy_", absl::Hash<absl::string_view>()(sql));
  txn.conn().prepare(name, std::string(sql));
  return txn.exec_prepared(name, std::forward<Args>(args)...);
}

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_PREPARED_H_
