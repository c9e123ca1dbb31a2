// zhiyuan.v1.TokenService: minting, listing and revoking bearer tokens, each within what the
// caller may hand out (docs/SECURITY.md).
#ifndef ZHIYUAN_SERVICES_TOKEN_SERVICE_H_
#define ZHIYUAN_SERVICES_TOKEN_SERVICE_H_

#include "services/authorizer.h"
#include "storage/region_store.h"
#include "storage/token_store.h"
#include "zhiyuan/v1/token.grpc.pb.h"

namespace zhiyuan::services {

class TokenServiceImpl final : public zhiyuan::v1::TokenService::Service {
 public:
  // The stores and the authorizer must outlive the service.
  TokenServiceImpl(storage::TokenStore& store, storage::RegionStore& regions,
                   Authorizer& authorizer)
      : store_(store), regions_(regions), authorizer_(authorizer) {}

  grpc::Status CreateToken(grpc::ServerContext* context,
                           const zhiyuan::v1::CreateTokenRequest* request,
                           zhiyuan::v1::CreateTokenResponse* response) override;
  grpc::Status GetToken(grpc::ServerContext* context, const zhiyuan::v1::GetTokenRequest* request,
                        zhiyuan::v1::Token* response) override;
  grpc::Status ListTokens(grpc::ServerContext* context,
                          const zhiyuan::v1::ListTokensRequest* request,
                          zhiyuan::v1::ListTokensResponse* response) override;
  grpc::Status RevokeToken(grpc::ServerContext* context,
                           const zhiyuan::v1::RevokeTokenRequest* request,
                           zhiyuan::v1::Token* response) override;

 private:
  absl::Status ResolveScope(const Principal& caller, storage::Token& token, absl::Time deadline);
  absl::StatusOr<storage::Token> ReachableToken(const Principal& caller, absl::string_view name,
                                                absl::Time deadline);

  storage::TokenStore& store_;
  storage::RegionStore& regions_;
  Authorizer& authorizer_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_TOKEN_SERVICE_H_
