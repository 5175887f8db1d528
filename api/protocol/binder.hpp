// Binder: gathers an operation's input from the four rest-json locations
// (uri label, query string, header, JSON body) into one JSON object keyed by
// member name, converting query strings to the member's type. Body members
// that the model does not define are ignored, as AWS does.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "api/http_types.hpp"
#include "api/protocol/router.hpp"

namespace chime::api {

// Throws ApiError(BadRequest) for malformed JSON, a non-object body, or a
// query value that cannot be converted (e.g. max-results=abc).
nlohmann::json BindInput(const Route& route, const HttpRequest& request);

}  // namespace chime::api
