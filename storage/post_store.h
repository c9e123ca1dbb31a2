// PostStore: where 学雷锋 service posts are kept. PostgresPostStore is the real one;
// InMemoryPostStore serves handler tests. Both pass tests/storage/post_store_contract.h.
#ifndef ZHIYUAN_STORAGE_POST_STORE_H_
#define ZHIYUAN_STORAGE_POST_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

struct Post {
  int64_t id = 0;
  std::string display_name;
  std::string host_organization;
  int host_kind = 0;  // zhiyuan.v1.PostHostKind.
  std::string region_code;
  std::string address;
  std::optional<std::pair<double, double>> location;  // Latitude, longitude.
  std::string opening_hours;
  int64_t duty_team_id = 0;  // 0: none.
  int status = 1;            // zhiyuan.v1.PostStatus.
  int64_t revision = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

struct PostQuery {
  std::string region_code;   // "" for the country; else the region's subtree.
  int host_kind = 0;         // 0: any.
  int status = 0;            // 0: any.
  int64_t duty_team_id = 0;  // 0: any.
  bool show_deleted = false;
  int64_t after_id = 0;
  int limit = 100;
};

struct PostPage {
  std::vector<Post> posts;  // At most `limit`, ordered by id.
  int64_t total = 0;        // All matches, ignoring after_id and limit.
};

// The fields an update sets; the others stay. `expected_revision` as elsewhere.
struct PostChange {
  std::optional<std::string> display_name;
  std::optional<std::string> host_organization;
  std::optional<int> host_kind;
  std::optional<std::string> address;
  std::optional<std::optional<std::pair<double, double>>> location;  // nullopt inside clears.
  std::optional<std::string> opening_hours;
  std::optional<int64_t> duty_team_id;  // 0 clears.
  std::optional<int> status;
  std::optional<int64_t> expected_revision;
};

class PostStore {
 public:
  virtual ~PostStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Post> Get(int64_t id, absl::Time deadline) = 0;

  virtual absl::StatusOr<PostPage> List(const PostQuery& query, absl::Time deadline) = 0;

  // Creates `post`, or returns the one created earlier with `request_id` (a UUID; "" for none).
  // Errors: FAILED_PRECONDITION when the region or duty team does not exist or the team is
  // deleted.
  virtual absl::StatusOr<Post> Create(const Post& post, const std::string& request_id,
                                      const AuditEntry& audit, absl::Time deadline) = 0;

  // Errors: NOT_FOUND; ABORTED on a stale revision; FAILED_PRECONDITION when deleted or the new
  // duty team does not exist or is deleted.
  virtual absl::StatusOr<Post> Update(int64_t id, const PostChange& change, const AuditEntry& audit,
                                      absl::Time deadline) = 0;

  // Marks the post deleted (a deleted one is returned as it is). Errors: NOT_FOUND; ABORTED.
  virtual absl::StatusOr<Post> Delete(int64_t id, std::optional<int64_t> expected_revision,
                                      const AuditEntry& audit, absl::Time deadline) = 0;
};

// Applies `change` to `post` (the fields it names), for both stores.
void ApplyPostChange(const PostChange& change, Post& post);

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POST_STORE_H_
