#include "storage/in_memory_post_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

std::string Name(int64_t id) { return absl::StrCat("posts/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
}

bool Matches(const PostQuery& query, const Post& post) {
  return absl::StartsWith(post.region_code, query.region_code) &&
         (query.host_kind == 0 || post.host_kind == query.host_kind) &&
         (query.status == 0 || post.status == query.status) &&
         (query.duty_team_id == 0 || post.duty_team_id == query.duty_team_id) &&
         (query.show_deleted || !post.delete_time.has_value());
}

}  // namespace

absl::Status InMemoryPostStore::CheckTeam(int64_t team_id, absl::Time deadline) {
  if (team_id == 0) return absl::OkStatus();
  const absl::StatusOr<Team> team = teams_.Get(team_id, deadline);
  if (!team.ok() || team->delete_time.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("teams/", team_id, " does not exist or is deleted"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Post> InMemoryPostStore::Get(int64_t id, absl::Time) {
  absl::MutexLock lock(&mu_);
  const auto it = posts_.find(id);
  if (it == posts_.end()) return NotFound(id);
  return it->second;
}

absl::StatusOr<PostPage> InMemoryPostStore::List(const PostQuery& query, absl::Time) {
  absl::MutexLock lock(&mu_);
  PostPage page;
  for (const auto& [id, post] : posts_) {
    if (!Matches(query, post)) continue;
    ++page.total;
    if (id > query.after_id && static_cast<int>(page.posts.size()) < query.limit) {
      page.posts.push_back(post);
    }
  }
  return page;
}

absl::StatusOr<Post> InMemoryPostStore::Create(const Post& post, const std::string& request_id,
                                               const AuditEntry& audit, absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (const auto first = by_request_.find(request_id);
        !request_id.empty() && first != by_request_.end()) {
      return posts_.at(first->second);
    }
  }
  if (absl::IsNotFound(regions_.Get(post.region_code, deadline).status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("regions/", post.region_code, " does not exist"));
  }
  if (absl::Status team = CheckTeam(post.duty_team_id, deadline); !team.ok()) return team;
  absl::MutexLock lock(&mu_);
  // Again under the lock that inserts: a concurrent retry may have made it meanwhile.
  if (const auto first = by_request_.find(request_id);
      !request_id.empty() && first != by_request_.end()) {
    return posts_.at(first->second);
  }
  Post created = post;
  created.id = next_id_++;
  created.revision = 1;
  created.create_time = created.update_time = absl::Now();
  created.delete_time.reset();
  posts_[created.id] = created;
  if (!request_id.empty()) by_request_[request_id] = created.id;
  RecordChange(audit_log_, audit, Name(created.id), created.region_code);
  return created;
}

absl::StatusOr<Post*> InMemoryPostStore::LockForChange(int64_t id,
                                                       std::optional<int64_t> expected_revision) {
  const auto it = posts_.find(id);
  if (it == posts_.end()) return NotFound(id);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), it->second.revision, expected_revision));
  return &it->second;
}

absl::StatusOr<Post> InMemoryPostStore::Update(int64_t id, const PostChange& change,
                                               const AuditEntry& audit, absl::Time deadline) {
  const absl::Status team = CheckTeam(change.duty_team_id.value_or(0), deadline);
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Post*> found = LockForChange(id, change.expected_revision);
  if (!found.ok()) return found.status();
  Post& post = **found;
  if (post.delete_time.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
  }
  if (!team.ok()) return team;
  ApplyPostChange(change, post);
  ++post.revision;
  RecordChange(audit_log_, audit, Name(id), post.region_code);
  post.update_time = absl::Now();
  return post;
}

absl::StatusOr<Post> InMemoryPostStore::Delete(int64_t id, std::optional<int64_t> expected_revision,
                                               const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Post*> found = LockForChange(id, expected_revision);
  if (!found.ok()) return found.status();
  Post& post = **found;
  if (!post.delete_time.has_value()) {
    post.delete_time = post.update_time = absl::Now();
    ++post.revision;
    RecordChange(audit_log_, audit, Name(id), post.region_code);
  }
  return post;
}

}  // namespace zhiyuan::storage
