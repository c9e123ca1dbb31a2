// zhiyuand: Zhiyuan's gRPC server. Every flag can also come from the environment variable named
// in its help; a flag on the command line wins.
#include <glog/logging.h>
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "services/admin_token.h"
#include "services/listener_credentials.h"
#include "services/personal_data.h"
#include "services/server.h"
#include "storage/connection_pool.h"
#include "storage/embedded_postgres.h"
#include "storage/migrations.h"
#include "storage/postgres_token_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to serve gRPC on; port 0 picks a free one [ZHIYUAN_LISTEN]");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain to serve TLS with, together with --tls_key_file; without TLS "
          "zhiyuand listens on loopback only [ZHIYUAN_TLS_CERT_FILE]");
ABSL_FLAG(std::string, tls_key_file, "",
          "PEM private key of --tls_cert_file [ZHIYUAN_TLS_KEY_FILE]");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA certificates: with TLS, admits only clients whose certificate they sign "
          "(mutual TLS) [ZHIYUAN_TLS_CLIENT_CA_FILE]");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "calls one client connection may have open at once [ZHIYUAN_MAX_CONCURRENT_STREAMS]");
ABSL_FLAG(std::string, database_url, "",
          "libpq connection string of the database; empty runs an embedded PostgreSQL under "
          "--data_dir [ZHIYUAN_DATABASE_URL]");
ABSL_FLAG(std::string, data_dir, "var",
          "directory for local state: the embedded PostgreSQL cluster lives in <data_dir>/pg "
          "[ZHIYUAN_DATA_DIR]");
ABSL_FLAG(std::string, data_key_file, "",
          "file with the 32-byte key (64 hex digits) that protects personal data; or give the "
          "key itself in ZHIYUAN_DATA_KEY; with the embedded PostgreSQL it defaults to "
          "<data_dir>/data.key, made on first use [ZHIYUAN_DATA_KEY_FILE]");
ABSL_FLAG(int, pool_size, 8, "database connections shared by all calls [ZHIYUAN_POOL_SIZE]");
ABSL_FLAG(int64_t, max_distinct_events, zhiyuan::services::ServerOptions().max_distinct_events,
          "active volunteers over a window that is no calendar month, quarter or year are "
          "counted from the records, when the scope holds at most this many events; else the "
          "answer says it is unavailable [ZHIYUAN_MAX_DISTINCT_EVENTS]");
ABSL_FLAG(int64_t, max_distinct_records, zhiyuan::services::ServerOptions().max_distinct_records,
          "... and when the scope and window hold at most this many credited records "
          "[ZHIYUAN_MAX_DISTINCT_RECORDS]");
ABSL_FLAG(int, worker_threads, 128,
          "threads serving calls at most; a call beyond them is refused with RESOURCE_EXHAUSTED, "
          "and each call holds its thread while it waits for its write's group commit "
          "[ZHIYUAN_WORKER_THREADS]");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "on SIGINT/SIGTERM, how long calls in flight may take to finish "
          "[ZHIYUAN_SHUTDOWN_GRACE]");
ABSL_FLAG(absl::Duration, startup_timeout, absl::Seconds(60),
          "how long to wait for the database at startup [ZHIYUAN_STARTUP_TIMEOUT]");
ABSL_FLAG(bool, migrate, true,
          "apply pending schema migrations at startup; without it zhiyuand serves NOT_SERVING "
          "until someone else migrates [ZHIYUAN_MIGRATE]");
ABSL_FLAG(bool, migrate_only, false, "apply pending schema migrations and exit");
ABSL_FLAG(std::string, bootstrap_token_file, "",
          "when the database has no tokens yet, make the first system admin token and write its "
          "secret to this file (mode 0600); with the embedded PostgreSQL it defaults to "
          "<data_dir>/admin.token [ZHIYUAN_BOOTSTRAP_TOKEN_FILE]");
ABSL_FLAG(std::string, issue_admin_token_file, "",
          "make a new system admin token, write its secret to this file (mode 0600) and exit: "
          "the way back in for an operator with database access who lost every admin token");
ABSL_FLAG(int, record_batches, 2,
          "service record batches (group commits of concurrent calls) written at once at most "
          "[ZHIYUAN_RECORD_BATCHES]");
ABSL_FLAG(absl::Duration, token_cache_ttl, absl::Seconds(5),
          "how long a token read from the database is trusted before it is read again; a token "
          "revoked through another server stops working here within this time "
          "[ZHIYUAN_TOKEN_CACHE_TTL]");

