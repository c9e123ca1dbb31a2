#include "services/admin_token.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/authorizer.h"
#include "zhiyuan/v1/token.pb.h"

namespace zhiyuan::services {
namespace {

absl::Status FileError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno)));
}

absl::Status WriteSecret(const std::string& path, const std::string& secret) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return FileError("create", path);
  const std::string line = absl::StrCat(secret, "\n");
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  if (close(fd) != 0 || !written) return FileError("write", path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<storage::Token>> MakeAdminToken(storage::TokenStore& tokens,
                                                             const std::string& path,
                                                             AdminTokenMode mode,
                                                             absl::Time deadline) {
  const TokenSecret secret = MintTokenSecret();
  const std::string temporary = absl::StrCat(path, ".tmp");
  if (absl::Status written = WriteSecret(temporary, secret.secret); !written.ok()) {
    unlink(temporary.c_str());
    return written;
  }
  storage::Token token;
  token.role = zhiyuan::v1::ROLE_SYSTEM_ADMIN;
  token.display_name = mode == AdminTokenMode::kFirstOnly ? "first system admin (bootstrap)"
                                                          : "system admin (issued by zhiyuand)";
  token.expire_time = absl::Now() + kAdminTokenTtl;
  // zhiyuand itself makes it, on the operator's command: no caller token, no peer.
  storage::AuditEntry audit;
  audit.method = mode == AdminTokenMode::kFirstOnly ? "zhiyuand --bootstrap_token_file"
                                                    : "zhiyuand --issue_admin_token_file";
  audit.peer = "local";
  audit.field_paths = {"display_name", "role"};
  const absl::StatusOr<storage::Token> made =
      mode == AdminTokenMode::kFirstOnly ? tokens.CreateFirst(token, secret.hash, audit, deadline)
                                         : tokens.Create(token, secret.hash, audit, deadline);
  if (!made.ok()) {
    unlink(temporary.c_str());
    if (mode == AdminTokenMode::kFirstOnly && absl::IsFailedPrecondition(made.status())) {
      return std::nullopt;
    }
    return made.status();
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("made ", "tokens/", made->id,
                                            " but cannot move its secret from ", temporary, " to ",
                                            path, ": ", std::strerror(errno)));
  }
  return made;
}

}  // namespace zhiyuan::services
