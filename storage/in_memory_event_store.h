// EventStore in memory, for handler tests: the same behaviour as PostgresEventStore (both pass
// tests/storage/event_store_contract.h).
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_EVENT_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_EVENT_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/event_store.h"
#include "storage/in_memory_audit_log.h"
#include "storage/post_store.h"
#include "storage/practice_unit_store.h"
#include "storage/program_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"

namespace zhiyuan::storage {

class InMemoryEventStore final : public EventStore {
 public:
  // The stores say what events may refer to; they (and `audit_log`, when given) must outlive
  // this one.
  InMemoryEventStore(RegionStore& regions, TeamStore& teams, ProgramStore& programs,
                     PostStore& posts, PracticeUnitStore& units,
                     InMemoryAuditLog* audit_log = nullptr)
      : regions_(regions),
        teams_(teams),
        programs_(programs),
        posts_(posts),
        units_(units),
        audit_log_(audit_log) {}

  absl::StatusOr<Event> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<EventPage> List(const EventQuery& query, absl::Time deadline) override;
  absl::StatusOr<Event> Create(const Event& event, const std::string& request_id,
                               const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Event> Update(int64_t id, const EventChange& change, const AuditEntry& audit,
                               absl::Time deadline) override;
  absl::StatusOr<Event> Delete(int64_t id, std::optional<int64_t> expected_revision,
                               const AuditEntry& audit, absl::Time deadline) override;

 private:
  absl::Status CheckReferences(const Event& event, const Event* before, absl::Time deadline);
  absl::StatusOr<Event*> LockForChange(int64_t id, std::optional<int64_t> expected_revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  RegionStore& regions_;
  TeamStore& teams_;
  ProgramStore& programs_;
  PostStore& posts_;
  PracticeUnitStore& units_;
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, Event> events_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_request_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_EVENT_STORE_H_
