#include "services/authorizer.h"

#include <sodium.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/proto_time.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

constexpr absl::string_view kSecretPrefix = "zyt_";
constexpr size_t kSecretBytes = 32;
// Teams nest a few levels deep (总队 › 分队 › 小队); a longer chain means a cycle or a bug.
constexpr int kMaxTeamDepth = 32;
// The cache is dropped whole when it grows past this: enough tokens for every active device of
// a province, small enough (a few MB) not to matter.
constexpr size_t kMaxCachedTokens = 100000;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat(why,
                   ": send \"authorization: Bearer <token>\" with a token from "
                   "TokenService.CreateToken"));
}

bool Contains(const std::vector<int64_t>& ids, int64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The principal a stored token stands for.
Principal PrincipalOf(const storage::Token& token) {
  Principal principal;
  principal.token_id = token.id;
  principal.role = static_cast<zhiyuan::v1::Role>(token.role);
  principal.region_code = token.region_code;
  principal.team_id = token.team_id;
  principal.volunteer_number = token.volunteer_number;
  principal.post_ids = token.post_ids;
  principal.practice_unit_ids = token.practice_unit_ids;
  principal.expire_time = token.expire_time;
  return principal;
}

}  // namespace

std::string Principal::name() const { return absl::StrCat("tokens/", token_id); }

std::string Principal::Describe() const {
  std::string scope;
  switch (role) {
    case zhiyuan::v1::ROLE_REGION_ADMIN:
    case zhiyuan::v1::ROLE_REPORTER:
      scope = absl::StrCat(" of regions/", region_code);
      break;
    case zhiyuan::v1::ROLE_TEAM_LEADER:
      scope = absl::StrCat(" of teams/", team_id);
      break;
    case zhiyuan::v1::ROLE_VOLUNTEER:
      scope = absl::StrCat(" volunteers/", volunteer_number);
      break;
    default:
      break;
  }
  return absl::StrCat(name(), " (", zhiyuan::v1::Role_Name(role), scope, ")");
}

TokenSecret MintTokenSecret() {
  unsigned char random[kSecretBytes];
  randombytes_buf(random, sizeof random);
  char encoded[sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, random, sizeof random,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(random, sizeof random);
  TokenSecret result;
  result.secret = absl::StrCat(kSecretPrefix, encoded);
  result.hash = HashTokenSecret(result.secret);
  return result;
}

std::string HashTokenSecret(absl::string_view secret) {
  std::string hash(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(hash.data()), hash.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr,
                     0);
  return hash;
}

absl::StatusOr<Principal> Authorizer::Authenticate(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto [first, last] = metadata.equal_range("authorization");
  if (first == last) return Unauthenticated("the call carries no authorization metadata");
  if (std::next(first) != last) return Unauthenticated("the call carries authorization twice");
  const absl::string_view value(first->second.data(), first->second.size());
  // RFC 6750: the scheme is case-insensitive; one space before the token.
  if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return Unauthenticated("authorization is not a Bearer token");
  }
  const absl::string_view secret = value.substr(7);
  if (!absl::StartsWith(secret, kSecretPrefix) ||
      secret.size() !=
          kSecretPrefix.size() +
              sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) -
              1) {
    return Unauthenticated("the bearer token is malformed");
  }
  absl::StatusOr<storage::Token> token = FindToken(HashTokenSecret(secret), Deadline(context));
  if (absl::IsNotFound(token.status())) {
    return Unauthenticated("the bearer token is not one this server issued");
  }
  if (!token.ok()) {
    // The caller may well be authorized: it is the check that failed. Worth a retry.
    return absl::UnavailableError(
        absl::StrCat("cannot check the bearer token now: ", token.status().message()));
  }
  if (token->revoke_time.has_value()) {
    return Unauthenticated(absl::StrCat("tokens/", token->id, " was revoked at ",
                                        absl::FormatTime(*token->revoke_time)));
  }
  if (token->expire_time <= absl::Now()) {
    return Unauthenticated(
        absl::StrCat("tokens/", token->id, " expired at ", absl::FormatTime(token->expire_time)));
  }
  return PrincipalOf(*token);
}

