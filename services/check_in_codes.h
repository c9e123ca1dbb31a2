// The codes a volunteer presents to check in at an event: a 6-digit short code shown on the
// organiser's screen, and a QR payload that carries more. Both rotate every 30 seconds and are
// HMAC-SHA-256 (libsodium) of the event, the step and the purpose under a key derived from the
// server's master key, so every instance computes the same codes and nothing is stored. A code is
// accepted for a time within one step of the one it was made for, so that a volunteer who typed
// it a little late, or uploads an offline check-in later with the time it was taken, is believed.
#ifndef ZHIYUAN_SERVICES_CHECK_IN_CODES_H_
#define ZHIYUAN_SERVICES_CHECK_IN_CODES_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zhiyuan::services {

class CheckInCodes {
 public:
  static constexpr absl::Duration kStep = absl::Seconds(30);

  // Errors: INVALID_ARGUMENT for a master key that is not 32 bytes; INTERNAL when libsodium
  // cannot initialise.
  static absl::StatusOr<std::unique_ptr<CheckInCodes>> Create(absl::string_view master_key);

  struct Code {
    std::string short_code;  // 6 digits.
    std::string qr_payload;  // "zyc1.{event id}.{step}.{MAC}".
    absl::Time valid_from;   // The step's start.
    absl::Time valid_until;  // The step's end.
  };

  // Event `event_id`'s codes for the step holding `time`.
  Code At(int64_t event_id, absl::Time time) const;

  // Whether `presented`, a short code or a QR payload, is event `event_id`'s for the step of
  // `time` or one next to it. Comparisons take the same time whatever the code.
  bool Verify(int64_t event_id, absl::string_view presented, absl::Time time) const;

 private:
  CheckInCodes() = default;

  std::string Mac(int64_t event_id, absl::string_view purpose, int64_t step) const;
  std::string ShortCode(int64_t event_id, int64_t step) const;
  std::string QrPayload(int64_t event_id, int64_t step) const;

  std::array<unsigned char, 32> key_{};
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_CHECK_IN_CODES_H_
