// Bearer tokens straight into a test database, for tests of the real server.
#ifndef ZHIYUAN_TESTS_TESTING_DATABASE_TOKENS_H_
#define ZHIYUAN_TESTS_TESTING_DATABASE_TOKENS_H_

#include <string>

#include "absl/time/clock.h"
#include "services/authorizer.h"
#include "storage/connection_pool.h"
#include "storage/postgres_token_store.h"
#include "tests/testing/audit.h"

namespace zhiyuan::testing {

// Stores `token` (a day to live unless it says otherwise) in the database at `url` and returns
// its secret; "" when that fails.
inline std::string MintDatabaseToken(const std::string& url, storage::Token token) {
  auto pool = storage::ConnectionPool::Create({url, 1, "test-tokens"});
  if (!pool.ok()) return "";
  storage::PostgresTokenStore tokens(**pool);
  if (token.expire_time == absl::Time()) token.expire_time = absl::Now() + absl::Hours(24);
  const services::TokenSecret secret = services::MintTokenSecret();
  if (!tokens
           .Create(token, secret.hash, ::zhiyuan::testing::TestAudit(),
                   absl::Now() + absl::Seconds(10))
           .ok())
    return "";
  return secret.secret;
}

// A system admin's secret in the database at `url`.
inline std::string MintDatabaseAdminToken(const std::string& url) {
  storage::Token admin;
  admin.display_name = "测试管理员";
  admin.role = zhiyuan::v1::ROLE_SYSTEM_ADMIN;
  return MintDatabaseToken(url, admin);
}

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_DATABASE_TOKENS_H_
