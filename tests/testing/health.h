// Waiting for a server's grpc.health.v1 status in tests.
#ifndef ZHIYUAN_TESTS_TESTING_HEALTH_H_
#define ZHIYUAN_TESTS_TESTING_HEALTH_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace zhiyuan::testing {

// Polls the overall health until it reads `want`, for at most `limit`. Returns whether it did.
inline bool AwaitHealth(grpc::health::v1::Health::Stub& health,
                        grpc::health::v1::HealthCheckResponse::ServingStatus want,
                        absl::Duration limit) {
  const absl::Time give_up = absl::Now() + limit;
  do {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    grpc::health::v1::HealthCheckResponse reply;
    if (health.Check(&context, grpc::health::v1::HealthCheckRequest(), &reply).ok() &&
        reply.status() == want) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < give_up);
  return false;
}

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_HEALTH_H_
