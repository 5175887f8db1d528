// Outgoing AWS calls (server/outgoing/): how the HTTP client logs an
// endpoint's answer, shared by every adapter.
//
// What an AWS-compatible endpoint answered, in one line for the server log:
// the error type and message when the body is an AWS JSON error (Lambda:
// {"Type": ..., "message": ...}; JSON 1.1 services: {"__type": ..., "message": ...}),
// then the start of the raw body with control and non-ASCII bytes escaped.
// The body is parsed only within the nesting bound of the API's own request
// bodies (api::JsonNestingDepth / kMaxJsonDepth), so a deeply nested answer
// never reaches recursive code; it and anything not JSON are quoted only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chime::server {

// `error_type`: the x-amzn-ErrorType header, if any (preferred over the body's).
std::string SummarizeAnswer(std::string_view body, std::string_view error_type = {},
                            size_t quote_bytes = 300);

}  // namespace chime::server
