#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>

#include "absl/strings/str_cat.h"
#include "storage/embedded_postgres.h"
#include "tests/testing/scratch_cluster.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::ScratchCluster;
using ::zhiyuan::testing::StatusIs;

TEST(EmbeddedPostgresTest, CreatesStartsAndKeepsDataAcrossRestarts) {
  ScratchCluster scratch;
  auto cluster = scratch.Start();
  ASSERT_THAT(cluster, IsOk());
  EXPECT_TRUE(std::filesystem::exists(scratch.directory() + "/data/PG_VERSION"));
  ASSERT_THAT((*cluster)->CreateDatabase("zhiyuan"), IsOk());
  ASSERT_THAT((*cluster)->CreateDatabase("zhiyuan"), IsOk());  // Already there: no error.
  {
    pqxx::connection connection((*cluster)->ConnInfo("zhiyuan"));
    pqxx::nontransaction txn(connection);
    txn.exec("CREATE TABLE kept (x int)");
    txn.exec("INSERT INTO kept VALUES (42)");
    EXPECT_EQ(txn.exec1("SHOW fsync")[0].as<std::string>(), "on");
    EXPECT_EQ(txn.exec1("SHOW listen_addresses")[0].as<std::string>(), "127.0.0.1");
  }
  const int port = (*cluster)->port();
  ASSERT_THAT(scratch.Stop(), IsOk());
  EXPECT_THROW(pqxx::connection((*cluster)->ConnInfo("zhiyuan")), pqxx::broken_connection);

  auto again = scratch.Start();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)->port(), port);
  pqxx::connection connection((*again)->ConnInfo("zhiyuan"));
  EXPECT_EQ(pqxx::nontransaction(connection).exec1("SELECT x FROM kept")[0].as<int>(), 42);
  // The loopback port answers too.
  pqxx::connection tcp(absl::StrCat("host=127.0.0.1 port=", port, " dbname=zhiyuan user=postgres"));
  EXPECT_TRUE(tcp.is_open());
}

TEST(EmbeddedPostgresTest, StartAdoptsAClusterThatIsAlreadyRunning) {
  ScratchCluster scratch;
  ASSERT_THAT(scratch.Start(), IsOk());
  auto second = scratch.Start();
  ASSERT_THAT(second, IsOk());
  pqxx::connection connection((*second)->ConnInfo("postgres"));
  EXPECT_TRUE(connection.is_open());
}

TEST(EmbeddedPostgresTest, AClusterUnderAPrivateDirectoryOpensThePathToPostgres) {
  if (geteuid() != 0) GTEST_SKIP() << "only root runs PostgreSQL as another user";
  char parent[] = "/tmp/zhiyuan-private.XXXXXX";
  ASSERT_NE(mkdtemp(parent), nullptr);  // Mode 0700: postgres cannot pass.
  EmbeddedPostgres::Options options;
  options.directory = std::string(parent) + "/checkout/var/pg";
  auto cluster = EmbeddedPostgres::Start(options);
  ASSERT_THAT(cluster, IsOk());
  EXPECT_TRUE(pqxx::connection((*cluster)->ConnInfo("postgres")).is_open());
  EXPECT_THAT((*cluster)->Stop(), IsOk());
  // Passage only: others may traverse the directory, not list it.
  EXPECT_EQ(std::filesystem::status(parent).permissions() & std::filesystem::perms::others_all,
            std::filesystem::perms::others_exec);
  std::filesystem::remove_all(parent);
}

TEST(EmbeddedPostgresTest, OpenFindsNoClusterInAnEmptyDirectory) {
  EmbeddedPostgres::Options options;
  options.directory = "/tmp/zhiyuan-no-such-cluster";
  EXPECT_THAT(EmbeddedPostgres::Open(options),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no PostgreSQL cluster")));
}

}  // namespace
}  // namespace zhiyuan::storage
