#include "storage/connect.h"

#include <pqxx/nontransaction>

namespace zhiyuan::storage {

std::unique_ptr<pqxx::connection> Connect(const std::string& conninfo,
                                          const std::string& application_name) {
  auto connection = std::make_unique<pqxx::connection>(conninfo);
  // Deprecated in libpqxx 6 because reactivation itself is going away (libpqxx 7 never
  // reactivates); until then this is how to turn it off.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  if (!application_name.empty()) {
    pqxx::nontransaction txn(*connection);
    txn.exec_params("SELECT set_config('application_name', $1, false)", application_name);
  }
  return connection;
}

}  // namespace zhiyuan::storage
