#include "services/personal_data.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace zhiyuan::services {
namespace {

// crypto_kdf contexts: 8 bytes each.
constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "zhiyuan1";
constexpr uint64_t kEncryptionSubkey = 1;
constexpr uint64_t kLookupSubkey = 2;

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const unsigned char* Bytes(absl::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

absl::StatusOr<std::unique_ptr<PersonalDataProtector>> PersonalDataProtector::Create(
    absl::string_view master_key) {
  if (master_key.size() != kKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the personal-data key must be ", kKeyBytes, " bytes"));
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot initialise");
  std::unique_ptr<PersonalDataProtector> protector(new PersonalDataProtector());
  crypto_kdf_derive_from_key(protector->encryption_key_.data(), kKeyBytes, kEncryptionSubkey,
                             kContext, Bytes(master_key));
  crypto_kdf_derive_from_key(protector->lookup_key_.data(), kKeyBytes, kLookupSubkey, kContext,
                             Bytes(master_key));
  return protector;
}

absl::StatusOr<std::string> PersonalDataProtector::LoadKeyFile(const std::string& path,
                                                               bool create) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) {
      return absl::InternalError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
    }
    if (!create) {
      return absl::NotFoundError(absl::StrCat("no personal-data key file at ", path));
    }
    if (sodium_init() < 0) return absl::InternalError("libsodium cannot initialise");
    std::string key(kKeyBytes, '\0');
    randombytes_buf(key.data(), key.size());
    // O_EXCL: never replace a key, which would make every stored value unreadable; a second
    // instance racing to create it reads the winner's instead.
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      if (errno == EEXIST) return LoadKeyFile(path, /*create=*/false);
      return absl::InternalError(absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
    }
    const std::string text = absl::StrCat(absl::BytesToHexString(key), "\n");
    const bool written =
        write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
    close(fd);
    if (!written) return absl::InternalError(absl::StrCat("cannot write ", path));
    return key;
  }
  std::ifstream in(path);
  if (!in) return absl::InternalError(absl::StrCat("cannot read ", path));
  std::string line;
  std::getline(in, line);
  return ParseKeyHex(line, path);
}

absl::StatusOr<std::string> PersonalDataProtector::ParseKeyHex(absl::string_view text,
                                                               absl::string_view source) {
  const absl::string_view hex = absl::StripAsciiWhitespace(text);
  if (hex.size() != 2 * kKeyBytes ||
      hex.find_first_not_of("0123456789abcdefABCDEF") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, " must hold the key as ", 2 * kKeyBytes, " hex digits"));
  }
  return absl::HexStringToBytes(hex);
}

std::string PersonalDataProtector::Encrypt(absl::string_view field,
                                           absl::string_view plaintext) const {
  std::string sealed(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, kNonceBytes);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + kNonceBytes, &length, Bytes(plaintext),
                                             plaintext.size(), Bytes(field), field.size(), nullptr,
                                             out, encryption_key_.data());
  return sealed;
}

absl::StatusOr<std::string> PersonalDataProtector::Decrypt(absl::string_view field,
                                                           absl::string_view sealed) const {
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError(absl::StrCat("the stored ", field, " is damaged"));
  }
  std::string plaintext(sealed.size() - kNonceBytes - kTagBytes, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &length, nullptr,
          Bytes(sealed) + kNonceBytes, sealed.size() - kNonceBytes, Bytes(field), field.size(),
          Bytes(sealed), encryption_key_.data()) != 0) {
    return absl::DataLossError(
        absl::StrCat("the stored ", field, " cannot be decrypted with this key"));
  }
  plaintext.resize(length);
  return plaintext;
}

std::string PersonalDataProtector::LookupHash(absl::string_view field,
                                              absl::string_view value) const {
  std::string hash(crypto_generichash_BYTES, '\0');
  crypto_generichash_state state;
  crypto_generichash_init(&state, lookup_key_.data(), kKeyBytes, hash.size());
  crypto_generichash_update(&state, Bytes(field), field.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, Bytes(value), value.size());
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(hash.data()), hash.size());
  return hash;
}

}  // namespace zhiyuan::services
