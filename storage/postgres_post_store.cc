#include "storage/postgres_post_store.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "absl/strings/str_cat.h"
#include "storage/postgres_audit_log.h"
#include "storage/revision.h"
#include "storage/status_macros.h"
#include "storage/transaction.h"

namespace zhiyuan::storage {
namespace {

#define ZY_POST_COLUMNS                                                              \
  "id, display_name, host_organization, host_kind, region_code, address, latitude, " \
  "longitude, opening_hours, coalesce(duty_team_id, 0), status, revision, "          \
  "(extract(epoch FROM create_time) * 1000000)::bigint, "                            \
  "(extract(epoch FROM update_time) * 1000000)::bigint, "                            \
  "(extract(epoch FROM delete_time) * 1000000)::bigint"

constexpr char kGetSql[] = "SELECT " ZY_POST_COLUMNS " FROM posts WHERE id = $1";
constexpr char kLockSql[] = "SELECT " ZY_POST_COLUMNS " FROM posts WHERE id = $1 FOR UPDATE";
constexpr char kByRequestSql[] =
    "SELECT " ZY_POST_COLUMNS " FROM posts WHERE create_request_id = $1::uuid";
// $1 region prefix, $2 host kind, $3 status, $4 duty team (0: any), $5 show deleted.
#define ZY_POST_FILTER                                          \
  " FROM posts WHERE ($1 = '' OR region_code LIKE $1 || '%') "  \
  "AND ($2 = 0 OR host_kind = $2) AND ($3 = 0 OR status = $3) " \
  "AND ($4::bigint = 0 OR duty_team_id = $4) AND ($5 OR delete_time IS NULL)"
constexpr char kListSql[] =
    "SELECT " ZY_POST_COLUMNS ZY_POST_FILTER " AND id > $6 ORDER BY id LIMIT $7";
constexpr char kCountSql[] = "SELECT count(*)" ZY_POST_FILTER;
constexpr char kRegionExistsSql[] = "SELECT 1 FROM regions WHERE code = $1";
// Locked, so that "not deleted" holds until commit: a concurrent delete waits for it.
constexpr char kLiveTeamSql[] =
    "SELECT 1 FROM teams WHERE id = $1 AND delete_time IS NULL FOR SHARE";
constexpr char kInsertSql[] =
    "INSERT INTO posts (display_name, host_organization, host_kind, region_code, address, "
    "latitude, longitude, opening_hours, duty_team_id, status, create_request_id) "
    "VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN $7::float8 END, "
    "CASE WHEN $6 THEN $8::float8 END, $9, nullif($10::bigint, 0), $11, nullif($12, '')::uuid) "
    "ON CONFLICT (create_request_id) DO NOTHING RETURNING " ZY_POST_COLUMNS;
constexpr char kUpdateSql[] =
    "UPDATE posts SET display_name = $2, host_organization = $3, host_kind = $4, address = $5, "
    "latitude = CASE WHEN $6 THEN $7::float8 END, longitude = CASE WHEN $6 THEN $8::float8 END, "
    "opening_hours = $9, duty_team_id = nullif($10::bigint, 0), status = $11, "
    "revision = revision + 1, update_time = now() WHERE id = $1 RETURNING " ZY_POST_COLUMNS;
constexpr char kDeleteSql[] =
    "UPDATE posts SET delete_time = now(), update_time = now(), revision = revision + 1 "
    "WHERE id = $1 RETURNING " ZY_POST_COLUMNS;

#undef ZY_POST_FILTER
#undef ZY_POST_COLUMNS

Post FromRow(const pqxx::row& row) {
  Post post;
  post.id = row[0].as<int64_t>();
  post.display_name = row[1].as<std::string>();
  post.host_organization = row[2].as<std::string>();
  post.host_kind = row[3].as<int>();
  post.region_code = row[4].as<std::string>();
  post.address = row[5].as<std::string>();
  if (!row[6].is_null()) post.location = std::make_pair(row[6].as<double>(), row[7].as<double>());
  post.opening_hours = row[8].as<std::string>();
  post.duty_team_id = row[9].as<int64_t>();
  post.status = row[10].as<int>();
  post.revision = row[11].as<int64_t>();
  post.create_time = absl::FromUnixMicros(row[12].as<int64_t>());
  post.update_time = absl::FromUnixMicros(row[13].as<int64_t>());
  if (!row[14].is_null()) post.delete_time = absl::FromUnixMicros(row[14].as<int64_t>());
  return post;
}

std::string Name(int64_t id) { return absl::StrCat("posts/", id); }

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat(Name(id), " does not exist"));
}

