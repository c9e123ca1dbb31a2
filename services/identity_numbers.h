// The numbers that identify a person: the resident ID number (GB 11643-1999), mainland mobile
// phone numbers, and Zhiyuan's own 18-digit volunteer number. Validation, masking and minting.
#ifndef ZHIYUAN_SERVICES_IDENTITY_NUMBERS_H_
#define ZHIYUAN_SERVICES_IDENTITY_NUMBERS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace zhiyuan::services {

// An ID number: 17 digits (6 of region, 8 of birth date, 3 of sequence) and a check character
// (a digit or X) by ISO 7064 MOD 11-2, whose birth date is `birth_date`.
// Errors: INVALID_ARGUMENT naming `field` and the rule broken.
absl::Status ValidateIdNumber(absl::string_view field, absl::string_view id_number,
                              absl::CivilDay birth_date);

// "110***********1234": the first 3 and last 4 characters kept.
std::string MaskIdNumber(absl::string_view id_number);

// A mainland mobile number: 11 digits beginning 13 to 19.
absl::Status ValidatePhone(absl::string_view field, absl::string_view phone);

// "138****5678".
std::string MaskPhone(absl::string_view phone);

// The volunteer number: the 6-digit code of the county of residence, the 4-digit year of
// registration, a 7-digit serial and a Luhn check digit, e.g. 141124 2026 0000017 3.
std::string MintVolunteerNumber(absl::string_view county_code, int year, int64_t serial);

// Whether `number` has that layout and a correct check digit.
bool IsVolunteerNumber(absl::string_view number);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_IDENTITY_NUMBERS_H_