absl::StatusOr<storage::Token> Authorizer::FindToken(const std::string& hash, absl::Time deadline) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    if (const auto it = cache_.find(hash);
        it != cache_.end() && now - it->second.fetched < cache_ttl_) {
      return it->second.token;
    }
  }
  ZY_ASSIGN_OR_RETURN(storage::Token token, stores_.tokens.FindBySecretHash(hash, deadline));
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= kMaxCachedTokens) cache_.clear();
  cache_[hash] = CachedToken{token, now};
  return token;
}

void Authorizer::Forget(int64_t token_id) {
  absl::MutexLock lock(&mu_);
  absl::erase_if(cache_, [&](const auto& entry) { return entry.second.token.id == token_id; });
}

absl::Status Authorizer::Deny(const Principal& caller, absl::string_view action) {
  return absl::PermissionDeniedError(absl::StrCat(caller.Describe(), " may not ", action));
}

absl::Status Authorizer::RequireRole(const Principal& caller,
                                     std::initializer_list<zhiyuan::v1::Role> roles,
                                     absl::string_view action) {
  if (caller.is_system_admin()) return absl::OkStatus();
  for (const zhiyuan::v1::Role role : roles) {
    if (caller.role == role) return absl::OkStatus();
  }
  return Deny(caller, action);
}

absl::Status Authorizer::RequestIdTaken(absl::string_view request_id) {
  return absl::AlreadyExistsError(absl::StrCat(
      "request_id: ", request_id, " was used by another request: give each new request its own"));
}

bool Authorizer::ReachesRegion(const Principal& caller, absl::string_view region_code) {
  switch (caller.role) {
    case zhiyuan::v1::ROLE_SYSTEM_ADMIN:
      return true;
    case zhiyuan::v1::ROLE_REGION_ADMIN:
    case zhiyuan::v1::ROLE_REPORTER:
      return absl::StartsWith(region_code, caller.region_code);
    default:
      return false;
  }
}

absl::StatusOr<std::string> Authorizer::NarrowRegion(const Principal& caller,
                                                     absl::string_view field,
                                                     const std::string& requested) {
  if (caller.is_system_admin()) return requested;
  if (requested.empty()) return caller.region_code;
  if (ReachesRegion(caller, requested)) return requested;
  return absl::PermissionDeniedError(
      absl::StrCat(field, ": ", caller.Describe(), " may not look outside regions/",
                   caller.region_code, " (asked for regions/", requested, ")"));
}

absl::StatusOr<bool> Authorizer::IsTeamWithin(int64_t team_id, int64_t ancestor_id,
                                              absl::Time deadline) {
  for (int depth = 0; depth < kMaxTeamDepth && team_id != 0; ++depth) {
    if (team_id == ancestor_id) return true;
    ZY_ASSIGN_OR_RETURN(const storage::Team team, stores_.teams.Get(team_id, deadline));
    team_id = team.parent_id;
  }
  return false;
}

absl::StatusOr<bool> Authorizer::ReachesTeam(const Principal& caller, const storage::Team& team,
                                             absl::Time deadline) {
  if (caller.role == zhiyuan::v1::ROLE_TEAM_LEADER) {
    if (team.id == caller.team_id) return true;
    if (team.parent_id == 0) return false;
    return IsTeamWithin(team.parent_id, caller.team_id, deadline);
  }
  return ReachesRegion(caller, team.home_region_code);
}

absl::StatusOr<bool> Authorizer::ReachesTeamId(const Principal& caller, absl::string_view field,
                                               int64_t team_id, absl::Time deadline) {
  if (caller.is_system_admin()) return true;
  absl::StatusOr<storage::Team> team = stores_.teams.Get(team_id, deadline);
  if (absl::IsNotFound(team.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": teams/", team_id, " does not exist"));
  }
  if (!team.ok()) return team.status();
  return ReachesTeam(caller, *team, deadline);
}

