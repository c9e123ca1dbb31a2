#include "storage/in_memory_token_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace zhiyuan::storage {
namespace {

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("tokens/", id, " does not exist"));
}

}  // namespace

absl::StatusOr<Token> InMemoryTokenStore::Get(int64_t id, absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  const auto it = tokens_.find(id);
  if (it == tokens_.end()) return NotFound(id);
  return it->second;
}

absl::StatusOr<Token> InMemoryTokenStore::FindBySecretHash(const std::string& secret_hash,
                                                           absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  const auto it = by_hash_.find(secret_hash);
  if (it == by_hash_.end()) return absl::NotFoundError("no token has this secret");
  return tokens_.at(it->second);
}

absl::StatusOr<TokenPage> InMemoryTokenStore::List(const TokenQuery& query,
                                                   absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  TokenPage page;
  for (const auto& [id, token] : tokens_) {
    if (!absl::StartsWith(token.scope_region_code, query.scope_region_code)) continue;
    if (!query.show_inactive && (token.revoke_time.has_value() || token.expire_time <= now)) {
      continue;
    }
    ++page.total;
    if (id > query.after_id && static_cast<int>(page.tokens.size()) < query.limit) {
      page.tokens.push_back(token);
    }
  }
  return page;
}

absl::StatusOr<Token> InMemoryTokenStore::Create(const Token& token, const std::string& secret_hash,
                                                 const AuditEntry& audit, absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Token> made = Insert(token, secret_hash);
  if (made.ok())
    RecordChange(audit_log_, audit, absl::StrCat("tokens/", made->id), made->scope_region_code);
  return made;
}

absl::StatusOr<Token> InMemoryTokenStore::CreateFirst(const Token& token,
                                                      const std::string& secret_hash,
                                                      const AuditEntry& audit,
                                                      absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  if (!tokens_.empty()) {
    return absl::FailedPreconditionError("a token exists already: no bootstrap needed");
  }
  absl::StatusOr<Token> made = Insert(token, secret_hash);
  if (made.ok())
    RecordChange(audit_log_, audit, absl::StrCat("tokens/", made->id), made->scope_region_code);
  return made;
}

absl::StatusOr<Token> InMemoryTokenStore::Insert(const Token& token,
                                                 const std::string& secret_hash) {
  if (secret_hash.size() != 32) {
    return absl::InvalidArgumentError("a token's secret hash must be 32 bytes");
  }
  if (by_hash_.count(secret_hash) > 0) {
    return absl::AlreadyExistsError("a token with this secret hash exists");
  }
  if (token.creator_id != 0 && tokens_.count(token.creator_id) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("tokens/", token.creator_id, " does not exist"));
  }
  Token stored = token;
  stored.id = next_id_++;
  // Microseconds, as PostgreSQL keeps them.
  stored.create_time = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  stored.expire_time = absl::FromUnixMicros(absl::ToUnixMicros(token.expire_time));
  stored.revoke_time.reset();
  if (stored.expire_time <= stored.create_time) {
    return absl::InvalidArgumentError("a token must expire after it is made");
  }
  tokens_[stored.id] = stored;
  by_hash_[secret_hash] = stored.id;
  return stored;
}

absl::StatusOr<Token> InMemoryTokenStore::Revoke(int64_t id, const AuditEntry& audit,
                                                 absl::Time /*deadline*/) {
  absl::MutexLock lock(&mu_);
  const auto it = tokens_.find(id);
  if (it == tokens_.end()) return NotFound(id);
  if (!it->second.revoke_time.has_value()) {
    it->second.revoke_time = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
    RecordChange(audit_log_, audit, absl::StrCat("tokens/", id), it->second.scope_region_code);
  }
  return it->second;
}

}  // namespace zhiyuan::storage
