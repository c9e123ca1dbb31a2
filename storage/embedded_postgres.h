// A private PostgreSQL 15 cluster in a directory of its own, for `make run` and the tests:
// created on first use, started and stopped with pg_ctl. Run as root, it runs PostgreSQL as the
// `postgres` user (initdb and postgres refuse root), giving that user the directory and, where an
// ancestor would stop it (a checkout under /root), execute-only passage through the ancestor. The
// server listens on a Unix socket in the directory and on a free loopback port chosen at creation;
// both are written into the cluster's configuration, so a plain `pg_ctl -D <dir>/data start` brings
// it back the same way.
#ifndef ZHIYUAN_STORAGE_EMBEDDED_POSTGRES_H_
#define ZHIYUAN_STORAGE_EMBEDDED_POSTGRES_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::storage {

class EmbeddedPostgres {
 public:
  struct Options {
    // The cluster's home: data/ holds PGDATA, postgres.log the server log, and the directory
    // itself the Unix socket. Created if missing.
    std::string directory;
    // Where initdb, pg_ctl and postgres are.
    std::string bin_dir = "/usr/lib/postgresql/15/bin";
  };

  // Creates the cluster unless `directory` already holds one, then starts it unless it is
  // already running (a server left behind by a crash is adopted, and stopped by Stop()).
  // Errors: FAILED_PRECONDITION when the directory cannot be made usable by the postgres user;
  // INTERNAL when initdb or pg_ctl fails (their output is in the log file named).
  static absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> Start(Options options);

  // The cluster already in `options.directory`, whether running or not; nothing is started.
  // Errors: NOT_FOUND when the directory holds no cluster made by Start().
  static absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> Open(Options options);

  // Stops the cluster at once (fast shutdown: sessions are ended, nothing is lost).
  // Errors: INTERNAL when pg_ctl fails.
  absl::Status Stop();

  // Creates `database` unless it exists. Errors: UNAVAILABLE when the server cannot be reached.
  absl::Status CreateDatabase(absl::string_view database);

  // A libpq connection string for `database` over the Unix socket, as the postgres superuser.
  std::string ConnInfo(absl::string_view database) const;

  int port() const { return port_; }

  // Whether Start() started the server (rather than finding it running).
  bool started_here() const { return started_here_; }

 private:
  EmbeddedPostgres(Options options, int port) : options_(std::move(options)), port_(port) {}

  const Options options_;
  const int port_;
  bool started_here_ = false;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_EMBEDDED_POSTGRES_H_
