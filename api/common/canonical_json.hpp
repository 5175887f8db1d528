// CanonicalJson: one fixed text form of a JSON value, written here rather than
// taken from nlohmann's dump(), whose number and escape formatting a library
// update may change: the idempotency hash of a request must stay the same
// across versions, or an honest retry after an upgrade would be refused with
// ConflictException. The form (identical to nlohmann 3.11's compact dump for
// every value chime-local's models allow, so remembered tokens still match):
//   objects with keys in byte order, no spaces; strings with ", \, and
//   control characters escaped (\b \f \n \r \t, others \u00xx), other bytes
//   as they are; integers in decimal; other numbers as %.17g; true/false/null.
// Nesting deeper than kMaxCanonicalDepth throws std::length_error (the binder
// refuses such bodies long before; this is the last line of defence).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace chime::api {

inline constexpr int kMaxCanonicalDepth = 128;

// Appends the canonical form of `value` to `out`.
void AppendCanonicalJson(const nlohmann::json& value, std::string& out);
// Appends `s` as a canonical JSON string (quoted, escaped).
void AppendCanonicalString(const std::string& s, std::string& out);

}  // namespace chime::api
