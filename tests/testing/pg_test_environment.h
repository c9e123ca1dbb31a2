// Real-PostgreSQL tests (*_pgtest): each test binary gets throwaway databases on the server named
// by ZHIYUAN_TEST_DATABASE_URL (a libpq key=value string for a superuser; `make test` starts one),
// built by the real migrations and dropped when the binary ends. Without the variable the tests
// are skipped, unless CI=true, where that is a failure.
//
// Link //tests/testing:pg_test_main instead of gtest_main, and derive fixtures from PgTest.
#ifndef ZHIYUAN_TESTS_TESTING_PG_TEST_ENVIRONMENT_H_
#define ZHIYUAN_TESTS_TESTING_PG_TEST_ENVIRONMENT_H_

#include <gtest/gtest.h>

#include <string>

namespace zhiyuan::testing {

// Base fixture of real-database tests: skips the test when there is no database.
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

// The connection string of this binary's database, migrated with BuiltinMigrations().
const std::string& TestDatabaseUrl();

// Creates another database, empty (not even migrated), and returns its connection string.
std::string NewEmptyDatabase();

// The connection string of the server's `postgres` database, for administrative statements.
const std::string& AdminDatabaseUrl();

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_PG_TEST_ENVIRONMENT_H_
