// TokenStore on PostgreSQL: the `api_tokens` table (migration 0010).
#ifndef ZHIYUAN_STORAGE_POSTGRES_TOKEN_STORE_H_
#define ZHIYUAN_STORAGE_POSTGRES_TOKEN_STORE_H_

#include "storage/connection_pool.h"
#include "storage/token_store.h"

namespace zhiyuan::storage {

class PostgresTokenStore final : public TokenStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresTokenStore(ConnectionPool& pool) : pool_(pool) {}

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
  absl::StatusOr<Token> Insert(const Token& token, const std::string& secret_hash, bool first,
                               const AuditEntry& audit, absl::Time deadline);

  ConnectionPool& pool_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_POSTGRES_TOKEN_STORE_H_
