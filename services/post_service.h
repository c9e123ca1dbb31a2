// zhiyuan.v1.PostService: validation and conversion around a PostStore.
#ifndef ZHIYUAN_SERVICES_POST_SERVICE_H_
#define ZHIYUAN_SERVICES_POST_SERVICE_H_

#include "services/authorizer.h"
#include "storage/post_store.h"
#include "zhiyuan/v1/post.grpc.pb.h"

namespace zhiyuan::services {

class PostServiceImpl final : public zhiyuan::v1::PostService::Service {
 public:
  // The store and the authorizer must outlive the service.
  PostServiceImpl(storage::PostStore& store, Authorizer& authorizer)
      : store_(store), authorizer_(authorizer) {}

  grpc::Status GetPost(grpc::ServerContext* context, const zhiyuan::v1::GetPostRequest* request,
                       zhiyuan::v1::Post* response) override;
  grpc::Status ListPosts(grpc::ServerContext* context, const zhiyuan::v1::ListPostsRequest* request,
                         zhiyuan::v1::ListPostsResponse* response) override;
  grpc::Status CreatePost(grpc::ServerContext* context,
                          const zhiyuan::v1::CreatePostRequest* request,
                          zhiyuan::v1::Post* response) override;
  grpc::Status UpdatePost(grpc::ServerContext* context,
                          const zhiyuan::v1::UpdatePostRequest* request,
                          zhiyuan::v1::Post* response) override;
  grpc::Status DeletePost(grpc::ServerContext* context,
                          const zhiyuan::v1::DeletePostRequest* request,
                          zhiyuan::v1::Post* response) override;

 private:
  absl::StatusOr<storage::Post> ReachablePost(const Principal& caller, int64_t id,
                                              absl::string_view verb, absl::Time deadline);
  absl::Status CheckDutyTeam(const Principal& caller, int64_t team_id, absl::Time deadline);

  storage::PostStore& store_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_POST_SERVICE_H_
