// pgcluster: starts and stops a private PostgreSQL cluster in a directory, the same way zhiyuand's
// embedded default does (storage/embedded_postgres.h). The test tooling uses it.
//
//   pgcluster start DIR   creates (first time) and starts the cluster; prints a libpq connection
//                         string for its `postgres` database on stdout
//   pgcluster stop DIR    stops it
#include <glog/logging.h>

#include <iostream>
#include <string>

#include "storage/embedded_postgres.h"

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  const std::string command = argc == 3 ? argv[1] : "";
  if (command != "start" && command != "stop") {
    std::cerr << "usage: pgcluster start|stop DIR\n";
    return 2;
  }
  zhiyuan::storage::EmbeddedPostgres::Options options;
  options.directory = argv[2];
  auto cluster = command == "start" ? zhiyuan::storage::EmbeddedPostgres::Start(options)
                                    : zhiyuan::storage::EmbeddedPostgres::Open(options);
  if (!cluster.ok()) {
    std::cerr << "pgcluster: " << cluster.status() << "\n";
    return 1;
  }
  if (command == "start") {
    std::cout << (*cluster)->ConnInfo("postgres") << std::endl;
    return 0;
  }
  const absl::Status stopped = (*cluster)->Stop();
  if (!stopped.ok()) {
    std::cerr << "pgcluster: " << stopped << "\n";
    return 1;
  }
  return 0;
}
