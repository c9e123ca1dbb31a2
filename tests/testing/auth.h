// Bearer tokens in handler tests: an Authorizer over in-memory tokens, and secrets to call with.
#ifndef ZHIYUAN_TESTS_TESTING_AUTH_H_
#define ZHIYUAN_TESTS_TESTING_AUTH_H_

#include <grpcpp/client_context.h>

#include <string>

#include "services/authorizer.h"
#include "storage/in_memory_post_store.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_token_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/testing/audit.h"

namespace zhiyuan::testing {

// The stores a TestAuth answers scope questions from; those left null are empty stores of its
// own.
struct TestAuthStores {
  storage::TeamStore* teams = nullptr;
  storage::PracticeUnitStore* units = nullptr;
  storage::PostStore* posts = nullptr;
  storage::VolunteerStore* volunteers = nullptr;
};

class TestAuth {
 public:
  explicit TestAuth(TestAuthStores stores)
      : authorizer_(
            {tokens_, stores.teams ? *stores.teams : own_teams_,
             stores.units ? *stores.units : own_units_, stores.posts ? *stores.posts : own_posts_,
             stores.volunteers ? *stores.volunteers : own_volunteers_},
            absl::ZeroDuration()) {
    storage::Token admin;
    admin.display_name = "测试管理员";
    admin.role = zhiyuan::v1::ROLE_SYSTEM_ADMIN;
    admin_secret_ = Mint(admin);
  }

  services::Authorizer& authorizer() { return authorizer_; }
  storage::InMemoryTokenStore& tokens() { return tokens_; }

  // Stores `token` (a day to live unless it says otherwise) and returns its secret.
  std::string Mint(storage::Token token) {
    if (token.expire_time == absl::Time()) token.expire_time = absl::Now() + absl::Hours(24);
    const services::TokenSecret secret = services::MintTokenSecret();
    const absl::StatusOr<storage::Token> made =
        tokens_.Create(token, secret.hash, ::zhiyuan::testing::TestAudit(), absl::InfiniteFuture());
    return made.ok() ? secret.secret : "";
  }

  // Calls with the system admin's token.
  void Authorize(grpc::ClientContext& context) const { Authorize(context, admin_secret_); }
  static void Authorize(grpc::ClientContext& context, const std::string& secret) {
    context.AddMetadata("authorization", "Bearer " + secret);
  }

 private:
  storage::InMemoryTokenStore tokens_;
  storage::InMemoryRegionStore own_regions_;
  storage::InMemoryPracticeUnitStore own_units_{own_regions_};
  storage::InMemoryVolunteerStore own_volunteers_{own_regions_};
  storage::InMemoryTeamStore own_teams_{own_regions_, own_units_, own_volunteers_};
  storage::InMemoryPostStore own_posts_{own_regions_, own_teams_};
  services::Authorizer authorizer_;
  std::string admin_secret_;
};

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_AUTH_H_
