#include "services/identity_numbers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/validation.h"

namespace zhiyuan::services {
namespace {

bool AllDigits(absl::string_view text) {
  for (const char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The Luhn check digit of `digits`.
char LuhnCheckDigit(absl::string_view digits) {
  int sum = 0;
  bool twice = true;  // The rightmost digit before the check digit is doubled.
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int digit = *it - '0';
    if (twice) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
    twice = !twice;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace

absl::Status ValidateIdNumber(absl::string_view field, absl::string_view id_number,
                              absl::CivilDay birth_date) {
  if (id_number.size() != 18 || !AllDigits(id_number.substr(0, 17)) ||
      !(absl::ascii_isdigit(static_cast<unsigned char>(id_number[17])) || id_number[17] == 'X')) {
    return InvalidField(field, "must be 17 digits and a check digit or X (GB 11643)");
  }
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id_number[i] - '0') * kWeights[i];
  if (id_number[17] != kCheck[sum % 11]) {
    return InvalidField(field, "has a wrong check digit (GB 11643)");
  }
  const std::string expected =
      absl::StrFormat("%04d%02d%02d", birth_date.year(), birth_date.month(), birth_date.day());
  if (id_number.substr(6, 8) != expected) {
    return InvalidField(field, "does not hold the birth date given in birth_date");
  }
  return absl::OkStatus();
}

std::string MaskIdNumber(absl::string_view id_number) {
  if (id_number.size() < 7) return std::string(id_number.size(), '*');
  return absl::StrCat(id_number.substr(0, 3), std::string(id_number.size() - 7, '*'),
                      id_number.substr(id_number.size() - 4));
}

absl::Status ValidatePhone(absl::string_view field, absl::string_view phone) {
  if (phone.size() != 11 || !AllDigits(phone) || phone[0] != '1' || phone[1] < '3') {
    return InvalidField(field, "must be a mainland mobile number: 11 digits beginning 13 to 19");
  }
  return absl::OkStatus();
}

std::string MaskPhone(absl::string_view phone) {
  if (phone.size() < 7) return std::string(phone.size(), '*');
  return absl::StrCat(phone.substr(0, 3), std::string(phone.size() - 7, '*'),
                      phone.substr(phone.size() - 4));
}

std::string MintVolunteerNumber(absl::string_view county_code, int year, int64_t serial) {
  const std::string body = absl::StrFormat("%s%04d%07d", county_code, year, serial % 10000000);
  return absl::StrCat(body, std::string(1, LuhnCheckDigit(body)));
}

bool IsVolunteerNumber(absl::string_view number) {
  return number.size() == 18 && AllDigits(number) &&
         LuhnCheckDigit(number.substr(0, 17)) == number[17];
}

}  // namespace zhiyuan::services
