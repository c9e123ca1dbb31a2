#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/nontransaction>
#include <thread>

#include "absl/time/clock.h"
#include "storage/connection_pool.h"
#include "storage/transaction.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::testing::TestDatabaseUrl;

std::unique_ptr<ConnectionPool> MakePool(int size) {
  auto pool = ConnectionPool::Create({TestDatabaseUrl(), size});
  EXPECT_THAT(pool, IsOk());
  return *std::move(pool);
}

int BackendPid(pqxx::connection& connection) {
  return pqxx::nontransaction(connection).exec1("SELECT pg_backend_pid()")[0].as<int>();
}

absl::Time In(absl::Duration duration) { return absl::Now() + duration; }

class ConnectionPoolTest : public ::zhiyuan::testing::PgTest {};
class RunTransactionTest : public ::zhiyuan::testing::PgTest {};

TEST_F(ConnectionPoolTest, CreateRejectsNonPositiveSize) {
  EXPECT_THAT(ConnectionPool::Create({TestDatabaseUrl(), 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("size")));
}

TEST_F(ConnectionPoolTest, ReusesAReturnedConnection) {
  auto pool = MakePool(1);
  int first_pid;
  {
    auto lease = pool->Acquire(In(absl::Seconds(5)));
    ASSERT_THAT(lease, IsOk());
    first_pid = BackendPid(lease->connection());
  }
  auto lease = pool->Acquire(In(absl::Seconds(5)));
  ASSERT_THAT(lease, IsOk());
  EXPECT_EQ(BackendPid(lease->connection()), first_pid);
}

TEST_F(ConnectionPoolTest, ExhaustedPoolFailsUnavailableAtTheDeadline) {
  auto pool = MakePool(2);
  auto first = pool->Acquire(In(absl::Seconds(5)));
  auto second = pool->Acquire(In(absl::Seconds(5)));
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());

  const absl::Time deadline = In(absl::Milliseconds(200));
  EXPECT_THAT(pool->Acquire(deadline),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("all 2 in use")));
  // It waited for the deadline rather than failing at once.
  EXPECT_GE(absl::Now(), deadline);
}

TEST_F(ConnectionPoolTest, WaiterGetsTheConnectionReturnedBeforeItsDeadline) {
  auto pool = MakePool(1);
  auto held = pool->Acquire(In(absl::Seconds(5)));
  ASSERT_THAT(held, IsOk());
  std::thread releaser([lease = *std::move(held)]() mutable {
    absl::SleepFor(absl::Milliseconds(100));
    ConnectionPool::Lease dropped = std::move(lease);
  });
  EXPECT_THAT(pool->Acquire(In(absl::Seconds(10))), IsOk());
  releaser.join();
}

TEST_F(ConnectionPoolTest, TerminatedBackendIsReplacedNotHandedOut) {
  auto pool = MakePool(1);
  int old_pid;
  {
    auto lease = pool->Acquire(In(absl::Seconds(5)));
    ASSERT_THAT(lease, IsOk());
    old_pid = BackendPid(lease->connection());
  }
  pqxx::connection admin(TestDatabaseUrl());
  pqxx::nontransaction txn(admin);
  txn.exec_params("SELECT pg_terminate_backend($1)", old_pid);
  // pg_terminate_backend only signals; wait until the backend is gone.
  for (int i = 0;
       i < 500 &&
       !txn.exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1", old_pid).empty();
       ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }

  auto lease = pool->Acquire(In(absl::Seconds(5)));
  ASSERT_THAT(lease, IsOk());
  const int new_pid = BackendPid(lease->connection());  // Throws if handed a dead connection.
  EXPECT_NE(new_pid, old_pid);
}

