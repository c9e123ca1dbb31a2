#include "storage/database_info_store.h"

#include <pqxx/transaction_base>

#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

constexpr char kServerVersionSql[] = "SELECT current_setting('server_version')";
constexpr char kIdentitySql[] =
    "SELECT database_id::text, (extract(epoch FROM create_time) * 1000000)::bigint "
    "FROM database_identity";

}  // namespace

absl::StatusOr<DatabaseInfo> PostgresDatabaseInfoStore::Get(absl::Time deadline) {
  DatabaseInfo info;
  info.create_time = absl::InfinitePast();
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading database info", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      ZY_ASSIGN_OR_RETURN(info.schema, InspectSchema(txn, known_));
                                      info.server_version =
                                          txn.exec1(kServerVersionSql)[0].as<std::string>();
                                      if (info.schema.applied_version >= 1) {
                                        const pqxx::row identity = txn.exec1(kIdentitySql);
                                        info.database_id = identity[0].as<std::string>();
                                        info.create_time =
                                            absl::FromUnixMicros(identity[1].as<int64_t>());
                                      }
                                      return absl::OkStatus();
                                    }));
  return info;
}

}  // namespace zhiyuan::storage
