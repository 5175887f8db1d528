// Parsing a request body as JSON with a nesting bound. The models nest no
// deeper than about 6 levels; a body nested 65,000 levels deep (140 KB, under
// the body limit) would otherwise reach recursive code (dump() for the
// idempotency hash, the validator, the destructor of nlohmann::json) and
// overflow the stack. The bound is checked by a linear pre-scan before
// nlohmann sees the text, so nothing recursive ever sees such input.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace chime::api {

// Deepest accepted nesting of arrays and objects (the body object itself is 1).
inline constexpr size_t kMaxJsonDepth = 64;

// The nesting depth of `text` (0 for a scalar), counting only brackets outside
// strings; stops counting once `limit` is exceeded and then returns limit + 1.
// Does not validate the JSON.
size_t JsonNestingDepth(std::string_view text, size_t limit = kMaxJsonDepth);

// Parses a request body that must be one JSON object. Throws
// ApiError(BadRequest) naming the rule for malformed JSON, a body that is not
// an object, or nesting deeper than kMaxJsonDepth.
nlohmann::json ParseJsonObjectBody(std::string_view body);

}  // namespace chime::api
