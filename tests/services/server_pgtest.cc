// zhiyuand's server end to end: a real gRPC client on a real port, over the test database.
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/bearer_channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/server.h"
#include "storage/migrations.h"
#include "tests/testing/database_tokens.h"
#include "tests/testing/health.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"
#include "zhiyuan/v1/region.grpc.pb.h"
#include "zhiyuan/v1/server_info.grpc.pb.h"

namespace zhiyuan::services {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::AnyOf;
using ::zhiyuan::testing::EqualsProto;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::testing::TestDatabaseUrl;
using ::zhiyuan::v1::GetServerInfoRequest;
using ::zhiyuan::v1::ServerInfo;
using ::zhiyuan::v1::ServerInfoService;

class ServerTest : public ::zhiyuan::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.database_url = TestDatabaseUrl();
    options.pool_size = 4;
    options.worker_threads = 8;
    options.migrations = storage::BuiltinMigrations();
    options.personal_data_key = std::string(32, 'k');
    auto server = Server::Start(options);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    channel_ = clients::CreateBearerChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials(),
        ::zhiyuan::testing::MintDatabaseAdminToken(TestDatabaseUrl()));
    info_ = ServerInfoService::NewStub(channel_);
    health_ = Health::NewStub(channel_);
  }

  grpc::Status GetServerInfo(ServerInfo* reply, absl::Duration timeout = absl::Seconds(10)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return info_->GetServerInfo(&context, GetServerInfoRequest(), reply);
  }

  // Starts `count` GetServerInfo calls on threads; their statuses land in `statuses`.
  std::vector<std::thread> StartCalls(int count, std::vector<grpc::Status>& statuses) {
    statuses.assign(count, grpc::Status(grpc::StatusCode::UNKNOWN, "not finished"));
    std::vector<std::thread> calls;
    for (int i = 0; i < count; ++i) {
      calls.emplace_back([this, &statuses, i] {
        ServerInfo reply;
        statuses[i] = GetServerInfo(&reply, absl::Seconds(30));
      });
    }
    return calls;
  }

  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<ServerInfoService::Stub> info_;
  std::unique_ptr<Health::Stub> health_;
};

// Holds an exclusive lock on database_identity, which GetServerInfo reads, so that calls block in
// the database until Release().
class IdentityLock {
 public:
  IdentityLock() : connection_(TestDatabaseUrl()), txn_(std::make_unique<pqxx::work>(connection_)) {
    txn_->exec("LOCK TABLE database_identity IN ACCESS EXCLUSIVE MODE");
  }
  void Release() { txn_.reset(); }

  // Waits until `count` sessions wait for this lock.
  void AwaitWaiters(int count) {
    pqxx::connection observer(TestDatabaseUrl());
    for (int i = 0; i < 1000; ++i) {
      const int waiting =
          pqxx::nontransaction(observer)
              .exec1(
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                  "AND datname = current_database() AND application_name = 'zhiyuand'")[0]
              .as<int>();
      if (waiting >= count) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    FAIL() << "calls did not reach the database";
  }

 private:
  pqxx::connection connection_;
  std::unique_ptr<pqxx::work> txn_;
};

TEST_F(ServerTest, HealthIsServingOnAMigratedDatabase) {
  EXPECT_TRUE(
      ::zhiyuan::testing::AwaitHealth(*health_, HealthCheckResponse::SERVING, absl::Seconds(10)));
}

TEST_F(ServerTest, HealthWatchersSeeNotServingWhenShutdownStarts) {
  ASSERT_TRUE(
      ::zhiyuan::testing::AwaitHealth(*health_, HealthCheckResponse::SERVING, absl::Seconds(10)));
  grpc::ClientContext context;
  auto watch = health_->Watch(&context, HealthCheckRequest());
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::SERVING);

  std::thread shutdown([this] { server_->Shutdown(absl::Seconds(5)); });
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  context.TryCancel();
  shutdown.join();
}

