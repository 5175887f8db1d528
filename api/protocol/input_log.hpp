// What the debug request log shows of an AWS request and its answer: the
// bound input (route + bind, the same as the dispatcher does) and the
// response body, with the values of sensitive members masked as the validator
// does (message Content, Metadata, ...), so debug logs can be shared.
// Debug level only: it routes and binds the request a second time.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "api/http_types.hpp"

namespace chime::api {

struct LoggableExchange {
  nlohmann::json input;     // the bound input, masked; a string saying why when it could not be bound
  nlohmann::json response;  // the parsed response body (masked when 2xx), or its raw text
};

// Never throws. Control-plane requests (/_chime-local/) have no modeled input:
// input is null and the response body is shown as is.
LoggableExchange DescribeForLog(const HttpRequest& request, int status, std::string_view response_body);

// Replaces the values of sensitive members of `shape_id` inside `value` by
// "***" (and sensitive map keys by "<key N>"). Exposed for tests.
void MaskSensitive(uint16_t shape_id, nlohmann::json& value);

}  // namespace chime::api
