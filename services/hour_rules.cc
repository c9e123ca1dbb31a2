#include "services/hour_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace zhiyuan::services {
namespace {

const absl::TimeZone& ChinaTime() {
  static const absl::TimeZone* zone = new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return *zone;
}

std::string Clock(absl::Time time) { return ChinaClock(time); }

int64_t WholeMinutes(absl::Duration duration) {
  return absl::ToInt64Minutes(std::max(duration, absl::ZeroDuration()));
}

std::string Minutes(absl::Duration duration) { return absl::StrCat(WholeMinutes(duration)); }

std::string WholeHours(int64_t hours) {
  return absl::StrCat(hours, hours == 1 ? " whole hour" : " whole hours");
}

std::string Label(const HourRules& rules) {
  return rules.label.empty() ? absl::StrCat("rules v", rules.version) : rules.label;
}

}  // namespace

std::string ChinaClock(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M", time, ChinaTime());
}

HourRules DefaultHourRules() {
  HourRules rules;
  rules.version = 1;
  rules.bands = {{15, 0}, {45, 30}, {59, 60}};
  rules.grace = absl::Minutes(15);
  rules.auto_close_after = absl::Hours(2);
  return rules;
}

absl::Status ValidateHourRules(const HourRules& rules) {
  if (rules.bands.empty()) return absl::InvalidArgumentError("bands: at least one band");
  int previous_up_to = -1;
  int previous_credit = -1;
  for (size_t i = 0; i < rules.bands.size(); ++i) {
    const RoundingBand& band = rules.bands[i];
    const std::string field = absl::StrCat("bands[", i, "]");
    if (band.up_to_minutes <= previous_up_to || band.up_to_minutes > 59) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".up_to_minutes: must rise from band to band, within 0 to 59"));
    }
    if (band.credit_minutes < 0 || band.credit_minutes > 60) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".credit_minutes: must be 0 to 60"));
    }
    if (band.credit_minutes < previous_credit) {
      return absl::InvalidArgumentError(
          absl::StrCat(field,
                       ".credit_minutes: must not be less than the band before's: more time never "
                       "credits less"));
    }
    previous_up_to = band.up_to_minutes;
    previous_credit = band.credit_minutes;
  }
  if (previous_up_to != 59) {
    return absl::InvalidArgumentError(absl::StrCat("bands[", rules.bands.size() - 1,
                                                   "].up_to_minutes: the last band must reach 59"));
  }
  if (rules.grace < absl::ZeroDuration() || rules.grace > absl::Hours(24)) {
    return absl::InvalidArgumentError("grace: must be 0 to 24 hours");
  }
  if (rules.auto_close_after < absl::ZeroDuration() || rules.auto_close_after > absl::Hours(72)) {
    return absl::InvalidArgumentError("auto_close_after: must be 0 to 72 hours");
  }
  return absl::OkStatus();
}

absl::StatusOr<Credit> CreditAttendance(const HourRules& rules, const Attendance& attendance,
                                        absl::Time now) {
  Credit credit;
  absl::Time end;
  if (attendance.check_out.has_value()) {
    if (*attendance.check_out < attendance.check_in) {
      return absl::InvalidArgumentError("the check-out is before the check-in");
    }
    end = *attendance.check_out;
    credit.raw_minutes = WholeMinutes(end - attendance.check_in);
    credit.steps.push_back({"raw",
                            absl::StrCat("checked in ", Clock(attendance.check_in), ", out ",
                                         Clock(end), ": ", credit.raw_minutes, " whole minutes"),
                            credit.raw_minutes});
  } else {
    const absl::Time close_by = attendance.scheduled_end + rules.auto_close_after;
    if (now < close_by) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no check-out yet; one missing at ", Clock(close_by), " is closed at the scheduled end"));
    }
    end = std::max(attendance.scheduled_end, attendance.check_in);
    credit.auto_closed_at = end;
    credit.raw_minutes = WholeMinutes(end - attendance.check_in);
    credit.steps.push_back(
        {"auto_close",
         absl::StrCat("checked in ", Clock(attendance.check_in), ", no check-out by ",
                      Clock(close_by), " (", absl::FormatDuration(rules.auto_close_after),
                      " after the scheduled end): closed at the scheduled end ",
                      Clock(attendance.scheduled_end), ": ", credit.raw_minutes, " whole minutes"),
         credit.raw_minutes});
  }

  const absl::Duration scheduled = attendance.scheduled_end - attendance.scheduled_start;
  const int64_t cap = WholeMinutes(scheduled + rules.grace);
  const int64_t capped = std::min(credit.raw_minutes, cap);
  credit.steps.push_back(
      {"cap",
       absl::StrCat("at most the scheduled ", Minutes(scheduled), " minutes and ",
                    Minutes(rules.grace), " minutes' grace, ", cap, ": ",
                    capped < credit.raw_minutes ? absl::StrCat(credit.raw_minutes, " cut to ") : "",
                    capped, " minutes"),
       capped});

  const int64_t hours = capped / 60;
  const int remainder = static_cast<int>(capped % 60);
  if (remainder == 0) {
    // Whole hours: no band applies.
    credit.credited_minutes = capped;
    credit.steps.push_back(
        {"rounding", absl::StrCat(WholeHours(hours), ": ", capped, " minutes, ", Label(rules)),
         capped});
    return credit;
  }
  const RoundingBand* band = &rules.bands.back();
  for (const RoundingBand& candidate : rules.bands) {
    if (remainder <= candidate.up_to_minutes) {
      band = &candidate;
      break;
    }
  }
  const int64_t rounded = hours * 60 + band->credit_minutes;
  credit.credited_minutes = std::min(rounded, cap);
  credit.steps.push_back(
      {"rounding",
       absl::StrCat(
           WholeHours(hours), " and ", remainder, " minutes; ", remainder, " minutes (up to ",
           band->up_to_minutes, ") count as ", band->credit_minutes, ": ", rounded, " minutes",
           rounded > cap ? absl::StrCat(", cut to the cap of ", cap) : "", ", ", Label(rules)),
       credit.credited_minutes});
  return credit;
}

}  // namespace zhiyuan::services
