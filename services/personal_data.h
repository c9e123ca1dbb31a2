// Protection of personal data at rest (ID numbers, phone numbers) with libsodium: values are
// encrypted with XChaCha20-Poly1305 (a random nonce each, the field's name bound in as associated
// data so a ciphertext cannot be moved to another field), and looked up by a keyed BLAKE2b hash,
// so that one person cannot register twice while the database holds no plaintext. Both keys are
// derived from one 32-byte master key kept outside the database.
#ifndef ZHIYUAN_SERVICES_PERSONAL_DATA_H_
#define ZHIYUAN_SERVICES_PERSONAL_DATA_H_

#include <array>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::services {

class PersonalDataProtector {
 public:
  static constexpr size_t kKeyBytes = 32;

  // Errors: INVALID_ARGUMENT when `master_key` is not kKeyBytes long; INTERNAL when libsodium
  // cannot initialise.
  static absl::StatusOr<std::unique_ptr<PersonalDataProtector>> Create(
      absl::string_view master_key);

  // Reads a key file holding the master key as 64 hex digits. When the file does not exist and
  // `create` is set, writes a new random key there first (mode 0600).
  // Errors: NOT_FOUND (missing, not creating); INVALID_ARGUMENT (malformed); INTERNAL (I/O).
  static absl::StatusOr<std::string> LoadKeyFile(const std::string& path, bool create);

  // The key written as 64 hex digits (surrounding white space ignored), e.g. from an environment
  // variable. Errors: INVALID_ARGUMENT naming `source`.
  static absl::StatusOr<std::string> ParseKeyHex(absl::string_view text, absl::string_view source);

  // Nonce, ciphertext and tag, for `field` ("id_number").
  std::string Encrypt(absl::string_view field, absl::string_view plaintext) const;

  // Errors: DATA_LOSS when the ciphertext was altered, or made for another field or key.
  absl::StatusOr<std::string> Decrypt(absl::string_view field, absl::string_view sealed) const;

  // The same for the same field and value under the same key; reveals nothing without the key.
  std::string LookupHash(absl::string_view field, absl::string_view value) const;

 private:
  PersonalDataProtector() = default;

  std::array<unsigned char, kKeyBytes> encryption_key_{};
  std::array<unsigned char, kKeyBytes> lookup_key_{};
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PERSONAL_DATA_H_
