// VolunteerStore: where registered volunteers are kept. PostgresVolunteerStore is the real one;
// InMemoryVolunteerStore serves handler tests. Both pass
// tests/storage/volunteer_store_contract.h. Personal data arrives encrypted and masked: the store
// never sees an ID or phone number in the clear.
#ifndef ZHIYUAN_STORAGE_VOLUNTEER_STORE_H_
#define ZHIYUAN_STORAGE_VOLUNTEER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

struct Volunteer {
  std::string number;  // The 18-digit volunteer number.
  std::string display_name;
  int gender = 0;  // zhiyuan.v1.Gender.
  absl::CivilDay birth_date;
  std::string residence_region_code;
  std::vector<std::string> skills;  // Without control characters.
  int status = 1;                   // zhiyuan.v1.VolunteerStatus.
  bool guardian_consent = false;
  std::string id_number_cipher;
  std::string id_number_masked;
  std::string phone_cipher;  // Empty when no phone was given.
  std::string phone_masked;
  int64_t revision = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> delete_time;
};

struct VolunteerQuery {
  std::string region_code;  // "" for the country; else the residence region's subtree.
  int status = 0;           // 0: any.
  std::string name_prefix;  // "": any name.
  bool show_deleted = false;
  std::string after_number;  // Only numbers after this (keyset pagination).
  int limit = 100;
};

struct VolunteerPage {
  std::vector<Volunteer> volunteers;  // At most `limit`, ordered by number.
  int64_t total = 0;                  // All matches, ignoring after_number and limit.
};

struct VolunteerChange {
  std::optional<std::string> display_name;
  std::optional<int> gender;
  std::optional<std::string> residence_region_code;
  std::optional<std::vector<std::string>> skills;
  std::optional<int> status;
  std::optional<std::pair<std::string, std::string>> phone;  // Cipher and mask; {"", ""} clears.
  std::optional<int64_t> expected_revision;
};

// ALREADY_EXISTS for a person registered already as volunteer `number`, which it names in its
// message and carries as a payload.
absl::Status AlreadyRegistered(const std::string& number);

// The volunteer number an AlreadyRegistered status carries; "" for any other status.
std::string RegisteredVolunteer(const absl::Status& status);

class VolunteerStore {
 public:
  virtual ~VolunteerStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Volunteer> Get(const std::string& number, absl::Time deadline) = 0;

  virtual absl::StatusOr<VolunteerPage> List(const VolunteerQuery& query, absl::Time deadline) = 0;

  // Registers `volunteer` (all but number, revision and times) as the person whose ID number
  // hashes to `id_number_hash`, under the number `mint(serial)` gives for a fresh serial; or,
  // when a volunteer was already registered with `request_id` (a UUID; "" for none), returns
  // that one. Errors: ALREADY_EXISTS when the person is registered already (made by
  // AlreadyRegistered: the message names their volunteer number, and so does the payload
  // RegisteredVolunteer reads); FAILED_PRECONDITION when the residence region does not exist.
  virtual absl::StatusOr<Volunteer> Create(const Volunteer& volunteer,
                                           const std::string& id_number_hash,
                                           absl::FunctionRef<std::string(int64_t)> mint,
                                           const std::string& request_id, const AuditEntry& audit,
                                           absl::Time deadline) = 0;

  // Errors: NOT_FOUND; ABORTED on a stale expected_revision; FAILED_PRECONDITION when deleted or
  // when a new residence region does not exist.
  virtual absl::StatusOr<Volunteer> Update(const std::string& number, const VolunteerChange& change,
                                           const AuditEntry& audit, absl::Time deadline) = 0;

  // Marks the volunteer deleted (a deleted one is returned as it is).
  // Errors: NOT_FOUND; ABORTED on a stale revision.
  virtual absl::StatusOr<Volunteer> Delete(const std::string& number,
                                           std::optional<int64_t> expected_revision,
                                           const AuditEntry& audit, absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_VOLUNTEER_STORE_H_
