#include "services/hour_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tuple>

#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

const absl::TimeZone kChina = absl::FixedTimeZone(8 * 3600);

absl::Time At(int hour, int minute, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 1, hour, minute, second), kChina);
}

// 19:00 to 21:00.
Attendance Evening(absl::Time in, std::optional<absl::Time> out) {
  return Attendance{in, out, At(19, 0), At(21, 0)};
}

// What the default rules credit, computed apart from the engine: the time is cut to the
// scheduled 120 minutes plus 15, then whole hours count as they are and the rest as 0 (up to
// 15), 30 (up to 45) or 60.
int64_t Expected(int64_t raw_minutes) {
  const int64_t capped = std::min<int64_t>(raw_minutes, 135);
  const int64_t rest = capped % 60;
  return capped / 60 * 60 + (rest <= 15 ? 0 : rest <= 45 ? 30 : 60);
}

TEST(HourRulesTest, TheDefaultRulesAreValid) {
  EXPECT_THAT(ValidateHourRules(DefaultHourRules()), IsOk());
}

TEST(HourRulesTest, EveryMinuteFromNoneToFiveHoursCreditsWhatTheRulesSay) {
  for (int raw = 0; raw <= 300; ++raw) {
    const absl::StatusOr<Credit> credit = CreditAttendance(
        DefaultHourRules(), Evening(At(19, 0), At(19, 0) + absl::Minutes(raw)), At(23, 59));
    ASSERT_THAT(credit, IsOk());
    EXPECT_EQ(credit->raw_minutes, raw);
    EXPECT_EQ(credit->credited_minutes, Expected(raw)) << raw << " minutes";
  }
}

using Boundary = std::tuple<int, int>;  // Raw minutes, credited minutes.
class BoundaryTest : public ::testing::TestWithParam<Boundary> {};

TEST_P(BoundaryTest, CreditsTheBand) {
  const auto [raw, credited] = GetParam();
  const absl::StatusOr<Credit> credit = CreditAttendance(
      DefaultHourRules(), Evening(At(19, 0), At(19, 0) + absl::Minutes(raw)), At(23, 59));
  ASSERT_THAT(credit, IsOk());
  EXPECT_EQ(credit->credited_minutes, credited);
}

INSTANTIATE_TEST_SUITE_P(Bands, BoundaryTest,
                         ::testing::Values(Boundary{0, 0}, Boundary{15, 0}, Boundary{16, 30},
                                           Boundary{45, 30}, Boundary{46, 60}, Boundary{59, 60},
                                           Boundary{60, 60}, Boundary{75, 60}, Boundary{76, 90},
                                           Boundary{105, 90}, Boundary{106, 120},
                                           Boundary{120, 120}, Boundary{135, 120},
                                           Boundary{136, 120}, Boundary{600, 120}));

TEST(HourRulesTest, PartMinutesDoNotCount) {
  const absl::StatusOr<Credit> credit =
      CreditAttendance(DefaultHourRules(), Evening(At(19, 0), At(19, 15, 59)), At(23, 59));
  ASSERT_THAT(credit, IsOk());
  EXPECT_EQ(credit->raw_minutes, 15);
  EXPECT_EQ(credit->credited_minutes, 0);
}

TEST(HourRulesTest, EachStepSaysWhatItDid) {
  const absl::StatusOr<Credit> credit =
      CreditAttendance(DefaultHourRules(), Evening(At(18, 50), At(21, 30)), At(23, 59));
  ASSERT_THAT(credit, IsOk());
  EXPECT_EQ(credit->raw_minutes, 160);
  EXPECT_EQ(credit->credited_minutes, 120);
  EXPECT_THAT(credit->steps,
              ElementsAre(Field(&CreditStep::rule, "raw"), Field(&CreditStep::rule, "cap"),
                          Field(&CreditStep::rule, "rounding")));
  EXPECT_THAT(credit->steps[0].explanation, HasSubstr("2026-03-01 18:50"));
  EXPECT_THAT(credit->steps[0].explanation, HasSubstr("160 whole minutes"));
  EXPECT_EQ(credit->steps[1].minutes, 135);
  EXPECT_THAT(credit->steps[1].explanation, HasSubstr("160 cut to 135"));
  EXPECT_THAT(credit->steps[2].explanation, HasSubstr("2 whole hours and 15 minutes"));
  EXPECT_THAT(credit->steps[2].explanation, HasSubstr("rules v1"));
}

