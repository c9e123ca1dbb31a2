// Opaque page tokens for keyset pagination (AIP-158): a token carries the last key of a page and
// the query it belongs to, so that the next page starts right after that key and a token brought
// to another query is refused. Any server instance can read any instance's tokens.
#ifndef ZHIYUAN_SERVICES_PAGE_TOKEN_H_
#define ZHIYUAN_SERVICES_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::services {

// `query`: the request's filters in a canonical form (everything but page size and token).
std::string EncodePageToken(absl::string_view query, absl::string_view last_key);

// The last key of the previous page; "" for an empty token (the first page).
// Errors: INVALID_ARGUMENT naming `field` for a malformed token or one from another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view field, absl::string_view token,
                                            absl::string_view query);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PAGE_TOKEN_H_
