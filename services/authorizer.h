// Who is calling and what they may reach. Every zhiyuan.v1 call carries a bearer token
// ("authorization: Bearer zyt_..."); the Authorizer turns it into a Principal (a role and its
// scope, zhiyuan.v1.Role) and answers the scope questions the handlers ask about the objects a
// call names, reads, lists or refers to. The rules per RPC are in docs/SECURITY.md; the handlers
// apply them, and tests/services/authorization_matrix_pgtest.cc checks every RPC against every
// role.
#ifndef ZHIYUAN_SERVICES_AUTHORIZER_H_
#define ZHIYUAN_SERVICES_AUTHORIZER_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/event_store.h"
#include "storage/post_store.h"
#include "storage/practice_unit_store.h"
#include "storage/team_store.h"
#include "storage/token_store.h"
#include "storage/volunteer_store.h"
#include "zhiyuan/v1/token.pb.h"

namespace zhiyuan::services {

// The caller of an RPC: the role and scope of the token it presented.
struct Principal {
  int64_t token_id = 0;
  zhiyuan::v1::Role role = zhiyuan::v1::ROLE_UNSPECIFIED;
  std::string region_code;                          // REGION_ADMIN and REPORTER.
  int64_t team_id = 0;                              // TEAM_LEADER.
  std::string volunteer_number;                     // VOLUNTEER.
  std::vector<int64_t> post_ids;                    // KIOSK.
  std::vector<int64_t> practice_unit_ids;           // KIOSK.
  absl::Time expire_time = absl::InfiniteFuture();  // When the token stops working.

  // "tokens/{id}".
  std::string name() const;
  // "tokens/7 (REGION_ADMIN of regions/141124)", for messages.
  std::string Describe() const;
  bool is_system_admin() const { return role == zhiyuan::v1::ROLE_SYSTEM_ADMIN; }
};

// A new token secret: "zyt_" and 256 random bits in unpadded base64url, and its hash.
struct TokenSecret {
  std::string secret;
  std::string hash;
};
TokenSecret MintTokenSecret();

// The 32-byte BLAKE2b hash under which a secret is stored.
std::string HashTokenSecret(absl::string_view secret);

class Authorizer {
 public:
  // The stores scope questions are answered from; they must outlive the Authorizer.
  struct Stores {
    storage::TokenStore& tokens;
    storage::TeamStore& teams;
    storage::PracticeUnitStore& units;
    storage::PostStore& posts;
    storage::VolunteerStore& volunteers;
  };

  // Tokens are read through a cache that keeps each for `cache_ttl`: a token revoked through
  // another server stops working here within that time (one revoked through this one, at once).
  Authorizer(const Stores& stores, absl::Duration cache_ttl)
      : stores_(stores), cache_ttl_(cache_ttl) {}

  // The caller of `context`. Errors: UNAUTHENTICATED when the authorization metadata is missing,
  // repeated or malformed, or names a token that does not exist, has expired or was revoked;
  // UNAVAILABLE when the token cannot be read by the call's deadline (the caller may retry).
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context);

  // Drops a token from this server's cache, after revoking it.
  void Forget(int64_t token_id);

  // PERMISSION_DENIED "tokens/7 (REGION_ADMIN of regions/141124) may not <action>".
  static absl::Status Deny(const Principal& caller, absl::string_view action);

  // OK when the caller holds one of `roles` or is a system admin; else Deny(action).
  static absl::Status RequireRole(const Principal& caller,
                                  std::initializer_list<zhiyuan::v1::Role> roles,
                                  absl::string_view action);

  // Whether `region_code` lies in the caller's region (REGION_ADMIN, REPORTER); a system admin
  // reaches every region, other roles none.
  static bool ReachesRegion(const Principal& caller, absl::string_view region_code);

  // The region subtree a List may show the caller when asked for `requested` ("" for all):
  // `requested` when the caller reaches it, the caller's own region when `requested` is empty.
  // Errors: PERMISSION_DENIED naming `field` when `requested` lies outside the caller's region.
  static absl::StatusOr<std::string> NarrowRegion(const Principal& caller, absl::string_view field,
                                                  const std::string& requested);

  // Teams: a system admin reaches all; REGION_ADMIN and REPORTER those whose home region they
  // reach; TEAM_LEADER their team and the teams under it. Errors: those of the team store.
  absl::StatusOr<bool> ReachesTeam(const Principal& caller, const storage::Team& team,
                                   absl::Time deadline);
  // The same for a team by id. Errors: FAILED_PRECONDITION naming `field` when it does not exist.
  absl::StatusOr<bool> ReachesTeamId(const Principal& caller, absl::string_view field,
                                     int64_t team_id, absl::Time deadline);

  // Whether `team_id` is `ancestor_id` or lies under it.
  absl::StatusOr<bool> IsTeamWithin(int64_t team_id, int64_t ancestor_id, absl::Time deadline);

  // Practice units and posts: a system admin; REGION_ADMIN and REPORTER by region; KIOSK the
  // ones it is bound to.
  static bool ReachesUnit(const Principal& caller, const storage::PracticeUnit& unit);
  static bool ReachesPost(const Principal& caller, const storage::Post& post);
  // The same by id. Errors: FAILED_PRECONDITION naming `field` when it does not exist.
  absl::StatusOr<bool> ReachesUnitId(const Principal& caller, absl::string_view field,
                                     int64_t unit_id, absl::Time deadline);
  absl::StatusOr<bool> ReachesPostId(const Principal& caller, absl::string_view field,
                                     int64_t post_id, absl::Time deadline);

  // Events: a system admin; REGION_ADMIN and REPORTER by the event's region; TEAM_LEADER the
  // events their team or one under it organises; KIOSK those at its posts and practice units.
  absl::StatusOr<bool> ReachesEvent(const Principal& caller, const storage::Event& event,
                                    absl::Time deadline);

  // Volunteers: a system admin; REGION_ADMIN by residence; VOLUNTEER themself. (Reporters,
  // team leaders and kiosks see no volunteer profiles.)
  static bool ReachesVolunteer(const Principal& caller, const storage::Volunteer& volunteer);
  // The same by number, reading the volunteer only when the role needs it; a volunteer that
  // does not exist is reached by nobody but a system admin. Errors: those of the store.
  absl::StatusOr<bool> ReachesVolunteerNumber(const Principal& caller, const std::string& number,
                                              absl::Time deadline);

  // ALREADY_EXISTS for a create whose request_id a call for something out of the caller's reach
  // used first: a retry returns what the first call made, and that must not leak.
  static absl::Status RequestIdTaken(absl::string_view request_id);

  const Stores& stores() const { return stores_; }

 private:
  struct CachedToken {
    storage::Token token;
    absl::Time fetched;
  };

  absl::StatusOr<storage::Token> FindToken(const std::string& hash, absl::Time deadline);

  const Stores stores_;
  const absl::Duration cache_ttl_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, CachedToken> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_AUTHORIZER_H_
