#include "services/health_monitor.h"

#include <glog/logging.h>

#include "absl/time/clock.h"

namespace zhiyuan::services {

HealthMonitor::HealthMonitor(storage::DatabaseInfoStore& store,
                             grpc::HealthCheckServiceInterface& health, absl::Duration interval,
                             absl::Duration timeout)
    : store_(store), health_(health), interval_(interval), timeout_(timeout) {
  health_.SetServingStatus(CheckOnce());
  thread_ = std::thread([this] { Loop(); });
}

HealthMonitor::~HealthMonitor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

bool HealthMonitor::CheckOnce() {
  const absl::StatusOr<storage::DatabaseInfo> info = store_.Get(absl::Now() + timeout_);
  const bool serving = info.ok() && info->schema.up_to_date();
  if (serving != serving_) {  // Also true for the first check.
    if (serving) {
      LOG(INFO) << "health: SERVING (database reachable, schema at version "
                << info->schema.applied_version << ")";
    } else if (!info.ok()) {
      LOG(WARNING) << "health: NOT_SERVING: " << info.status();
    } else {
      LOG(WARNING) << "health: NOT_SERVING: schema at version " << info->schema.applied_version
                   << ", binary needs " << info->schema.known_version;
    }
    serving_ = serving;
  }
  return serving;
}

void HealthMonitor::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
    }
    health_.SetServingStatus(CheckOnce());
  }
}

}  // namespace zhiyuan::services
