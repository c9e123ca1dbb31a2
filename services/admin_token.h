// Making system admin tokens outside the API: the first start's bootstrap, and recovery when no
// admin token is left. Both write the secret to a file (mode 0600) for zhiyuanctl, never to the
// log.
#ifndef ZHIYUAN_SERVICES_ADMIN_TOKEN_H_
#define ZHIYUAN_SERVICES_ADMIN_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/token_store.h"

namespace zhiyuan::services {

// How long a token made here lives.
inline constexpr absl::Duration kAdminTokenTtl = absl::Hours(24 * 366);

enum class AdminTokenMode {
  // Only while the database has no tokens at all; otherwise nothing is made or written.
  kFirstOnly,
  // Always: a new system admin token, for an operator with database access who lost theirs.
  kAlways,
};

// Makes a system admin token and writes its secret, with a newline, to `path`: first to
// `path`.tmp, renamed over `path` once the token is committed, so that a crash leaves no secret
// the database does not know and never a token whose secret is lost. Returns the token made, or
// nullopt when kFirstOnly found tokens. Errors: INTERNAL for file errors; those of the store.
absl::StatusOr<std::optional<storage::Token>> MakeAdminToken(storage::TokenStore& tokens,
                                                             const std::string& path,
                                                             AdminTokenMode mode,
                                                             absl::Time deadline);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_ADMIN_TOKEN_H_
