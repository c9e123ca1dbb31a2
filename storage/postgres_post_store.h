// PostStore on PostgreSQL: the `posts` table (migration 0006).
#ifndef ZHIYUAN_STORAGE_POSTGRES_POST_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_POST_STORE_H_

#include "storage/connection_pool.h"
#include "storage/post_store.h"

namespace zhiyuan::storage {

class PostgresPostStore final : public PostStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresPostStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<Post> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<PostPage> List(const PostQuery& query, absl::Time deadline) override;
  absl::StatusOr<Post> Create(const Post& post, const std::string& request_id,
                              const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Post> Update(int64_t id, const PostChange& change, const AuditEntry& audit,
                              absl::Time deadline) override;
  absl::StatusOr<Post> Delete(int64_t id, std::optional<int64_t> expected_revision,
                              const AuditEntry& audit, absl::Time deadline) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_POST_STORE_H_
