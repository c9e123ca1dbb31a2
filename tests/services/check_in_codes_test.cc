#include "services/check_in_codes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::MatchesRegex;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

// 2026-03-01 19:00:10 China time, 10 s into a step.
const absl::Time kEvening = absl::FromUnixSeconds(1772362810);

std::unique_ptr<CheckInCodes> Codes(char key = 'k') {
  auto codes = CheckInCodes::Create(std::string(32, key));
  EXPECT_THAT(codes, IsOk());
  return *std::move(codes);
}

TEST(CheckInCodesTest, ACodeIsSixDigitsAndAPayloadNamesItsEventAndStep) {
  const CheckInCodes::Code code = Codes()->At(42, kEvening);
  EXPECT_THAT(code.short_code, MatchesRegex("[0-9]{6}"));
  EXPECT_THAT(code.qr_payload, MatchesRegex("zyc1\\.42\\.59078760\\.[A-Za-z0-9_-]{22}"));
  EXPECT_EQ(code.valid_from, absl::FromUnixSeconds(1772362800));
  EXPECT_EQ(code.valid_until, absl::FromUnixSeconds(1772362830));
}

TEST(CheckInCodesTest, TheAlgorithmStaysPut) {
  // Servers of two releases must agree on the codes they show and accept.
  const CheckInCodes::Code code = Codes()->At(42, kEvening);
  EXPECT_EQ(code.short_code, "647023");
  EXPECT_EQ(code.qr_payload, "zyc1.42.59078760.Lc-m4RlRmEBvkZVPVORg9w");
  EXPECT_EQ(code.short_code, Codes()->At(42, kEvening + absl::Seconds(19)).short_code);
  EXPECT_EQ(code.short_code, Codes()->At(42, kEvening).short_code);
  EXPECT_NE(code.short_code, Codes('j')->At(42, kEvening).short_code);
}

TEST(CheckInCodesTest, ACodeHoldsForItsStepAndTheNextOnly) {
  const auto codes = Codes();
  const CheckInCodes::Code code = codes->At(42, kEvening);
  for (const std::string& presented : {code.short_code, code.qr_payload}) {
    SCOPED_TRACE(presented);
    EXPECT_TRUE(codes->Verify(42, presented, kEvening));
    EXPECT_TRUE(codes->Verify(42, presented, kEvening - absl::Seconds(30)));
    EXPECT_TRUE(codes->Verify(42, presented, kEvening + absl::Seconds(49)));
    EXPECT_FALSE(codes->Verify(42, presented, kEvening + absl::Seconds(51)));
    EXPECT_FALSE(codes->Verify(42, presented, kEvening - absl::Seconds(41)));
    EXPECT_FALSE(codes->Verify(43, presented, kEvening));
  }
}

TEST(CheckInCodesTest, AnotherKeyOrAnAlteredPayloadIsRefused) {
  const auto codes = Codes();
  const CheckInCodes::Code code = codes->At(42, kEvening);
  EXPECT_FALSE(Codes('j')->Verify(42, code.qr_payload, kEvening));
  std::string altered = code.qr_payload;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codes->Verify(42, altered, kEvening));
  EXPECT_FALSE(codes->Verify(42, "zyc1.42.59078761." + code.qr_payload.substr(17), kEvening));
  EXPECT_FALSE(codes->Verify(42, "zyc1.42.59078760", kEvening));
  EXPECT_FALSE(codes->Verify(42, "", kEvening));
  EXPECT_FALSE(codes->Verify(42, "12345", kEvening));
}

TEST(CheckInCodesTest, RefusesAMasterKeyOfTheWrongLength) {
  EXPECT_THAT(CheckInCodes::Create("short"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CheckInCodesTest, StepsBeforeTheEpochRoundDown) {
  const auto codes = Codes();
  const CheckInCodes::Code code = codes->At(1, absl::FromUnixSeconds(-30));
  EXPECT_EQ(code.valid_from, absl::FromUnixSeconds(-30));
  EXPECT_EQ(codes->At(1, absl::FromUnixSeconds(-1)).valid_from, absl::FromUnixSeconds(-30));
}

}  // namespace
}  // namespace zhiyuan::services
