#include "services/identity_numbers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

// GB 11643's own example: 11010519491231002X, born 1949-12-31.
constexpr absl::CivilDay kBorn(1949, 12, 31);

TEST(IdNumberTest, AcceptsAValidNumberWithItsBirthDate) {
  EXPECT_THAT(ValidateIdNumber("id_number", "11010519491231002X", kBorn), IsOk());
  EXPECT_THAT(ValidateIdNumber("id_number", "440524188001010014", absl::CivilDay(1880, 1, 1)),
              IsOk());
}

TEST(IdNumberTest, RefusesAWrongCheckDigit) {
  EXPECT_THAT(ValidateIdNumber("id_number", "110105194912310021", kBorn),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("check digit")));
}

TEST(IdNumberTest, RefusesMalformedNumbers) {
  for (const char* bad : {"", "11010519491231002", "11010519491231002XX", "1101051949123100xX",
                          "11010519491231002x", "A1010519491231002X"}) {
    EXPECT_THAT(ValidateIdNumber("volunteer.id_number", bad, kBorn),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("volunteer.id_number")))
        << bad;
  }
}

TEST(IdNumberTest, RefusesABirthDateThatDiffers) {
  EXPECT_THAT(ValidateIdNumber("id_number", "11010519491231002X", absl::CivilDay(1950, 1, 1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("birth date")));
}

TEST(IdNumberTest, MasksAllButTheFirstThreeAndLastFour) {
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110***********002X");
}

TEST(PhoneTest, ValidatesAndMasks) {
  EXPECT_THAT(ValidatePhone("phone", "13812345678"), IsOk());
  EXPECT_THAT(ValidatePhone("phone", "19912345678"), IsOk());
  for (const char* bad : {"", "1381234567", "138123456789", "12812345678", "23812345678",
                          "1381234567a", "+8613812345678"}) {
    EXPECT_THAT(ValidatePhone("phone", bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
}

TEST(VolunteerNumberTest, HasTheLayoutAndALuhnCheckDigit) {
  const std::string number = MintVolunteerNumber("141124", 2026, 17);
  EXPECT_EQ(number.substr(0, 17), "14112420260000017");
  EXPECT_TRUE(IsVolunteerNumber(number));
  // Luhn over 14112420260000017: the check digit that makes the sum a multiple of 10.
  EXPECT_EQ(number, "141124202600000173");
  EXPECT_FALSE(IsVolunteerNumber("141124202600000174"));
  EXPECT_FALSE(IsVolunteerNumber("14112420260000017"));
  EXPECT_EQ(MintVolunteerNumber("141124", 2026, 10000017).substr(10, 7), "0000017");
}

}  // namespace
}  // namespace zhiyuan::services