bool Authorizer::ReachesUnit(const Principal& caller, const storage::PracticeUnit& unit) {
  if (caller.role == zhiyuan::v1::ROLE_KIOSK) return Contains(caller.practice_unit_ids, unit.id);
  return ReachesRegion(caller, unit.region_code);
}

bool Authorizer::ReachesPost(const Principal& caller, const storage::Post& post) {
  if (caller.role == zhiyuan::v1::ROLE_KIOSK) return Contains(caller.post_ids, post.id);
  return ReachesRegion(caller, post.region_code);
}

absl::StatusOr<bool> Authorizer::ReachesUnitId(const Principal& caller, absl::string_view field,
                                               int64_t unit_id, absl::Time deadline) {
  if (caller.is_system_admin()) return true;
  absl::StatusOr<storage::PracticeUnit> unit = stores_.units.Get(unit_id, deadline);
  if (absl::IsNotFound(unit.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": practiceUnits/", unit_id, " does not exist"));
  }
  if (!unit.ok()) return unit.status();
  return ReachesUnit(caller, *unit);
}

absl::StatusOr<bool> Authorizer::ReachesPostId(const Principal& caller, absl::string_view field,
                                               int64_t post_id, absl::Time deadline) {
  if (caller.is_system_admin()) return true;
  absl::StatusOr<storage::Post> post = stores_.posts.Get(post_id, deadline);
  if (absl::IsNotFound(post.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": posts/", post_id, " does not exist"));
  }
  if (!post.ok()) return post.status();
  return ReachesPost(caller, *post);
}

absl::StatusOr<bool> Authorizer::ReachesEvent(const Principal& caller, const storage::Event& event,
                                              absl::Time deadline) {
  switch (caller.role) {
    case zhiyuan::v1::ROLE_TEAM_LEADER:
      return IsTeamWithin(event.team_id, caller.team_id, deadline);
    case zhiyuan::v1::ROLE_KIOSK:
      return (event.post_id != 0 && std::find(caller.post_ids.begin(), caller.post_ids.end(),
                                              event.post_id) != caller.post_ids.end()) ||
             (event.practice_unit_id != 0 &&
              std::find(caller.practice_unit_ids.begin(), caller.practice_unit_ids.end(),
                        event.practice_unit_id) != caller.practice_unit_ids.end());
    default:
      return ReachesRegion(caller, event.region_code);
  }
}

bool Authorizer::ReachesVolunteer(const Principal& caller, const storage::Volunteer& volunteer) {
  switch (caller.role) {
    case zhiyuan::v1::ROLE_SYSTEM_ADMIN:
      return true;
    case zhiyuan::v1::ROLE_REGION_ADMIN:
      return absl::StartsWith(volunteer.residence_region_code, caller.region_code);
    case zhiyuan::v1::ROLE_VOLUNTEER:
      return volunteer.number == caller.volunteer_number;
    default:
      return false;
  }
}

absl::StatusOr<bool> Authorizer::ReachesVolunteerNumber(const Principal& caller,
                                                        const std::string& number,
                                                        absl::Time deadline) {
  switch (caller.role) {
    case zhiyuan::v1::ROLE_SYSTEM_ADMIN:
      return true;
    case zhiyuan::v1::ROLE_VOLUNTEER:
      return number == caller.volunteer_number;
    case zhiyuan::v1::ROLE_REGION_ADMIN: {
      absl::StatusOr<storage::Volunteer> volunteer = stores_.volunteers.Get(number, deadline);
      if (absl::IsNotFound(volunteer.status())) return false;
      if (!volunteer.ok()) return volunteer.status();
      return ReachesVolunteer(caller, *volunteer);
    }
    default:
      return false;
  }
}

}  // namespace zhiyuan::services
