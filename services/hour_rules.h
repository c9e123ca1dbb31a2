// Hour rules (计时规则): how the time a volunteer spent at an event becomes credited service
// minutes, step by step, so that every credited minute can be explained (MCA Order No. 67).
// Rules are data with a version: a service record keeps the version that credited it, and a
// change of rules never rewrites past records by itself.
#ifndef ZHIYUAN_SERVICES_HOUR_RULES_H_
#define ZHIYUAN_SERVICES_HOUR_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zhiyuan::services {

// Minutes past the last whole hour, up to and including `up_to_minutes`, count as
// `credit_minutes`.
struct RoundingBand {
  int up_to_minutes = 0;
  int credit_minutes = 0;
};

struct HourRules {
  int64_t version = 0;
  // How explanations name the rules ("hourRuleSets/4 (regions/141124 v2)"); "rules v{version}"
  // when empty.
  std::string label;
  // Ascending by up_to_minutes, the last up to 59: every remainder falls in one band.
  std::vector<RoundingBand> bands;
  // The time credited is at most the event's scheduled duration plus this.
  absl::Duration grace = absl::ZeroDuration();
  // A check-in with no check-out this long after the scheduled end is closed at the scheduled
  // end, and flagged.
  absl::Duration auto_close_after = absl::Hours(2);
};

// The rules of the issue that asked for them: up to 15 minutes count as none, 16 to 45 as half
// an hour, 46 to 59 as an hour; 15 minutes' grace; open check-ins closed 2 hours after the end.
HourRules DefaultHourRules();

// Errors: INVALID_ARGUMENT naming the field ("bands[1].up_to_minutes") and the rule.
absl::Status ValidateHourRules(const HourRules& rules);

// One volunteer's time at one event.
struct Attendance {
  absl::Time check_in;
  std::optional<absl::Time> check_out;  // None yet.
  absl::Time scheduled_start;
  absl::Time scheduled_end;
};

// One step from raw times to credited minutes: which rule, why, and the minutes after it.
struct CreditStep {
  std::string rule;  // "raw", "auto_close", "cap", "rounding".
  std::string explanation;
  int64_t minutes = 0;
};

struct Credit {
  int64_t raw_minutes = 0;
  int64_t credited_minutes = 0;
  // Set when the check-out was missing and the rules closed the attendance.
  std::optional<absl::Time> auto_closed_at;
  std::vector<CreditStep> steps;
};

// "2026-11-27 09:00", China Standard Time: how explanations and messages give times.
std::string ChinaClock(absl::Time time);

// The minutes `rules` credit for `attendance` as of `now`. Times in explanations are China
// Standard Time. Errors: INVALID_ARGUMENT when the check-out is before the check-in;
// FAILED_PRECONDITION when there is no check-out yet and it is too early to close it.
absl::StatusOr<Credit> CreditAttendance(const HourRules& rules, const Attendance& attendance,
                                        absl::Time now);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_HOUR_RULES_H_
