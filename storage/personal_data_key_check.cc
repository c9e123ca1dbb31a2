#include "storage/personal_data_key_check.h"

#include <pqxx/transaction_base>

#include "absl/strings/escaping.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

constexpr char kRecordSql[] =
    "INSERT INTO personal_data_key_check (fingerprint) VALUES (decode($1, 'hex')) "
    "ON CONFLICT (singleton) DO NOTHING";
constexpr char kReadSql[] = "SELECT encode(fingerprint, 'hex') FROM personal_data_key_check";

}  // namespace

absl::Status CheckPersonalDataKey(ConnectionPool& pool, const std::string& fingerprint,
                                  absl::Time deadline) {
  const std::string hex = absl::BytesToHexString(fingerprint);
  return RunTransaction(pool, deadline, "checking the personal-data key", Access::kReadWrite,
                        [&](pqxx::transaction_base& txn) -> absl::Status {
                          txn.exec_params(kRecordSql, hex);
                          if (txn.exec1(kReadSql)[0].as<std::string>() != hex) {
                            return absl::FailedPreconditionError(
                                "the personal-data key differs from the one this database's "
                                "ID and phone numbers were protected with: give zhiyuand that "
                                "key (--data_key_file or ZHIYUAN_DATA_KEY)");
                          }
                          return absl::OkStatus();
                        });
}

}  // namespace zhiyuan::storage
