// PostStore in memory, for handler tests: the same behaviour as PostgresPostStore (both pass
// tests/storage/post_store_contract.h).
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_POST_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_POST_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/post_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"

namespace zhiyuan::storage {

class InMemoryPostStore final : public PostStore {
 public:
  // The stores say what posts may refer to; they must outlive this one.
  InMemoryPostStore(RegionStore& regions, TeamStore& teams, InMemoryAuditLog* audit_log = nullptr)
      : regions_(regions), teams_(teams), audit_log_(audit_log) {}

  absl::StatusOr<Post> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<PostPage> List(const PostQuery& query, absl::Time deadline) override;
  absl::StatusOr<Post> Create(const Post& post, const std::string& request_id,
                              const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Post> Update(int64_t id, const PostChange& change, const AuditEntry& audit,
                              absl::Time deadline) override;
  absl::StatusOr<Post> Delete(int64_t id, std::optional<int64_t> expected_revision,
                              const AuditEntry& audit, absl::Time deadline) override;

 private:
  absl::Status CheckTeam(int64_t team_id, absl::Time deadline);
  absl::StatusOr<Post*> LockForChange(int64_t id, std::optional<int64_t> expected_revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  RegionStore& regions_;
  TeamStore& teams_;
  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, Post> posts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_request_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_POST_STORE_H_
