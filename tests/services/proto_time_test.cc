#include "services/proto_time.h"

#include <gtest/gtest.h>

namespace zhiyuan::services {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1790000000);

TEST(CapDeadlineTest, KeepsADeadlineWithinTheCap) {
  EXPECT_EQ(CapDeadline(kNow + absl::Seconds(5), kNow), kNow + absl::Seconds(5));
  EXPECT_EQ(CapDeadline(kNow - absl::Seconds(1), kNow), kNow - absl::Seconds(1));
  EXPECT_EQ(CapDeadline(kNow + kMaxCallDuration, kNow), kNow + kMaxCallDuration);
}

TEST(CapDeadlineTest, CapsALaterDeadlineOrNone) {
  EXPECT_EQ(CapDeadline(kNow + absl::Minutes(30), kNow), kNow + kMaxCallDuration);
  EXPECT_EQ(CapDeadline(absl::InfiniteFuture(), kNow), kNow + kMaxCallDuration);
}

TEST(CapDeadlineTest, TakesAnotherCap) {
  EXPECT_EQ(CapDeadline(absl::InfiniteFuture(), kNow, absl::Minutes(10)), kNow + absl::Minutes(10));
}

TEST(DeadlineTest, ACallWithoutADeadlineGetsTheCap) {
  const absl::Time before = absl::Now();
  const absl::Time deadline = Deadline(grpc::ServerContext());
  EXPECT_GE(deadline, before + kMaxCallDuration);
  EXPECT_LE(deadline, absl::Now() + kMaxCallDuration);
}

}  // namespace
}  // namespace zhiyuan::services