TEST_F(ConnectionPoolTest, UnreachableDatabaseIsUnavailable) {
  auto pool = ConnectionPool::Create({"host=/nonexistent port=1 dbname=x connect_timeout=2", 1});
  ASSERT_THAT(pool, IsOk());
  EXPECT_THAT((*pool)->Acquire(In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connecting to the database")));
  // The failed attempt gave its slot back.
  EXPECT_THAT((*pool)->Acquire(In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connecting")));
}

TEST_F(ConnectionPoolTest, ClosedPoolIsUnavailable) {
  auto pool = MakePool(1);
  pool->Close();
  EXPECT_THAT(pool->Acquire(In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("closed")));
}

TEST_F(ConnectionPoolTest, CancelInFlightEndsARunningStatement) {
  auto pool = MakePool(1);
  std::thread canceller([&pool] {
    // Cancel once the statement runs, not before.
    pqxx::connection observer(TestDatabaseUrl());
    for (int i = 0; i < 3000; ++i) {
      if (!pqxx::nontransaction(observer)
               .exec("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' "
                     "AND state = 'active'")
               .empty()) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_THAT(pool->CancelInFlight(), IsOk());
  });
  const absl::Status status = RunTransaction(*pool, absl::InfiniteFuture(), "sleeping",
                                             Access::kReadOnly, [](pqxx::transaction_base& txn) {
                                               txn.exec("SELECT pg_sleep(30)");
                                               return absl::OkStatus();
                                             });
  canceller.join();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(ConnectionPoolTest, CloseWakesCallersWaitingForAConnection) {
  auto pool = MakePool(1);
  auto held = pool->Acquire(In(absl::Seconds(5)));
  ASSERT_THAT(held, IsOk());
  std::thread closer([&pool] {
    absl::SleepFor(absl::Milliseconds(100));
    pool->Close();
  });
  EXPECT_THAT(pool->Acquire(absl::InfiniteFuture()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("closed")));
  closer.join();
}

TEST_F(ConnectionPoolTest, SessionsCarryTheApplicationName) {
  auto pool = ConnectionPool::Create({TestDatabaseUrl(), 1, "zhiyuan-test-pool"});
  ASSERT_THAT(pool, IsOk());
  auto lease = (*pool)->Acquire(In(absl::Seconds(5)));
  ASSERT_THAT(lease, IsOk());
  EXPECT_EQ(pqxx::nontransaction(lease->connection())
                .exec1("SELECT current_setting('application_name')")[0]
                .as<std::string>(),
            "zhiyuan-test-pool");
}

TEST_F(RunTransactionTest, CommitsWhenBodySucceeds) {
  auto pool = MakePool(1);
  ASSERT_THAT(RunTransaction(*pool, In(absl::Seconds(5)), "creating", Access::kReadWrite,
                             [](pqxx::transaction_base& txn) {
                               txn.exec("CREATE TABLE committed (x int)");
                               return absl::OkStatus();
                             }),
              IsOk());
  pqxx::connection check(TestDatabaseUrl());
  EXPECT_TRUE(pqxx::nontransaction(check)
                  .exec1("SELECT to_regclass('committed') IS NOT NULL")[0]
                  .as<bool>());
}

TEST_F(RunTransactionTest, RollsBackAndReturnsTheBodysError) {
  auto pool = MakePool(1);
  EXPECT_THAT(RunTransaction(*pool, In(absl::Seconds(5)), "creating", Access::kReadWrite,
                             [](pqxx::transaction_base& txn) {
                               txn.exec("CREATE TABLE rolled_back (x int)");
                               return absl::NotFoundError("team not found");
                             }),
              StatusIs(absl::StatusCode::kNotFound, "team not found"));
  pqxx::connection check(TestDatabaseUrl());
  EXPECT_FALSE(pqxx::nontransaction(check)
                   .exec1("SELECT to_regclass('rolled_back') IS NOT NULL")[0]
                   .as<bool>());
}

TEST_F(RunTransactionTest, DeadlineBecomesStatementTimeout) {
  auto pool = MakePool(1);
  EXPECT_THAT(RunTransaction(*pool, In(absl::Milliseconds(300)), "sleeping", Access::kReadOnly,
                             [](pqxx::transaction_base& txn) {
                               txn.exec("SELECT pg_sleep(30)");
                               return absl::OkStatus();
                             }),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("sleeping")));
  // The connection is still good for the next caller.
  EXPECT_THAT(RunTransaction(*pool, In(absl::Seconds(5)), "reading", Access::kReadOnly,
                             [](pqxx::transaction_base& txn) {
                               txn.exec("SELECT 1");
                               return absl::OkStatus();
                             }),
              IsOk());
}

TEST_F(RunTransactionTest, PassedDeadlineFailsWithoutTouchingTheDatabase) {
  auto pool = MakePool(1);
  bool ran = false;
  EXPECT_THAT(RunTransaction(*pool, absl::Now() - absl::Seconds(1), "reading", Access::kReadOnly,
                             [&ran](pqxx::transaction_base&) {
                               ran = true;
                               return absl::OkStatus();
                             }),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(ran);
}

TEST_F(RunTransactionTest, ReadOnlyTransactionRejectsWrites) {
  auto pool = MakePool(1);
  EXPECT_THAT(RunTransaction(*pool, In(absl::Seconds(5)), "writing", Access::kReadOnly,
                             [](pqxx::transaction_base& txn) {
                               txn.exec("CREATE TABLE not_allowed (x int)");
                               return absl::OkStatus();
                             }),
              StatusIs(absl::StatusCode::kInternal));
}

TEST_F(RunTransactionTest, UniqueViolationIsAlreadyExists) {
  auto pool = MakePool(1);
  EXPECT_THAT(RunTransaction(*pool, In(absl::Seconds(5)), "inserting", Access::kReadWrite,
                             [](pqxx::transaction_base& txn) {
                               txn.exec("CREATE TEMP TABLE t (x int PRIMARY KEY)");
                               txn.exec("INSERT INTO t VALUES (1), (1)");
                               return absl::OkStatus();
                             }),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("inserting")));
}

}  // namespace
}  // namespace zhiyuan::storage
