// GET / : a small HTML page for whoever opens the emulator's address in a
// browser (instead of a Chime 404): what this is, and links to its health, its
// CA certificate and the documentation. AWS answers nothing at / on its
// service endpoints that an SDK relies on, so this changes no client.
#pragma once

#include <optional>
#include <string>

#include "api/http_types.hpp"

namespace chime::api {

// The page for GET or HEAD of "/" (any query); nullopt for every other request.
std::optional<HttpResponse> LandingPage(const HttpRequest& request, const std::string& request_id);

}  // namespace chime::api
