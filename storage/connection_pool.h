// A fixed-size pool of PostgreSQL connections shared by the RPC handlers of one zhiyuand.
// Connections open lazily; one that broke (server restart, pg_terminate_backend) is replaced
// before it is handed out again, never given to a caller.
#ifndef ZHIYUAN_STORAGE_CONNECTION_POOL_H_
#define ZHIYUAN_STORAGE_CONNECTION_POOL_H_

#include <memory>
#include <pqxx/connection>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace zhiyuan::storage {

class ConnectionPool {
 public:
  struct Options {
    // libpq connection string ("host=... port=... dbname=..." or a postgresql:// URL).
    std::string conninfo;
    // How many connections at most; callers beyond that wait.
    int size = 8;
    // The sessions' application_name, shown in pg_stat_activity.
    std::string application_name = "zhiyuand";
  };

  // A connection lent to one caller; it goes back to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    pqxx::connection& connection() const { return *connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection);

    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };

  // Errors: INVALID_ARGUMENT when `size` is not positive.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(Options options);

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool();

  // Lends a working connection, waiting at most until `deadline` for one to be free.
  // Errors: UNAVAILABLE when none frees up in time, when the pool is closed, or when a new
  // connection cannot be opened (the database is down or refuses us).
  absl::StatusOr<Lease> Acquire(absl::Time deadline);

  // Closes idle connections now and leased ones as they come back; later Acquire calls, and
  // callers waiting in Acquire, fail UNAVAILABLE.
  void Close();

  // Asks the server (over a connection of its own) to cancel the statement running on every
  // leased connection. Used at the end of a shutdown's grace period, after Close(), so that
  // handlers blocked in the database return. Errors: UNAVAILABLE when the server cannot be
  // reached to ask.
  absl::Status CancelInFlight();

  int size() const { return size_; }

 private:
  ConnectionPool(Options options);
  void Return(std::unique_ptr<pqxx::connection> connection);

  const std::string conninfo_;
  const std::string application_name_;
  const int size_;
  absl::Mutex mu_;
  // One entry per free slot: an open idle connection, or null where one is yet to be opened.
  std::vector<std::unique_ptr<pqxx::connection>> free_ ABSL_GUARDED_BY(mu_);
  // Leased connections and their server process ids (for cancelling).
  std::vector<std::pair<pqxx::connection*, int>> leased_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_CONNECTION_POOL_H_