TEST(HourRulesTest, AForgottenCheckOutClosesAtTheScheduledEndOnceItIsLate) {
  const Attendance open = Evening(At(19, 2), std::nullopt);
  EXPECT_THAT(CreditAttendance(DefaultHourRules(), open, At(22, 59, 59)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no check-out yet")));
  const absl::StatusOr<Credit> credit = CreditAttendance(DefaultHourRules(), open, At(23, 0));
  ASSERT_THAT(credit, IsOk());
  EXPECT_EQ(credit->auto_closed_at, At(21, 0));
  EXPECT_EQ(credit->raw_minutes, 118);
  EXPECT_EQ(credit->credited_minutes, 120);
  EXPECT_EQ(credit->steps[0].rule, "auto_close");

  // Checked in after the end and never out: closed at the check-in, nothing to credit.
  const absl::StatusOr<Credit> late =
      CreditAttendance(DefaultHourRules(), Evening(At(21, 30), std::nullopt), At(23, 30));
  ASSERT_THAT(late, IsOk());
  EXPECT_EQ(late->auto_closed_at, At(21, 30));
  EXPECT_EQ(late->credited_minutes, 0);
}

TEST(HourRulesTest, WholeHoursTakeNoBandAndRoundingNeverPassesTheCap) {
  HourRules hours_only;
  hours_only.version = 3;
  hours_only.bands = {{59, 60}};
  hours_only.grace = absl::ZeroDuration();
  ASSERT_THAT(ValidateHourRules(hours_only), IsOk());
  // Exactly an hour is an hour, and nothing is nothing, though the one band rounds up.
  EXPECT_EQ(
      CreditAttendance(hours_only, Evening(At(19, 0), At(20, 0)), At(23, 0))->credited_minutes, 60);
  EXPECT_EQ(
      CreditAttendance(hours_only, Evening(At(19, 0), At(19, 0)), At(23, 0))->credited_minutes, 0);
  // A 40-minute event with 15 minutes' grace credits at most 55, even where rounding says 60.
  const Attendance short_event{At(19, 0), At(19, 55), At(19, 0), At(19, 40)};
  const absl::StatusOr<Credit> credit =
      CreditAttendance(DefaultHourRules(), short_event, At(23, 0));
  ASSERT_THAT(credit, IsOk());
  EXPECT_EQ(credit->credited_minutes, 55);
  EXPECT_THAT(credit->steps.back().explanation, HasSubstr("cut to the cap of 55"));
}

TEST(HourRulesTest, ACheckOutBeforeTheCheckInIsRefused) {
  EXPECT_THAT(CreditAttendance(DefaultHourRules(), Evening(At(20, 0), At(19, 0)), At(23, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HourRulesTest, OtherRulesCreditOtherwise) {
  HourRules quarter_hours;
  quarter_hours.version = 7;
  quarter_hours.bands = {{14, 0}, {29, 15}, {44, 30}, {59, 45}};
  quarter_hours.grace = absl::ZeroDuration();
  ASSERT_THAT(ValidateHourRules(quarter_hours), IsOk());
  const absl::StatusOr<Credit> credit =
      CreditAttendance(quarter_hours, Evening(At(19, 0), At(20, 44)), At(23, 0));
  ASSERT_THAT(credit, IsOk());
  EXPECT_EQ(credit->credited_minutes, 90);
  EXPECT_THAT(credit->steps.back().explanation, HasSubstr("rules v7"));
}

using BadRules = std::tuple<std::vector<RoundingBand>, absl::Duration, std::string>;
class BadRulesTest : public ::testing::TestWithParam<BadRules> {};

TEST_P(BadRulesTest, AreRefusedNamingTheField) {
  const auto& [bands, grace, message] = GetParam();
  HourRules rules = DefaultHourRules();
  rules.bands = bands;
  rules.grace = grace;
  EXPECT_THAT(ValidateHourRules(rules),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, BadRulesTest,
    ::testing::Values(
        BadRules{{}, absl::ZeroDuration(), "bands: at least one"},
        BadRules{{{30, 0}, {15, 30}, {59, 60}}, absl::ZeroDuration(), "bands[1].up_to_minutes"},
        BadRules{{{15, 0}, {45, 30}}, absl::ZeroDuration(), "the last band must reach 59"},
        BadRules{{{15, 0}, {60, 60}}, absl::ZeroDuration(), "bands[1].up_to_minutes"},
        BadRules{{{15, 0}, {59, 61}}, absl::ZeroDuration(), "bands[1].credit_minutes"},
        BadRules{{{15, 30}, {59, 0}}, absl::ZeroDuration(), "more time never credits less"},
        BadRules{{{59, 60}}, absl::Minutes(-1), "grace"}));

}  // namespace
}  // namespace zhiyuan::services
