// Opening a PostgreSQL connection the way all of Zhiyuan does.
#ifndef ZHIYUAN_STORAGE_CONNECT_H_
#define ZHIYUAN_STORAGE_CONNECT_H_

#include <memory>
#include <pqxx/connection>
#include <string>

namespace zhiyuan::storage {

// Connects to `conninfo` and, when `application_name` is not empty, names the session so that
// pg_stat_activity shows who holds it. The connection never silently reconnects: libpqxx 6 would
// otherwise reopen a broken connection at the next BEGIN, losing session state such as advisory
// locks behind the caller's back. Throws pqxx exceptions (broken_connection when unreachable).
std::unique_ptr<pqxx::connection> Connect(const std::string& conninfo,
                                          const std::string& application_name);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_CONNECT_H_