TEST_F(ServerTest, GetServerInfoDescribesServerAndDatabase) {
  const absl::Time before = absl::Now();
  ServerInfo reply;
  ASSERT_THAT(GetServerInfo(&reply), IsOk());

  pqxx::connection connection(TestDatabaseUrl());
  const pqxx::row row =
      pqxx::nontransaction(connection)
          .exec1(
              "SELECT database_id::text, floor(extract(epoch FROM create_time))::bigint, "
              "(extract(microseconds FROM create_time)::bigint % 1000000) * 1000, "
              "current_setting('server_version') FROM database_identity");
  const int schema_version = storage::BuiltinMigrations().back().version;
  ServerInfo expected;
  expected.set_version(kVersion);
  expected.set_database_status(zhiyuan::v1::DATABASE_STATUS_READY);
  expected.set_schema_version(schema_version);
  expected.set_binary_schema_version(schema_version);
  expected.set_database_id(row[0].as<std::string>());
  expected.mutable_database_create_time()->set_seconds(row[1].as<int64_t>());
  expected.mutable_database_create_time()->set_nanos(row[2].as<int>());
  expected.set_database_server_version(row[3].as<std::string>());
  // The start time is the server's own clock reading, taken in SetUp.
  EXPECT_LE(reply.start_time().seconds(), absl::ToUnixSeconds(before));
  EXPECT_GT(reply.start_time().seconds(), absl::ToUnixSeconds(before) - 60);
  *expected.mutable_start_time() = reply.start_time();
  EXPECT_THAT(reply, EqualsProto(expected));
}

TEST_F(ServerTest, AnotherPersonalDataKeyIsRefused) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = TestDatabaseUrl();
  options.migrations = storage::BuiltinMigrations();
  options.personal_data_key = std::string(32, 'x');  // The fixture's server recorded 'k'.
  EXPECT_THAT(Server::Start(options), StatusIs(absl::StatusCode::kFailedPrecondition,
                                               ::testing::HasSubstr("personal-data key")));
}

TEST_F(ServerTest, ANegativeDistinctVolunteersBudgetIsRefused) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = TestDatabaseUrl();
  options.migrations = storage::BuiltinMigrations();
  options.max_distinct_events = -1;
  EXPECT_THAT(Server::Start(options), StatusIs(absl::StatusCode::kInvalidArgument,
                                               ::testing::HasSubstr("must not be negative")));
}

TEST_F(ServerTest, DeadlineEndsACallBlockedInTheDatabase) {
  IdentityLock lock;
  ServerInfo reply;
  EXPECT_THAT(GetServerInfo(&reply, absl::Milliseconds(300)),
              StatusIs(grpc::StatusCode::DEADLINE_EXCEEDED));
  lock.Release();
  // The statement was cancelled by its statement_timeout: the pool's connections all still work.
  for (int i = 0; i < 8; ++i) EXPECT_THAT(GetServerInfo(&reply), IsOk());
}

TEST_F(ServerTest, ShutdownLetsCallsInFlightFinishWithinTheGrace) {
  IdentityLock lock;
  std::vector<grpc::Status> statuses;
  std::vector<std::thread> calls = StartCalls(3, statuses);
  lock.AwaitWaiters(3);

  std::thread shutdown([this] { server_->Shutdown(absl::Seconds(20)); });
  absl::SleepFor(absl::Milliseconds(200));
  // No new calls are taken meanwhile.
  ServerInfo reply;
  EXPECT_THAT(GetServerInfo(&reply, absl::Seconds(2)),
              StatusIs(AnyOf(grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::DEADLINE_EXCEEDED)));
  lock.Release();
  for (auto& call : calls) call.join();
  shutdown.join();
  for (const auto& status : statuses) EXPECT_THAT(status, IsOk());
}

TEST_F(ServerTest, ShutdownCancelsCallsStillRunningAfterTheGrace) {
  IdentityLock lock;
  std::vector<grpc::Status> statuses;
  std::vector<std::thread> calls = StartCalls(2, statuses);
  lock.AwaitWaiters(2);

  // Returns although the lock is still held: the statements in flight are cancelled.
  server_->Shutdown(absl::Milliseconds(300));
  for (auto& call : calls) call.join();
  for (const auto& status : statuses) {
    EXPECT_THAT(status, StatusIs(AnyOf(grpc::StatusCode::CANCELLED, grpc::StatusCode::UNAVAILABLE,
                                       grpc::StatusCode::DEADLINE_EXCEEDED)));
  }
  lock.Release();
}