namespace {

using zhiyuan::services::Server;
using zhiyuan::storage::EmbeddedPostgres;

constexpr char kEmbeddedDatabase[] = "zhiyuan";

// Sets flags from their environment variables; the command line, parsed after, overrides them.
void ApplyEnvironment() {
  const std::pair<const char*, const char*> kFlagsFromEnv[] = {
      {"listen", "ZHIYUAN_LISTEN"},
      {"tls_cert_file", "ZHIYUAN_TLS_CERT_FILE"},
      {"tls_key_file", "ZHIYUAN_TLS_KEY_FILE"},
      {"tls_client_ca_file", "ZHIYUAN_TLS_CLIENT_CA_FILE"},
      {"max_concurrent_streams", "ZHIYUAN_MAX_CONCURRENT_STREAMS"},
      {"database_url", "ZHIYUAN_DATABASE_URL"},
      {"data_dir", "ZHIYUAN_DATA_DIR"},
      {"data_key_file", "ZHIYUAN_DATA_KEY_FILE"},
      {"pool_size", "ZHIYUAN_POOL_SIZE"},
      {"worker_threads", "ZHIYUAN_WORKER_THREADS"},
      {"max_distinct_events", "ZHIYUAN_MAX_DISTINCT_EVENTS"},
      {"max_distinct_records", "ZHIYUAN_MAX_DISTINCT_RECORDS"},
      {"shutdown_grace", "ZHIYUAN_SHUTDOWN_GRACE"},
      {"startup_timeout", "ZHIYUAN_STARTUP_TIMEOUT"},
      {"migrate", "ZHIYUAN_MIGRATE"},
      {"bootstrap_token_file", "ZHIYUAN_BOOTSTRAP_TOKEN_FILE"},
      {"token_cache_ttl", "ZHIYUAN_TOKEN_CACHE_TTL"},
      {"record_batches", "ZHIYUAN_RECORD_BATCHES"},
  };
  for (const auto& [flag_name, env_name] : kFlagsFromEnv) {
    const char* value = std::getenv(env_name);
    if (value == nullptr) continue;
    std::string error;
    if (!absl::FindCommandLineFlag(flag_name)->ParseFrom(value, &error)) {
      std::cerr << "zhiyuand: " << env_name << "=" << value << ": " << error << "\n";
      std::exit(2);
    }
  }
}

// --issue_admin_token_file: makes a system admin token. Returns the process's exit code.
int IssueAdminToken(const std::string& database_url, const std::string& path) {
  absl::StatusOr<std::unique_ptr<zhiyuan::storage::ConnectionPool>> pool =
      zhiyuan::storage::ConnectionPool::Create({database_url, 1, "zhiyuand-admin-token"});
  if (!pool.ok()) {
    LOG(ERROR) << "cannot reach the database: " << pool.status();
    return 1;
  }
  zhiyuan::storage::PostgresTokenStore tokens(**pool);
  const absl::StatusOr<std::optional<zhiyuan::storage::Token>> made =
      zhiyuan::services::MakeAdminToken(tokens, path, zhiyuan::services::AdminTokenMode::kAlways,
                                        absl::Now() + absl::Seconds(30));
  if (!made.ok()) {
    LOG(ERROR) << "cannot make an admin token: " << made.status();
    return 1;
  }
  LOG(INFO) << "made tokens/" << (*made)->id << ", a system admin token; its secret is in " << path;
  return 0;
}

// Runs the server until `stop` is notified. Returns the process's exit code.
int Serve(const std::string& database_url, const std::string& personal_data_key,
          const std::string& bootstrap_token_file, const absl::Notification& stop) {
  const auto migrations = zhiyuan::storage::BuiltinMigrations();
  const bool migrate = absl::GetFlag(FLAGS_migrate) || absl::GetFlag(FLAGS_migrate_only);
  const absl::StatusOr<zhiyuan::storage::SchemaState> schema = zhiyuan::storage::PrepareSchema(
      database_url, migrations, migrate, absl::Now() + absl::GetFlag(FLAGS_startup_timeout), &stop);
  if (!schema.ok()) {
    if (stop.HasBeenNotified()) return 0;
    LOG(ERROR) << "database not usable: " << schema.status();
    return 1;
  }
  LOG(INFO) << "schema at version " << schema->applied_version << " of " << schema->known_version;
  if (absl::GetFlag(FLAGS_migrate_only) || stop.HasBeenNotified()) return 0;
  if (const std::string path = absl::GetFlag(FLAGS_issue_admin_token_file); !path.empty()) {
    return IssueAdminToken(database_url, path);
  }

  zhiyuan::services::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.database_url = database_url;
  options.pool_size = absl::GetFlag(FLAGS_pool_size);
  options.worker_threads = absl::GetFlag(FLAGS_worker_threads);
  options.max_distinct_events = absl::GetFlag(FLAGS_max_distinct_events);
  options.max_distinct_records = absl::GetFlag(FLAGS_max_distinct_records);
  options.migrations = migrations;
  options.personal_data_key = personal_data_key;
  options.token_cache_ttl = absl::GetFlag(FLAGS_token_cache_ttl);
  options.record_batches = absl::GetFlag(FLAGS_record_batches);
  options.bootstrap_token_file = bootstrap_token_file;
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
  if (!server.ok()) {
    LOG(ERROR) << "cannot start: " << server.status();
    return 1;
  }
  LOG(INFO) << "zhiyuand " << zhiyuan::services::kVersion << " serving on port "
            << (*server)->port();

  stop.WaitForNotification();
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  LOG(INFO) << "server stopped";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // SIGINT and SIGTERM are taken by one thread with sigwait() and turned into `stop`; every
  // thread started from here inherits the mask, so none of them is interrupted. The dispositions
  // are reset first: a shell starting us in the background may have set them to ignore.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Bounds every connection attempt (libpq reads it for URLs and key=value strings alike).
  setenv("PGCONNECT_TIMEOUT", "10", /*overwrite=*/0);

  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  absl::SetProgramUsageMessage("Zhiyuan's gRPC server. See README.md.");
  ApplyEnvironment();
  absl::ParseCommandLine(argc, argv);

  // Never destroyed: the signal thread may outlive main().
  absl::Notification& stop = *new absl::Notification();
  std::thread([&stop, set] {
    int signal = 0;
    sigwait(&set, &signal);
    LOG(INFO) << "received " << strsignal(signal) << "; shutting down";
    stop.Notify();
  }).detach();

  // A listener that cannot serve is refused before any database work.
  {
    zhiyuan::services::TlsFiles tls;
    tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
    tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
    tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
    if (const auto credentials =
            zhiyuan::services::ListenerCredentials(absl::GetFlag(FLAGS_listen), tls);
        !credentials.ok()) {
      LOG(ERROR) << "cannot start: " << credentials.status();
      return 2;
    }
  }
  std::string database_url = absl::GetFlag(FLAGS_database_url);
  std::string key_file = absl::GetFlag(FLAGS_data_key_file);
  const char* key_env = std::getenv("ZHIYUAN_DATA_KEY");
  if (key_file.empty() && key_env == nullptr && !database_url.empty() &&
      !absl::GetFlag(FLAGS_migrate_only)) {
    LOG(ERROR) << "--data_key_file (or ZHIYUAN_DATA_KEY) is required with --database_url: the "
                  "key that protects personal data must be the same for every instance";
    return 2;
  }
  std::string personal_data_key;
  if (key_file.empty() && key_env != nullptr) {
    absl::StatusOr<std::string> key =
        zhiyuan::services::PersonalDataProtector::ParseKeyHex(key_env, "ZHIYUAN_DATA_KEY");
    if (!key.ok()) {
      LOG(ERROR) << "personal-data key: " << key.status();
      return 2;
    }
    personal_data_key = *std::move(key);
  } else if (!absl::GetFlag(FLAGS_migrate_only)) {
    const bool embedded_default = key_file.empty();
    if (embedded_default) {
      std::filesystem::create_directories(absl::GetFlag(FLAGS_data_dir));
      key_file = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/data.key");
    }
    absl::StatusOr<std::string> key =
        zhiyuan::services::PersonalDataProtector::LoadKeyFile(key_file, embedded_default);
    if (!key.ok()) {
      LOG(ERROR) << "personal-data key: " << key.status();
      return 2;
    }
    personal_data_key = *std::move(key);
  }
  std::string bootstrap_token_file = absl::GetFlag(FLAGS_bootstrap_token_file);
  std::unique_ptr<EmbeddedPostgres> embedded;
  if (database_url.empty()) {
    if (bootstrap_token_file.empty()) {
      bootstrap_token_file = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/admin.token");
    }
    const std::string directory = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/pg");
    EmbeddedPostgres::Options embedded_options;
    embedded_options.directory = directory;
    absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> started =
        EmbeddedPostgres::Start(embedded_options);
    if (!started.ok()) {
      LOG(ERROR) << "cannot start the embedded PostgreSQL in " << directory << ": "
                 << started.status();
      return 1;
    }
    embedded = *std::move(started);
    const absl::Status created = embedded->CreateDatabase(kEmbeddedDatabase);
    if (!created.ok()) {
      LOG(ERROR) << created;
      (void)embedded->Stop();
      return 1;
    }
    database_url = embedded->ConnInfo(kEmbeddedDatabase);
  }

  const int exit_code = Serve(database_url, personal_data_key, bootstrap_token_file, stop);
  // A one-off run (--migrate_only, --issue_admin_token_file) leaves a server it found running to
  // the zhiyuand that runs it; a serving zhiyuand stops one it adopted after a crash.
  const bool one_off =
      absl::GetFlag(FLAGS_migrate_only) || !absl::GetFlag(FLAGS_issue_admin_token_file).empty();
  if (embedded != nullptr && (embedded->started_here() || !one_off)) {
    const absl::Status stopped = embedded->Stop();
    if (!stopped.ok()) {
      LOG(ERROR) << "stopping the embedded PostgreSQL: " << stopped;
      return 1;
    }
  }
  return exit_code;
}
