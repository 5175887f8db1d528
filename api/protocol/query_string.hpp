// Percent-decoding and query strings, for every reader of a request target:
// the router (rest-json operations), the control plane (/_chime-local/*), the
// WebSocket /connect URL and SigV4 (presigned URLs). They differ in three
// ways the callers rely on, so those are parameters, not copies:
//   '+'          literal in rest-json and SigV4 (RFC 3986), a space in the
//                control plane's form-style queries;
//   bad escapes  ('%' not followed by two hex digits) a 400 for the API and the
//                control plane, kept as sent by /connect (whose signature is
//                not checked, so a stray '%' must not cost the connection);
//   empty pairs  ("a=1&&b=2") skipped, except by the control plane, which
//                has always reported them as a parameter with an empty name.
// Repeated names are all kept, in request order; LastValues() is "last wins".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chime::api {

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // decoded, in request order

// What a '%' not followed by two hex digits does.
enum class BadEscape {
  kReject,      // the text is malformed (PercentDecode: nullopt; ParseQuery: BadRequestException)
  kKeepAsSent,  // that '%' stays a literal '%'; the escapes around it are still decoded
};

// Percent-decodes `s` ("%2F" -> "/", hex digits of either case); '+' becomes a
// space when `plus_as_space`. nullopt on a malformed escape under kReject.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space,
                                         BadEscape bad_escape = BadEscape::kReject);

struct QueryRules {
  bool plus_as_space = false;
  BadEscape bad_escape = BadEscape::kReject;
  // An empty pair before an '&' ("&a=1", "a=1&&b=2") is a parameter with an
  // empty name and value; the empty text after a last '&' never is.
  bool keep_empty_pairs = false;
};

// The query of a request target: what follows the first '?', or "".
std::string_view QueryPart(std::string_view target);

// Splits and decodes a query ("a=1&b=%2F&flag": flag has the value "").
// Throws ApiError(BadRequest) "Malformed percent-encoding in the query string"
// for a bad escape under BadEscape::kReject.
QueryParams ParseQuery(std::string_view query, const QueryRules& rules = {});

// Name -> value, the last value of a repeated name winning.
std::map<std::string, std::string> LastValues(const QueryParams& params);

}  // namespace chime::api
