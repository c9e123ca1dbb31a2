// What the database says about itself: schema state, server version and identity. Read by the
// ServerInfoService and by the health monitor.
#ifndef ZHIYUAN_STORAGE_DATABASE_INFO_STORE_H_
#define ZHIYUAN_STORAGE_DATABASE_INFO_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "storage/connection_pool.h"
#include "storage/migrations.h"

namespace zhiyuan::storage {

struct DatabaseInfo {
  SchemaState schema;
  std::string server_version;  // PostgreSQL's, e.g. "15.18 (Debian 15.18-0+deb12u1)".
  std::string database_id;     // UUID minted by migration 1; empty before it is applied.
  absl::Time create_time;      // When migration 1 ran; InfinitePast() before.
};

class DatabaseInfoStore {
 public:
  virtual ~DatabaseInfoStore() = default;

  // Errors: those of RunTransaction and InspectSchema.
  virtual absl::StatusOr<DatabaseInfo> Get(absl::Time deadline) = 0;
};

class PostgresDatabaseInfoStore final : public DatabaseInfoStore {
 public:
  // `known`: the migrations the binary carries; both arguments must outlive the store.
  PostgresDatabaseInfoStore(ConnectionPool& pool, absl::Span<const Migration> known)
      : pool_(pool), known_(known) {}

  absl::StatusOr<DatabaseInfo> Get(absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
  const absl::Span<const Migration> known_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_DATABASE_INFO_STORE_H_
