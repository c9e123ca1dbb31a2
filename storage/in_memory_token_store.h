// TokenStore in memory, for handler tests: the same behaviour as PostgresTokenStore (both pass
// tests/storage/token_store_contract.h), except that it does not check that the region, team and
// creator a token names exist.
#ifndef ZHIYUAN_STORAGE_IN_MEMORY_TOKEN_STORE_H_
#define ZHIYUAN_STORAGE_IN_MEMORY_TOKEN_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/in_memory_audit_log.h"
#include "storage/token_store.h"

namespace zhiyuan::storage {

class InMemoryTokenStore final : public TokenStore {
 public:
  // With `audit_log`, every change is appended to it.
  explicit InMemoryTokenStore(InMemoryAuditLog* audit_log = nullptr) : audit_log_(audit_log) {}

  absl::StatusOr<Token> Get(int64_t id, absl::Time deadline) override;
  absl::StatusOr<Token> FindBySecretHash(const std::string& secret_hash,
                                         absl::Time deadline) override;
  absl::StatusOr<TokenPage> List(const TokenQuery& query, absl::Time deadline) override;
  absl::StatusOr<Token> Create(const Token& token, const std::string& secret_hash,
                               const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Token> CreateFirst(const Token& token, const std::string& secret_hash,
                                    const AuditEntry& audit, absl::Time deadline) override;
  absl::StatusOr<Token> Revoke(int64_t id, const AuditEntry& audit, absl::Time deadline) override;

 private:
  absl::StatusOr<Token> Insert(const Token& token, const std::string& secret_hash)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  InMemoryAuditLog* const audit_log_;
  absl::Mutex mu_;
  std::map<int64_t, Token> tokens_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> by_hash_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_IN_MEMORY_TOKEN_STORE_H_
