// Keeps the standard grpc.health.v1 service in step with the database: SERVING while the
// database answers and is migrated to the binary's schema version, NOT_SERVING otherwise. A
// load balancer then stops sending calls to an instance whose database is away, and resumes
// when it is back, without a restart.
#ifndef ZHIYUAN_SERVICES_HEALTH_MONITOR_H_
#define ZHIYUAN_SERVICES_HEALTH_MONITOR_H_

#include <grpcpp/health_check_service_interface.h>

#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/database_info_store.h"

namespace zhiyuan::services {

class HealthMonitor {
 public:
  // Checks `store` every `interval`, each check given at most `timeout`, and sets `health`.
  // Both must outlive the monitor. The first check runs before the constructor returns.
  HealthMonitor(storage::DatabaseInfoStore& store, grpc::HealthCheckServiceInterface& health,
                absl::Duration interval, absl::Duration timeout);
  // Stops checking; returns when the checking thread has ended.
  ~HealthMonitor();

 private:
  bool CheckOnce();
  void Loop();

  storage::DatabaseInfoStore& store_;
  grpc::HealthCheckServiceInterface& health_;
  const absl::Duration interval_;
  const absl::Duration timeout_;
  // The last status set; only the checking thread touches it after construction.
  std::optional<bool> serving_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_HEALTH_MONITOR_H_
