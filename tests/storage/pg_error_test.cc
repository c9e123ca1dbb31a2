#include "storage/pg_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/except>
#include <stdexcept>

#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::zhiyuan::testing::StatusIs;

struct SqlStateCase {
  const char* sqlstate;
  absl::StatusCode code;
};

class SqlStateTest : public ::testing::TestWithParam<SqlStateCase> {};

TEST_P(SqlStateTest, MapsToCode) {
  EXPECT_EQ(StatusCodeForSqlState(GetParam().sqlstate), GetParam().code);
}

INSTANTIATE_TEST_SUITE_P(
    AllClasses, SqlStateTest,
    ::testing::Values(SqlStateCase{"23505", absl::StatusCode::kAlreadyExists},
                      SqlStateCase{"23503", absl::StatusCode::kFailedPrecondition},
                      SqlStateCase{"23514", absl::StatusCode::kInvalidArgument},
                      SqlStateCase{"23502", absl::StatusCode::kInvalidArgument},
                      SqlStateCase{"22001", absl::StatusCode::kInvalidArgument},
                      SqlStateCase{"22P02", absl::StatusCode::kInvalidArgument},
                      SqlStateCase{"40001", absl::StatusCode::kAborted},
                      SqlStateCase{"40P01", absl::StatusCode::kAborted},
                      SqlStateCase{"55P03", absl::StatusCode::kAborted},
                      SqlStateCase{"57014", absl::StatusCode::kDeadlineExceeded},
                      SqlStateCase{"57P01", absl::StatusCode::kUnavailable},
                      SqlStateCase{"57P03", absl::StatusCode::kUnavailable},
                      SqlStateCase{"08006", absl::StatusCode::kUnavailable},
                      SqlStateCase{"53300", absl::StatusCode::kUnavailable},
                      SqlStateCase{"53100", absl::StatusCode::kResourceExhausted},
                      SqlStateCase{"42P01", absl::StatusCode::kInternal},
                      SqlStateCase{"42601", absl::StatusCode::kInternal},
                      SqlStateCase{"XX000", absl::StatusCode::kInternal}));

// Throws `exception` and maps it the way storage code does.
template <typename Exception>
absl::Status Map(const Exception& exception) {
  try {
    throw exception;
  } catch (...) {
    return StatusFromCurrentException("saving the team");
  }
}

TEST(StatusFromCurrentExceptionTest, SqlErrorKeepsSqlAndValuesOutOfTheMessage) {
  const absl::Status status =
      Map(pqxx::unique_violation("ERROR: duplicate key value violates unique constraint "
                                 "\"teams_pkey\" DETAIL: Key (id)=(42) already exists.",
                                 "INSERT INTO teams VALUES (42)", "23505"));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAlreadyExists,
                               AllOf(HasSubstr("saving the team"), Not(HasSubstr("teams_pkey")),
                                     Not(HasSubstr("INSERT")), Not(HasSubstr("42")))));
}

TEST(StatusFromCurrentExceptionTest, BrokenConnectionIsUnavailable) {
  EXPECT_THAT(Map(pqxx::broken_connection("server closed the connection unexpectedly")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("saving the team")));
}

TEST(StatusFromCurrentExceptionTest, SerializationFailureIsAborted) {
  EXPECT_THAT(Map(pqxx::serialization_failure("could not serialize access")),
              StatusIs(absl::StatusCode::kAborted));
}

TEST(StatusFromCurrentExceptionTest, DeadlockIsAborted) {
  EXPECT_THAT(Map(pqxx::deadlock_detected("deadlock detected")),
              StatusIs(absl::StatusCode::kAborted));
}

TEST(StatusFromCurrentExceptionTest, InDoubtCommitIsUnknown) {
  EXPECT_THAT(Map(pqxx::in_doubt_error("connection lost during commit")),
              StatusIs(absl::StatusCode::kUnknown, HasSubstr("may or may not")));
}

TEST(StatusFromCurrentExceptionTest, StatementTimeoutIsDeadlineExceeded) {
  EXPECT_THAT(Map(pqxx::sql_error("canceling statement due to statement timeout",
                                  "SELECT pg_sleep(10)", "57014")),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST(StatusFromCurrentExceptionTest, OtherExceptionsAreInternal) {
  EXPECT_THAT(Map(std::runtime_error("boom")),
              StatusIs(absl::StatusCode::kInternal, Not(HasSubstr("boom"))));
  EXPECT_THAT(Map(pqxx::conversion_error("cannot convert")), StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace zhiyuan::storage
