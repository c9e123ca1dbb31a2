#include "tests/testing/pg_test_environment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/migrations.h"

namespace zhiyuan::testing {
namespace {

struct State {
  std::string admin_url;
  std::string test_url;
  std::vector<std::string> databases;
  int next_suffix = 0;
};

State& GetState() {
  static State* const state = new State();
  return *state;
}

std::string CreateDatabase() {
  State& state = GetState();
  const std::string name = absl::StrCat("zt_", getpid(), "_", state.next_suffix++);
  pqxx::connection admin(state.admin_url);
  pqxx::nontransaction txn(admin);
  txn.exec(absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
  txn.exec(absl::StrCat("CREATE DATABASE ", name));
  state.databases.push_back(name);
  // In a libpq key=value string the last value of a keyword wins.
  return absl::StrCat(state.admin_url, " dbname=", name);
}

class PgTestEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* url = std::getenv("ZHIYUAN_TEST_DATABASE_URL");
    if (url == nullptr || *url == '\0') {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "CI=true but ZHIYUAN_TEST_DATABASE_URL is not set: run the tests with "
                  "`make test`, which starts PostgreSQL";
      }
      return;  // PgTest skips each test.
    }
    State& state = GetState();
    state.admin_url = absl::StrCat(url, " dbname=postgres");
    state.test_url = CreateDatabase();
    pqxx::connection connection(state.test_url);
    const auto migrated = storage::MigrateSchema(connection, storage::BuiltinMigrations());
    ASSERT_TRUE(migrated.ok()) << migrated.status();
  }

  void TearDown() override {
    State& state = GetState();
    if (state.admin_url.empty()) return;
    pqxx::connection admin(state.admin_url);
    pqxx::nontransaction txn(admin);
    for (const std::string& name : state.databases) {
      txn.exec(absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
    }
  }
};

}  // namespace

void PgTest::SetUp() {
  if (GetState().test_url.empty()) {
    GTEST_SKIP() << "ZHIYUAN_TEST_DATABASE_URL is not set; `make test` sets it";
  }
}

const std::string& TestDatabaseUrl() { return GetState().test_url; }

std::string NewEmptyDatabase() { return CreateDatabase(); }

const std::string& AdminDatabaseUrl() { return GetState().admin_url; }

}  // namespace zhiyuan::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new zhiyuan::testing::PgTestEnvironment());
  return RUN_ALL_TESTS();
}
