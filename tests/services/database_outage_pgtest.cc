// The server while its database goes away and comes back: health and calls follow, with no
// restart. Runs a PostgreSQL cluster of its own so that it can stop it.
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/bearer_channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/server.h"
#include "storage/migrations.h"
#include "tests/testing/database_tokens.h"
#include "tests/testing/health.h"
#include "tests/testing/scratch_cluster.h"
#include "tests/testing/status_matchers.h"
#include "zhiyuan/v1/server_info.grpc.pb.h"

namespace zhiyuan::services {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::zhiyuan::testing::AwaitHealth;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::ScratchCluster;
using ::zhiyuan::testing::StatusIs;

grpc::Status GetServerInfo(zhiyuan::v1::ServerInfoService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  zhiyuan::v1::ServerInfo reply;
  return stub.GetServerInfo(&context, zhiyuan::v1::GetServerInfoRequest(), &reply);
}

TEST(DatabaseOutageTest, HealthAndCallsFollowTheDatabaseWithoutARestart) {
  ScratchCluster scratch;
  auto cluster = scratch.Start();
  ASSERT_THAT(cluster, IsOk());
  ASSERT_THAT((*cluster)->CreateDatabase("zhiyuan"), IsOk());
  const std::string url = (*cluster)->ConnInfo("zhiyuan");
  ASSERT_THAT(storage::PrepareSchema(url, storage::BuiltinMigrations(), /*apply=*/true,
                                     absl::Now() + absl::Seconds(10)),
              IsOk());

  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = url;
  options.migrations = storage::BuiltinMigrations();
  options.personal_data_key = std::string(32, 'k');
  auto server = Server::Start(options);
  ASSERT_THAT(server, IsOk());
  auto channel = clients::CreateBearerChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                              grpc::InsecureChannelCredentials(),
                                              ::zhiyuan::testing::MintDatabaseAdminToken(url));
  auto health = Health::NewStub(channel);
  auto info = zhiyuan::v1::ServerInfoService::NewStub(channel);
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::SERVING, absl::Seconds(10)));
  EXPECT_THAT(GetServerInfo(*info), IsOk());

  ASSERT_THAT(scratch.Stop(), IsOk());
  // The monitor checks every 250 ms; the limits here are generous for a loaded machine, and
  // docs/BENCHMARKS.md records the times measured.
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::NOT_SERVING, absl::Seconds(5)));
  EXPECT_THAT(GetServerInfo(*info), StatusIs(grpc::StatusCode::UNAVAILABLE));

  ASSERT_THAT(scratch.Start(), IsOk());
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::SERVING, absl::Seconds(10)));
  EXPECT_THAT(GetServerInfo(*info), IsOk());
  (*server)->Shutdown(absl::Seconds(1));
}

TEST(DatabaseOutageTest, UnmigratedDatabaseIsNotServing) {
  ScratchCluster scratch;
  auto cluster = scratch.Start();
  ASSERT_THAT(cluster, IsOk());
  ASSERT_THAT((*cluster)->CreateDatabase("zhiyuan"), IsOk());

  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = (*cluster)->ConnInfo("zhiyuan");
  options.migrations = storage::BuiltinMigrations();
  options.personal_data_key = std::string(32, 'k');
  auto server = Server::Start(options);
  ASSERT_THAT(server, IsOk());
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto health = Health::NewStub(channel);
  // It never turns SERVING: watch it for a few checks.
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(AwaitHealth(*health, HealthCheckResponse::SERVING, absl::Milliseconds(100)));
  }

  // No token can be checked before the schema is there: calls ask to be retried.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer zyt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  zhiyuan::v1::ServerInfo reply;
  EXPECT_THAT(zhiyuan::v1::ServerInfoService::NewStub(channel)->GetServerInfo(
                  &context, zhiyuan::v1::GetServerInfoRequest(), &reply),
              StatusIs(grpc::StatusCode::UNAVAILABLE));

  ASSERT_THAT(storage::PrepareSchema(options.database_url, storage::BuiltinMigrations(), true,
                                     absl::Now() + absl::Seconds(10)),
              IsOk());
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::SERVING, absl::Seconds(10)));
  (*server)->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace zhiyuan::services
