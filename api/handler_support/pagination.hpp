// NextToken for keyset pagination: an opaque, versioned, base64url string
// that carries the position after the last returned row plus a fingerprint of
// the query it belongs to, so a token replayed against another list (or
// tampered with) is refused with BadRequestException. Because it names a
// position, not an offset, pages stay stable while rows are inserted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace chime::api {

struct PageCursor {
  int64_t key = 0;      // primary sort key of the last row returned (e.g. created_ms or id)
  int64_t tiebreak = 0; // row id of the last row returned
};

// `scope` identifies the listing (operation + its filters).
std::string EncodeNextToken(std::string_view scope, const PageCursor& cursor);
// Throws ApiError(BadRequest) if the token is malformed or from another listing.
PageCursor DecodeNextToken(std::string_view scope, std::string_view token);

// Reads MaxResults from a bound input (default when absent).
int MaxResults(const nlohmann::json& input, int default_value = 50);
// Reads and decodes NextToken from a bound input, if present.
std::optional<PageCursor> NextTokenCursor(const nlohmann::json& input, std::string_view scope);

}  // namespace chime::api
