// --read-only: serve an existing database without writing to it. Requests
// that would write (every AWS operation that is not a GET, except the
// POST-shaped read SearchChannels, and POST /_chime-local/reset) are answered
// ForbiddenException before they reach a handler, so the client gets a clear
// reason instead of a storage failure.
#pragma once

#include <optional>
#include <string>

#include "api/http_types.hpp"

namespace chime::api {

// The refusal for a request that would write, or nullopt when it only reads
// (or does not route: the dispatcher then answers the routing error).
std::optional<HttpResponse> RefuseWriteWhenReadOnly(const HttpRequest& request);

}  // namespace chime::api
