#include "api/control/control_plane.hpp"

#include <nlohmann/json.hpp>

#include "api/common/storage_health.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace chime::api {

HttpResponse ControlJson(int status, const nlohmann::json& body, const std::string& request_id, std::string op) {
  HttpResponse r;
  r.status = status;
  r.operation = std::move(op);
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

namespace {
ControlRequest Answer(std::string operation, HttpResponse response) {
  ControlRequest c;
  response.operation = operation;
  c.operation = std::move(operation);
  c.response = std::move(response);
  return c;
}
}  // namespace

bool IsControlRequest(const HttpRequest& request) {
  return std::string_view(request.target).substr(0, kControlPrefix.size()) == kControlPrefix;
}

ControlRequest HandleControlRequest(const HttpRequest& request, const StorageInfo& storage,
                                    const HandlerTable& handlers, const std::string& request_id) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view name = path.substr(kControlPrefix.size());

  if (name == "health") {
    if (request.method != "GET" && request.method != "HEAD") {
      return Answer("Health", EncodeError(ErrorType::kBadRequest, "Use GET or HEAD for " + std::string(path), request_id));
    }
    // The server opens (and migrates) the store before it listens, so answering
    // at all means the store was ready; storage errors seen since then make it
    // "degraded" (503), so health checks notice a full disk or a corrupt table.
    const StorageHealth health = CurrentStorageHealth();
    nlohmann::json body = {
        {"status", health.degraded() ? "degraded" : "ok"},
        {"services", {{"chime-sdk-messaging", "running"}, {"chime-sdk-identity", "running"}}},
        {"storage", storage.in_memory ? "memory" : "sqlite"},
        {"schemaVersion", storage::LatestSchemaVersion()},
        {"readOnly", health.read_only},
        {"storageErrors", health.error_count},
    };
    if (health.degraded()) {
      body["lastStorageError"] = {{"message", health.last_error},
                                  {"operation", health.last_operation},
                                  {"time", EpochSeconds(health.last_error_ms)}};
    }
    return Answer("Health", ControlJson(health.degraded() ? 503 : 200, body, request_id, "Health"));
  }
  if (name == "reset") {
    if (request.method != "POST") {
      return Answer("Reset", EncodeError(ErrorType::kBadRequest, "Use POST for " + std::string(path), request_id));
    }
    ControlRequest c;
    c.operation = "Reset";
    c.write = [](storage::Database& db) {
      db.DeleteAllData();
      return nlohmann::json{{"reset", true}};
    };
    return c;
  }
  if (name == "channel-flow-invocations") {
    // Channel-flow processor invocations waiting for their ChannelFlowCallback
    // (each with the exact event a processor Lambda gets), oldest first.
    if (request.method != "GET") {
      return Answer("ChannelFlowInvocations",
                    EncodeError(ErrorType::kBadRequest, "Use GET for " + std::string(path), request_id));
    }
    ControlRequest c;
    c.operation = "ChannelFlowInvocations";
    c.read = [](storage::Database& db) { return flows::PendingInvocationsJson(db); };
    return c;
  }
  if (name == "operations") {
    // Which operations of each service are emulated (the rest answer 501).
    nlohmann::json body = {{"chime-sdk-messaging", {{"implemented", nlohmann::json::array()}, {"notImplemented", nlohmann::json::array()}}},
                           {"chime-sdk-identity", {{"implemented", nlohmann::json::array()}, {"notImplemented", nlohmann::json::array()}}}};
    for (const auto& op : model::Operations()) {
      const char* service = op.service == model::Service::kMessaging ? "chime-sdk-messaging" : "chime-sdk-identity";
      // The /tags operations route to the messaging entry, which serves both services.
      bool built = handlers.Has(op.op) ||
                   (op.service == model::Service::kIdentity && op.path_template == "/tags" &&
                    [&] {
                      for (const auto& m : model::Operations())
                        if (m.service == model::Service::kMessaging && m.name == op.name) return handlers.Has(m.op);
                      return false;
                    }());
      body[service][built ? "implemented" : "notImplemented"].push_back(op.name);
    }
    return Answer("Operations", ControlJson(200, body, request_id, "Operations"));
  }
  return Answer("Control",
                EncodeError(ErrorType::kNotFound, "No chime-local control endpoint " + std::string(path), request_id));
}

}  // namespace chime::api
