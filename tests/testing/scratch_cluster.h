// A PostgreSQL cluster of a test's own, in a new directory under /tmp (where the postgres user
// can reach it when the tests run as root), for tests that stop and start the server itself.
// Stopped and removed on destruction.
#ifndef ZHIYUAN_TESTS_TESTING_SCRATCH_CLUSTER_H_
#define ZHIYUAN_TESTS_TESTING_SCRATCH_CLUSTER_H_

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/embedded_postgres.h"

namespace zhiyuan::testing {

class ScratchCluster {
 public:
  ScratchCluster() {
    char directory[] = "/tmp/zhiyuan-scratch-pg.XXXXXX";
    EXPECT_NE(mkdtemp(directory), nullptr);
    chmod(directory, 0755);
    options_.directory = directory;
  }

  ~ScratchCluster() {
    if (cluster_ != nullptr) (void)cluster_->Stop();
    std::error_code ignored;
    std::filesystem::remove_all(options_.directory, ignored);
  }

  // Creates the cluster on the first call and (re)starts it.
  absl::StatusOr<storage::EmbeddedPostgres*> Start() {
    auto cluster = storage::EmbeddedPostgres::Start(options_);
    if (!cluster.ok()) return cluster.status();
    cluster_ = *std::move(cluster);
    return cluster_.get();
  }

  absl::Status Stop() { return cluster_->Stop(); }

  const std::string& directory() const { return options_.directory; }

 private:
  storage::EmbeddedPostgres::Options options_;
  std::unique_ptr<storage::EmbeddedPostgres> cluster_;
};

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_SCRATCH_CLUSTER_H_