absl::Status CheckTeam(pqxx::transaction_base& txn, int64_t team_id) {
  if (team_id != 0 && txn.exec_params(kLiveTeamSql, team_id).empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("teams/", team_id, " does not exist or is deleted"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Post> LockForChange(pqxx::transaction_base& txn, int64_t id,
                                   std::optional<int64_t> expected_revision) {
  const pqxx::result rows = txn.exec_params(kLockSql, id);
  if (rows.empty()) return NotFound(id);
  Post post = FromRow(rows[0]);
  ZY_RETURN_IF_ERROR(CheckRevision(Name(id), post.revision, expected_revision));
  return post;
}

}  // namespace

absl::StatusOr<Post> PostgresPostStore::Get(int64_t id, absl::Time deadline) {
  Post post;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "reading a post", Access::kReadOnly,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      const pqxx::result rows = txn.exec_params(kGetSql, id);
                                      if (rows.empty()) return NotFound(id);
                                      post = FromRow(rows[0]);
                                      return absl::OkStatus();
                                    }));
  return post;
}

absl::StatusOr<PostPage> PostgresPostStore::List(const PostQuery& query, absl::Time deadline) {
  PostPage page;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "listing posts", Access::kReadOnly,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        for (const pqxx::row& row :
             txn.exec_params(kListSql, query.region_code, query.host_kind, query.status,
                             query.duty_team_id, query.show_deleted, query.after_id, query.limit)) {
          page.posts.push_back(FromRow(row));
        }
        page.total = txn.exec_params1(kCountSql, query.region_code, query.host_kind, query.status,
                                      query.duty_team_id, query.show_deleted)[0]
                         .as<int64_t>();
        return absl::OkStatus();
      }));
  return page;
}

absl::StatusOr<Post> PostgresPostStore::Create(const Post& post, const std::string& request_id,
                                               const AuditEntry& audit, absl::Time deadline) {
  Post created;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "creating a post", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        if (!request_id.empty()) {
          if (const pqxx::result first = txn.exec_params(kByRequestSql, request_id);
              !first.empty()) {
            created = FromRow(first[0]);
            return absl::OkStatus();
          }
        }
        if (txn.exec_params(kRegionExistsSql, post.region_code).empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("regions/", post.region_code, " does not exist"));
        }
        ZY_RETURN_IF_ERROR(CheckTeam(txn, post.duty_team_id));
        const auto [latitude, longitude] = post.location.value_or(std::make_pair(0.0, 0.0));
        pqxx::result rows = txn.exec_params(
            kInsertSql, post.display_name, post.host_organization, post.host_kind, post.region_code,
            post.address, post.location.has_value(), latitude, longitude, post.opening_hours,
            post.duty_team_id, post.status, request_id);
        if (rows.empty()) {
          // A concurrent call with the same request_id made it first.
          created = FromRow(txn.exec_params1(kByRequestSql, request_id));
          return absl::OkStatus();
        }
        created = FromRow(rows[0]);
        AppendAudit(txn, audit, Name(created.id), created.region_code);
        return absl::OkStatus();
      }));
  return created;
}

absl::StatusOr<Post> PostgresPostStore::Update(int64_t id, const PostChange& change,
                                               const AuditEntry& audit, absl::Time deadline) {
  Post post;
  ZY_RETURN_IF_ERROR(RunTransaction(
      pool_, deadline, "updating a post", Access::kReadWrite,
      [&](pqxx::transaction_base& txn) -> absl::Status {
        ZY_ASSIGN_OR_RETURN(post, LockForChange(txn, id, change.expected_revision));
        if (post.delete_time.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(Name(id), " is deleted"));
        }
        ZY_RETURN_IF_ERROR(CheckTeam(txn, change.duty_team_id.value_or(0)));
        ApplyPostChange(change, post);
        const auto [latitude, longitude] = post.location.value_or(std::make_pair(0.0, 0.0));
        post = FromRow(txn.exec_params1(kUpdateSql, id, post.display_name, post.host_organization,
                                        post.host_kind, post.address, post.location.has_value(),
                                        latitude, longitude, post.opening_hours, post.duty_team_id,
                                        post.status));
        AppendAudit(txn, audit, Name(id), post.region_code);
        return absl::OkStatus();
      }));
  return post;
}

absl::StatusOr<Post> PostgresPostStore::Delete(int64_t id, std::optional<int64_t> expected_revision,
                                               const AuditEntry& audit, absl::Time deadline) {
  Post post;
  ZY_RETURN_IF_ERROR(RunTransaction(pool_, deadline, "deleting a post", Access::kReadWrite,
                                    [&](pqxx::transaction_base& txn) -> absl::Status {
                                      ZY_ASSIGN_OR_RETURN(
                                          post, LockForChange(txn, id, expected_revision));
                                      if (post.delete_time.has_value()) return absl::OkStatus();
                                      post = FromRow(txn.exec_params1(kDeleteSql, id));
                                      AppendAudit(txn, audit, Name(id), post.region_code);
                                      return absl::OkStatus();
                                    }));
  return post;
}

}  // namespace zhiyuan::storage
