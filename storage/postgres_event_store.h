// EventStore on PostgreSQL: the `events` table (migration 0012).
#ifndef ZHIYUAN_STORAGE_POSTGRES_EVENT_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_EVENT_STORE_H_

#include <pqxx/row>

#include "storage/connection_pool.h"
#include "storage/event_store.h"

namespace zhiyuan::storage {

// The columns EventFromRow reads, for other stores' queries of `events`.
extern const char kEventColumns[];
Event EventFromRow(const pqxx::row& row);

class PostgresEventStore final : public EventStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresEventStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<Event> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<EventPage> List(const EventQuery& query, absl::Time deadline) override;
  absl::StatusOr<Event> Create(const Event& event, const std::string& request_id,
                               const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Event> Update(int64_t id, const EventChange& change, const AuditEntry& audit,
                               absl::Time deadline) override;
  absl::StatusOr<Event> Delete(int64_t id, std::optional<int64_t> expected_revision,
                               const AuditEntry& audit, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_EVENT_STORE_H_
