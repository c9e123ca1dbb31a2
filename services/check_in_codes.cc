#include "services/check_in_codes.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace zhiyuan::services {
namespace {

// The same context as services/personal_data.cc's keys; subkeys 1 and 2 are theirs.
constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "zhiyuan1";
constexpr uint64_t kCheckInSubkey = 3;
constexpr absl::string_view kQrPrefix = "zyc1";
constexpr size_t kQrMacBytes = 16;

// The step holding `time`: whole steps since the epoch, rounded down.
int64_t StepOf(absl::Time time) {
  // Far beyond any real time, the steps of year 1 or 9999 (and no overflow).
  const int64_t seconds =
      std::clamp<int64_t>(absl::ToUnixSeconds(time), -62135596800, 253402300799);
  const int64_t step = absl::ToInt64Seconds(CheckInCodes::kStep);
  return seconds >= 0 ? seconds / step : -((-seconds + step - 1) / step);
}

std::string Base64Url(const std::string& bytes) {
  std::string encoded(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.pop_back();  // The terminating NUL.
  return encoded;
}

bool SameBytes(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CheckInCodes>> CheckInCodes::Create(absl::string_view master_key) {
  if (master_key.size() != crypto_kdf_KEYBYTES) {
    return absl::InvalidArgumentError(
        absl::StrCat("the master key must be ", crypto_kdf_KEYBYTES, " bytes"));
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot initialise");
  std::unique_ptr<CheckInCodes> codes(new CheckInCodes());
  crypto_kdf_derive_from_key(codes->key_.data(), codes->key_.size(), kCheckInSubkey, kContext,
                             reinterpret_cast<const unsigned char*>(master_key.data()));
  return codes;
}

std::string CheckInCodes::Mac(int64_t event_id, absl::string_view purpose, int64_t step) const {
  const std::string message = absl::StrCat(purpose, ":", event_id, ":", step);
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key_.data(), key_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

// RFC 4226's dynamic truncation, over HMAC-SHA-256, to 6 digits.
std::string CheckInCodes::ShortCode(int64_t event_id, int64_t step) const {
  const std::string mac = Mac(event_id, "short", step);
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(mac[i])); };
  const size_t offset = byte(mac.size() - 1) & 0x0f;
  const uint32_t binary = (byte(offset) & 0x7f) << 24 | byte(offset + 1) << 16 |
                          byte(offset + 2) << 8 | byte(offset + 3);
  return absl::StrFormat("%06u", binary % 1000000);
}

std::string CheckInCodes::QrPayload(int64_t event_id, int64_t step) const {
  return absl::StrCat(kQrPrefix, ".", event_id, ".", step, ".",
                      Base64Url(Mac(event_id, "qr", step).substr(0, kQrMacBytes)));
}

CheckInCodes::Code CheckInCodes::At(int64_t event_id, absl::Time time) const {
  const int64_t step = StepOf(time);
  Code code;
  code.short_code = ShortCode(event_id, step);
  code.qr_payload = QrPayload(event_id, step);
  code.valid_from = absl::UnixEpoch() + step * kStep;
  code.valid_until = code.valid_from + kStep;
  return code;
}

bool CheckInCodes::Verify(int64_t event_id, absl::string_view presented, absl::Time time) const {
  const int64_t step = StepOf(time);
  if (presented.size() == 6) {
    bool matched = false;
    for (int64_t near = step - 1; near <= step + 1; ++near) {
      matched |= SameBytes(presented, ShortCode(event_id, near));
    }
    return matched;
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(presented, '.');
  int64_t id = 0;
  int64_t payload_step = 0;
  if (parts.size() != 4 || parts[0] != kQrPrefix || !absl::SimpleAtoi(parts[1], &id) ||
      id != event_id || !absl::SimpleAtoi(parts[2], &payload_step) || payload_step < step - 1 ||
      payload_step > step + 1) {
    return false;
  }
  return SameBytes(presented, QrPayload(event_id, payload_step));
}

}  // namespace zhiyuan::services