TEST(ServerBootstrapTest, FirstStartWritesAnAdminTokenAndLaterStartsDoNot) {
  if (TestDatabaseUrl().empty()) GTEST_SKIP() << "no database";
  const std::string url = ::zhiyuan::testing::NewEmptyDatabase();
  ASSERT_THAT(storage::PrepareSchema(url, storage::BuiltinMigrations(), /*apply=*/true,
                                     absl::Now() + absl::Seconds(30)),
              IsOk());
  const std::string directory = ::testing::TempDir();
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = url;
  options.migrations = storage::BuiltinMigrations();
  options.personal_data_key = std::string(32, 'k');
  options.bootstrap_token_file = absl::StrCat(directory, "/bootstrap-first.token");
  auto first = Server::Start(options);
  ASSERT_THAT(first, IsOk());
  struct stat file;
  ASSERT_EQ(stat(options.bootstrap_token_file.c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600);
  std::ifstream in(options.bootstrap_token_file);
  std::string secret;
  std::getline(in, secret);
  EXPECT_EQ(secret.size(), 47u);  // "zyt_" and 43 base64url characters.

  auto call = [&](const std::string& token) {
    auto channel = clients::CreateBearerChannel(absl::StrCat("127.0.0.1:", (*first)->port()),
                                                grpc::InsecureChannelCredentials(), token);
    grpc::ClientContext context;
    ServerInfo reply;
    return ServerInfoService::NewStub(channel)->GetServerInfo(&context, GetServerInfoRequest(),
                                                              &reply);
  };
  EXPECT_THAT(call(secret), IsOk());
  EXPECT_THAT(call(""), StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  (*first)->Shutdown(absl::Seconds(1));

  options.bootstrap_token_file = absl::StrCat(directory, "/bootstrap-second.token");
  auto second = Server::Start(options);
  ASSERT_THAT(second, IsOk());
  EXPECT_NE(stat(options.bootstrap_token_file.c_str(), &file), 0);
  EXPECT_NE(stat(absl::StrCat(options.bootstrap_token_file, ".tmp").c_str(), &file), 0);
  (*second)->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace zhiyuan::services

namespace zhiyuan::services {
namespace {

// GRPC_ARG_MAX_CONCURRENT_STREAMS: a connection holding its limit of calls waits for one to end
// before the next starts, while another connection is served.
TEST(ServerLimitsTest, AConnectionRunsAtMostMaxConcurrentStreamsCalls) {
  if (TestDatabaseUrl().empty()) GTEST_SKIP() << "no database";
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = TestDatabaseUrl();
  options.migrations = storage::BuiltinMigrations();
  options.personal_data_key = std::string(32, 'k');
  options.max_concurrent_streams = 2;
  auto server = Server::Start(options);
  ASSERT_THAT(server, IsOk());
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  const std::string authorization =
      "Bearer " + ::zhiyuan::testing::MintDatabaseAdminToken(TestDatabaseUrl());
  // A channel with a connection of its own (channels share connections by default).
  auto connection = [&] {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
  };
  auto crowded = connection();
  auto regions = zhiyuan::v1::RegionService::NewStub(crowded);

  // Two imports held open: each keeps a stream (and waits for more regions).
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientWriter<zhiyuan::v1::ImportRegionsRequest>>> imports;
  std::vector<zhiyuan::v1::ImportRegionsResponse> replies(2);
  for (int i = 0; i < 2; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->AddMetadata("authorization", authorization);
    imports.push_back(regions->ImportRegions(contexts.back().get(), &replies[i]));
  }
  auto info = [&](const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", authorization);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    ServerInfo reply;
    return ServerInfoService::NewStub(channel)->GetServerInfo(&context, GetServerInfoRequest(),
                                                              &reply);
  };
  EXPECT_THAT(info(crowded), StatusIs(grpc::StatusCode::DEADLINE_EXCEEDED));
  EXPECT_THAT(info(connection()), IsOk());

  // One import ends (cancelled): the crowded connection takes a call again.
  contexts[0]->TryCancel();
  (void)imports[0]->Finish();
  EXPECT_THAT(info(crowded), IsOk());
  contexts[1]->TryCancel();
  (void)imports[1]->Finish();
  (*server)->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace zhiyuan::services
