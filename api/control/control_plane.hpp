// The emulator's own endpoints under /_chime-local/ (outside every AWS path):
// health/readiness, reset, and the list of emulated operations.
#pragma once

#include <optional>

#include "api/handler.hpp"
#include "api/http_types.hpp"
#include "storage/database.hpp"

namespace chime::api {

inline constexpr std::string_view kControlPrefix = "/_chime-local/";

// Handles a control-plane request, or returns nullopt if `request` is not one.
std::optional<HttpResponse> HandleControlRequest(const HttpRequest& request, storage::Database& db,
                                                 const HandlerTable& handlers, const std::string& request_id);

}  // namespace chime::api
