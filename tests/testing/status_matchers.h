// gMock matchers for absl::Status, absl::StatusOr<T> and grpc::Status, and for whole protos.
//   EXPECT_THAT(status, IsOk());
//   EXPECT_THAT(status_or, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("deadline")));
//   EXPECT_THAT(grpc_status, StatusIs(grpc::StatusCode::NOT_FOUND));
//   EXPECT_THAT(reply, EqualsProto(expected));
#ifndef ZHIYUAN_TESTS_TESTING_STATUS_MATCHERS_H_
#define ZHIYUAN_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zhiyuan::testing {

inline absl::StatusCode CodeOf(const absl::Status& status) { return status.code(); }
inline grpc::StatusCode CodeOf(const grpc::Status& status) { return status.error_code(); }
template <typename T>
absl::StatusCode CodeOf(const absl::StatusOr<T>& status_or) {
  return status_or.status().code();
}

inline std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }
inline std::string MessageOf(const grpc::Status& status) { return status.error_message(); }
template <typename T>
std::string MessageOf(const absl::StatusOr<T>& status_or) {
  return MessageOf(status_or.status());
}

MATCHER(IsOk, "is OK") {
  if (static_cast<int>(CodeOf(arg)) == 0) return true;
  *result_listener << "code " << static_cast<int>(CodeOf(arg)) << ": " << MessageOf(arg);
  return false;
}

// `code` is a code of the status's own library, or a matcher of one.
MATCHER_P2(StatusIs, code, message_matcher, "has the code and message") {
  *result_listener << "code " << static_cast<int>(CodeOf(arg)) << ": " << MessageOf(arg);
  return ::testing::Matches(code)(CodeOf(arg)) &&
         ::testing::ExplainMatchResult(message_matcher, MessageOf(arg), result_listener);
}

MATCHER_P(StatusIs, code, "has the code") {
  *result_listener << "code " << static_cast<int>(CodeOf(arg)) << ": " << MessageOf(arg);
  return ::testing::Matches(code)(CodeOf(arg));
}

MATCHER_P(EqualsProto, expected, "equals " + expected.ShortDebugString()) {
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  if (differencer.Compare(expected, arg)) return true;
  *result_listener << "differs: " << differences;
  return false;
}

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_STATUS_MATCHERS_H_
