#include "services/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/validation.h"

namespace zhiyuan::services {

// Layout before base64: "<query length>:<query><last key>".
std::string EncodePageToken(absl::string_view query, absl::string_view last_key) {
  return absl::WebSafeBase64Escape(absl::StrCat(query.size(), ":", query, last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view field, absl::string_view token,
                                            absl::string_view query) {
  if (token.empty()) return std::string();
  std::string raw;
  size_t colon;
  size_t query_size;
  if (!absl::WebSafeBase64Unescape(token, &raw) || (colon = raw.find(':')) == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(raw).substr(0, colon), &query_size) ||
      raw.size() - colon - 1 < query_size) {
    return InvalidField(field, "is not a page token this service issued");
  }
  if (absl::string_view(raw).substr(colon + 1, query_size) != query) {
    return InvalidField(field,
                        "belongs to a different query: send the same filters as the "
                        "request that returned it");
  }
  return raw.substr(colon + 1 + query_size);
}

}  // namespace zhiyuan::services
