#include "storage/connection_pool.h"

#include <glog/logging.h>
#include <poll.h>

#include <algorithm>
#include <pqxx/nontransaction>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/connect.h"
#include "storage/pg_error.h"

namespace zhiyuan::storage {
namespace {

// An idle connection has nothing to read: the server speaks only when asked, except to say it
// is terminating the session (pg_terminate_backend, shutdown), after which it closes the socket.
// Readable data or end-of-file on an idle connection therefore means it is gone.
bool IsUsable(const pqxx::connection& connection) {
  if (!connection.is_open()) return false;
  pollfd fd{connection.sock(), POLLIN, 0};
  return fd.fd >= 0 && poll(&fd, 1, 0) == 0;
}

}  // namespace

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {}

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(Options options) {
  if (options.size <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("pool size must be positive, got ", options.size));
  }
  return std::unique_ptr<ConnectionPool>(new ConnectionPool(std::move(options)));
}

ConnectionPool::ConnectionPool(Options options)
    : conninfo_(std::move(options.conninfo)),
      application_name_(std::move(options.application_name)),
      size_(options.size) {
  free_.resize(size_);
}

ConnectionPool::~ConnectionPool() {
  Close();
  absl::MutexLock lock(&mu_);
  DCHECK(leased_.empty()) << "a connection pool destroyed while connections are leased";
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(absl::Time deadline) {
  std::unique_ptr<pqxx::connection> connection;
  {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return closed_ || !free_.empty(); };
    if (!mu_.AwaitWithDeadline(absl::Condition(&ready), deadline)) {
      return absl::UnavailableError(absl::StrCat(
          "no database connection became free before the deadline (all ", size_, " in use)"));
    }
    if (closed_) return absl::UnavailableError("the database connection pool is closed");
    connection = std::move(free_.back());
    free_.pop_back();
  }
  // The slot is ours now. Checking and (re)opening happen outside the lock: opening takes round
  // trips and must not hold up other callers.
  if (connection != nullptr && !IsUsable(*connection)) {
    LOG(INFO) << "replacing a broken database connection";
    connection.reset();
  }
  if (connection == nullptr) {
    try {
      connection = Connect(conninfo_, application_name_);
    } catch (...) {
      Return(nullptr);
      return StatusFromCurrentException("connecting to the database");
    }
  }
  absl::MutexLock lock(&mu_);
  leased_.emplace_back(connection.get(), connection->backendpid());
  return Lease(this, std::move(connection));
}

void ConnectionPool::Return(std::unique_ptr<pqxx::connection> connection) {
  absl::MutexLock lock(&mu_);
  leased_.erase(
      std::remove_if(leased_.begin(), leased_.end(),
                     [&](const auto& leased) { return leased.first == connection.get(); }),
      leased_.end());
  if (connection != nullptr && (closed_ || !IsUsable(*connection))) connection.reset();
  free_.push_back(std::move(connection));
}

void ConnectionPool::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (auto& connection : free_) connection.reset();
}

absl::Status ConnectionPool::CancelInFlight() {
  std::vector<int> pids;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& leased : leased_) pids.push_back(leased.second);
  }
  if (pids.empty()) return absl::OkStatus();
  try {
    // Not through the leased connections: each belongs to the thread using it.
    const auto canceller = Connect(conninfo_, application_name_ + "-canceller");
    pqxx::nontransaction txn(*canceller);
    for (const int pid : pids) txn.exec_params("SELECT pg_cancel_backend($1)", pid);
    return absl::OkStatus();
  } catch (...) {
    return StatusFromCurrentException("cancelling statements in flight");
  }
}

}  // namespace zhiyuan::storage
