// Bearer tokens (migration 0010): the principal each stands for, and the hash of its secret. The
// store never sees a secret. Tokens are never removed: revoking stamps revoke_time.
#ifndef ZHIYUAN_STORAGE_TOKEN_STORE_H_
#define ZHIYUAN_STORAGE_TOKEN_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/audit_log.h"

namespace zhiyuan::storage {

struct Token {
  int64_t id = 0;
  std::string display_name;
  int role = 0;                            // zhiyuan.v1.Role.
  std::string region_code;                 // Region admin and reporter; else "".
  int64_t team_id = 0;                     // Team leader; else 0.
  std::string volunteer_number;            // Volunteer; else "".
  std::vector<int64_t> post_ids;           // Kiosk.
  std::vector<int64_t> practice_unit_ids;  // Kiosk.
  std::string scope_region_code;           // The region the scope lies in; "" for a system admin.
  int64_t creator_id = 0;                  // 0 for the bootstrap token.
  absl::Time create_time;                  // Set by the store.
  absl::Time expire_time;
  std::optional<absl::Time> revoke_time;
};

struct TokenQuery {
  // Only tokens whose scope region is in this subtree; "" matches every token.
  std::string scope_region_code;
  bool show_inactive = false;  // Include revoked and expired tokens.
  int64_t after_id = 0;        // Only ids after this (keyset pagination).
  int limit = 100;
};

struct TokenPage {
  std::vector<Token> tokens;  // In id order.
  int64_t total = 0;          // All matches, ignoring after_id and limit.
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Token> Get(int64_t id, absl::Time deadline) = 0;

  // The token whose secret hashes to `secret_hash`, revoked, expired or not.
  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Token> FindBySecretHash(const std::string& secret_hash,
                                                 absl::Time deadline) = 0;

  virtual absl::StatusOr<TokenPage> List(const TokenQuery& query, absl::Time deadline) = 0;

  // Stores `token` (its id, create_time and revoke_time are ignored) with the 32-byte hash of its
  // secret, and returns it as stored. Errors: INVALID_ARGUMENT for a hash of another length;
  // ALREADY_EXISTS when another token has the same hash; FAILED_PRECONDITION when the region,
  // team or creator does not exist.
  virtual absl::StatusOr<Token> Create(const Token& token, const std::string& secret_hash,
                                       const AuditEntry& audit, absl::Time deadline) = 0;

  // Create, but only while there are no tokens at all: the first start's bootstrap. Several
  // servers starting at once make one token between them. Errors: those of Create;
  // FAILED_PRECONDITION when a token exists.
  virtual absl::StatusOr<Token> CreateFirst(const Token& token, const std::string& secret_hash,
                                            const AuditEntry& audit, absl::Time deadline) = 0;

  // Stamps the revoke time, or returns the token as it is when it is already revoked.
  // Errors: NOT_FOUND.
  virtual absl::StatusOr<Token> Revoke(int64_t id, const AuditEntry& audit,
                                       absl::Time deadline) = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_TOKEN_STORE_H_
