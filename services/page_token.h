// Opaque page tokens for keyset pagination (AIP-158): a token carries the last key of a page and
// the query it belongs to, so that the next page starts right after that key and a token brought
// to another query is refused. Any server instance can read any instance's tokens.
#ifndef ZHIYUAN_SERVICES_PAGE_TOKEN_H_
#define ZHIYUAN_SERVICES_PAGE_TOKEN_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::services {

// `query`: the request's filters in a canonical form (everything but page size and token).
std::string EncodePageToken(absl::string_view query, absl::string_view last_key);

// The last key of the previous page; "" for an empty token (the first page).
// Errors: INVALID_ARGUMENT naming `field` for a malformed token or one from another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view field, absl::string_view token,
                                            absl::string_view query);

// Fills a page of a List response from `items`, which the store fetched with a limit of
// `page_size` + 1: hands at most `page_size` of them to `add`, and returns the token of the next
// page, made from the key (`key`) of the last one added, or "" when there is no next page.
template <typename T, typename Add, typename Key>
std::string FillPage(const std::vector<T>& items, int page_size, absl::string_view query, Add add,
                     Key key) {
  const size_t count = std::min(items.size(), static_cast<size_t>(page_size));
  for (size_t i = 0; i < count; ++i) add(items[i]);
  if (items.size() <= count || count == 0) return "";
  return EncodePageToken(query, key(items[count - 1]));
}

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_PAGE_TOKEN_H_
