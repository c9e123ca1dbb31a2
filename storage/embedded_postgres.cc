#include "storage/embedded_postgres.h"

#include <fcntl.h>
#include <glog/logging.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/pg_error.h"
#include "storage/status_macros.h"

extern char** environ;

namespace zhiyuan::storage {
namespace {

namespace fs = std::filesystem;

// Our settings live in a file of their own, included from postgresql.conf.
constexpr char kConfFile[] = "zhiyuan.conf";
constexpr char kPortPrefix[] = "port = ";
// What initdb and pg_ctl print; the server's own log is postgres.log (written by postgres).
constexpr char kCommandLog[] = "commands.log";

bool IsRoot() { return geteuid() == 0; }

// Runs `argv` to completion, as the postgres user when we are root, with stdout and stderr
// appended to `log_file`. Returns its exit status.
absl::StatusOr<int> Run(std::vector<std::string> argv, const std::string& log_file) {
  if (IsRoot()) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid;
  const int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::InternalError(absl::StrCat("cannot run ", argv[0], ": ", std::strerror(error)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

absl::Status RunOrFail(std::vector<std::string> argv, const std::string& log_file) {
  const std::string command = absl::StrJoin(argv, " ");
  ZY_ASSIGN_OR_RETURN(const int exit_code, Run(std::move(argv), log_file));
  if (exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("`", command, "` exited with ", exit_code, "; see ", log_file));
  }
  return absl::OkStatus();
}

// A loopback port nobody listens on now.
absl::StatusOr<int> FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int saved_errno = errno;
  close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("bind: ", std::strerror(saved_errno)));
  return ntohs(address.sin_port);
}

// Hands `path` to the postgres user when we are root; PostgreSQL refuses files it does not own.
absl::Status GiveToPostgres(const fs::path& path) {
  if (!IsRoot()) return absl::OkStatus();
  const passwd* postgres = getpwnam("postgres");
  if (postgres == nullptr) {
    return absl::FailedPreconditionError(
        "running as root needs a `postgres` user to run PostgreSQL as (install postgresql-15)");
  }
  if (chown(path.c_str(), postgres->pw_uid, postgres->pw_gid) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot give ", path.string(), " to postgres: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Lets the postgres user pass through `directory`'s ancestors (execute only: it can reach the
// cluster, not list anything), for a checkout under a private directory such as /root.
absl::Status OpenAncestorsToPostgres(const fs::path& directory) {
  // From the root down, so that each check sees its own permission, not a parent's.
  std::vector<fs::path> ancestors;
  for (fs::path ancestor = directory.parent_path(); ancestor != ancestor.root_path();
       ancestor = ancestor.parent_path()) {
    ancestors.push_back(ancestor);
  }
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    ZY_ASSIGN_OR_RETURN(const int reachable,
                        Run({"/usr/bin/test", "-x", it->string()}, "/dev/null"));
    if (reachable == 0) continue;
    struct stat info;
    if (stat(it->c_str(), &info) != 0 || chmod(it->c_str(), info.st_mode | S_IXOTH) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("the postgres user cannot reach ", directory.string(), " and ", it->string(),
                       " cannot be opened to it: ", std::strerror(errno)));
    }
    LOG(INFO) << "let other users pass through " << *it
              << " (o+x) so that PostgreSQL, running as postgres, can reach " << directory;
  }
  return absl::OkStatus();
}

// Makes `directory` exist and be writable by the user PostgreSQL runs as.
absl::Status PrepareDirectory(const fs::path& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", directory.string(), ": ", error.message()));
  }
  ZY_RETURN_IF_ERROR(GiveToPostgres(directory));
  if (IsRoot()) ZY_RETURN_IF_ERROR(OpenAncestorsToPostgres(directory));
  ZY_ASSIGN_OR_RETURN(const int exit_code,
                      Run({"/usr/bin/test", "-w", directory.string()}, "/dev/null"));
  if (exit_code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the postgres user cannot write ", directory.string()));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ReadPort(const fs::path& conf) {
  std::ifstream in(conf);
  std::string line;
  while (std::getline(in, line)) {
    int port;
    if (line.rfind(kPortPrefix, 0) == 0 &&
        absl::SimpleAtoi(line.substr(sizeof(kPortPrefix) - 1), &port)) {
      return port;
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat(conf.string(), " names no port: it was not made by this tool"));
}

// Makes a new cluster in <directory>/data. It is built in data.partial and renamed when complete,
// so that an interrupted creation is started over rather than half used.
absl::Status CreateCluster(const fs::path& directory, const fs::path& bin_dir,
                           const std::string& log_file) {
  const fs::path partial = directory / "data.partial";
  std::error_code error;
  fs::remove_all(partial, error);
  ZY_RETURN_IF_ERROR(
      RunOrFail({(bin_dir / "initdb").string(), "--pgdata", partial.string(), "--username",
                 "postgres", "--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8"},
                log_file));
  ZY_ASSIGN_OR_RETURN(const int port, FreeLoopbackPort());
  const fs::path conf_path = partial / kConfFile;
  {
    std::ofstream conf(conf_path);
    conf << "# Written by Zhiyuan's embedded-cluster tooling (storage/embedded_postgres.cc).\n"
         << kPortPrefix << port << "\n"
         << "listen_addresses = '127.0.0.1'\n"
         << "unix_socket_directories = '" << directory.string() << "'\n"
         << "fsync = on\n"
         << "synchronous_commit = on\n"
         << "max_connections = 200\n"
         // Sized for the project's machines (24 GiB): the national region table and its
         // indexes fit in memory, and a bulk import does not force checkpoints.
         << "shared_buffers = 1GB\n"
         << "wal_buffers = 64MB\n"
         << "max_wal_size = 4GB\n";
    std::ofstream main_conf(partial / "postgresql.conf", std::ios::app);
    main_conf << "include '" << kConfFile << "'\n";
    if (!conf || !main_conf) {
      return absl::InternalError(absl::StrCat("cannot write ", conf_path.string()));
    }
  }
  ZY_RETURN_IF_ERROR(GiveToPostgres(conf_path));
  fs::rename(partial, directory / "data", error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", partial.string(), ": ", error.message()));
  }
  LOG(INFO) << "created a PostgreSQL cluster in " << directory / "data"
            << " on port " << port;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::Open(Options options) {
  options.directory = fs::absolute(options.directory).lexically_normal().string();
  const fs::path data = fs::path(options.directory) / "data";
  if (!fs::exists(data / "PG_VERSION")) {
    return absl::NotFoundError(absl::StrCat("no PostgreSQL cluster in ", data.string()));
  }
  ZY_ASSIGN_OR_RETURN(const int port, ReadPort(data / kConfFile));
  return std::unique_ptr<EmbeddedPostgres>(new EmbeddedPostgres(std::move(options), port));
}

absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::Start(Options options) {
  const fs::path directory = fs::absolute(options.directory).lexically_normal();
  const fs::path bin_dir = options.bin_dir;
  const fs::path data = directory / "data";
  const std::string log_file = (directory / kCommandLog).string();
  ZY_RETURN_IF_ERROR(PrepareDirectory(directory));
  if (!fs::exists(data / "PG_VERSION")) {
    ZY_RETURN_IF_ERROR(CreateCluster(directory, bin_dir, log_file));
  }
  ZY_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddedPostgres> cluster, Open(std::move(options)));

  const std::string pg_ctl = (bin_dir / "pg_ctl").string();
  ZY_ASSIGN_OR_RETURN(const int status,
                      Run({pg_ctl, "status", "--pgdata", data.string()}, "/dev/null"));
  if (status == 0) {
    LOG(INFO) << "PostgreSQL in " << data << " is already running; using it";
  } else {
    ZY_RETURN_IF_ERROR(RunOrFail({pg_ctl, "start", "--pgdata", data.string(), "--wait", "--timeout",
                                  "60", "--silent", "--log", (directory / "postgres.log").string()},
                                 log_file));
    LOG(INFO) << "started PostgreSQL in " << data << " on port " << cluster->port();
    cluster->started_here_ = true;
  }
  return cluster;
}

absl::Status EmbeddedPostgres::Stop() {
  const fs::path directory = options_.directory;
  ZY_RETURN_IF_ERROR(
      RunOrFail({(fs::path(options_.bin_dir) / "pg_ctl").string(), "stop", "--pgdata",
                 (directory / "data").string(), "--mode", "fast", "--wait", "--silent"},
                (directory / kCommandLog).string()));
  LOG(INFO) << "stopped PostgreSQL in " << directory / "data";
  return absl::OkStatus();
}

absl::Status EmbeddedPostgres::CreateDatabase(absl::string_view database) {
  try {
    pqxx::connection connection(ConnInfo("postgres"));
    pqxx::nontransaction txn(connection);
    if (txn.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", std::string(database))
            .empty()) {
      txn.exec(absl::StrCat("CREATE DATABASE ", txn.quote_name(std::string(database))));
      LOG(INFO) << "created database " << database;
    }
  } catch (...) {
    return StatusFromCurrentException(absl::StrCat("creating database ", database));
  }
  return absl::OkStatus();
}

std::string EmbeddedPostgres::ConnInfo(absl::string_view database) const {
  return absl::StrCat("host=", options_.directory, " port=", port_, " dbname=", database,
                      " user=postgres");
}

}  // namespace zhiyuan::storage
