#include "api/common/read_only_guard.hpp"

#include "api/common/ids.hpp"
#include "api/control/control_plane.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/router.hpp"

namespace chime::api {

namespace {
HttpResponse Refusal(const std::string& what, std::string operation) {
  HttpResponse r = EncodeError(ErrorType::kForbidden,
                               "chime-local was started with --read-only: " + what +
                                   " would write to the database and is refused",
                               NewUuid());
  r.operation = std::move(operation);
  return r;
}
}  // namespace

std::optional<HttpResponse> RefuseWriteWhenReadOnly(const HttpRequest& request) {
  std::string_view target = request.target;
  if (target.substr(0, kControlPrefix.size()) == kControlPrefix) {
    std::string_view path = target.substr(0, target.find('?'));
    if (path == std::string(kControlPrefix) + "reset") return Refusal("reset", "Reset");
    if (path == std::string(kControlPrefix) + "seed") return Refusal("seed", "Seed");
    if (path == std::string(kControlPrefix) + "snapshot" && request.method == "PUT") {
      return Refusal("PUT /_chime-local/snapshot", "PutSnapshot");
    }
    return std::nullopt;
  }
  try {
    Route route = RouteRequest(request.method, request.target);
    const model::OperationDef& op = *route.op;
    if (op.method == "GET" || op.name == "SearchChannels") return std::nullopt;
    return Refusal(std::string(op.name), std::string(op.name));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace chime::api
