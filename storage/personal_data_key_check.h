// Makes sure every zhiyuand serving a database protects personal data with the same key.
#ifndef ZHIYUAN_STORAGE_PERSONAL_DATA_KEY_CHECK_H_
#define ZHIYUAN_STORAGE_PERSONAL_DATA_KEY_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storage/connection_pool.h"

namespace zhiyuan::storage {

// Records `fingerprint` (a keyed hash that identifies the key without revealing it) when the
// database has none yet, else compares it with the recorded one.
// Errors: FAILED_PRECONDITION when they differ; database errors (pg_error.h).
absl::Status CheckPersonalDataKey(ConnectionPool& pool, const std::string& fingerprint,
                                  absl::Time deadline);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_PERSONAL_DATA_KEY_CHECK_H_
