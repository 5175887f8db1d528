#include "api/control/control_plane.hpp"

#include <nlohmann/json.hpp>

#include "api/common/storage_health.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/migrations.hpp"
#include "storage/transaction.hpp"

namespace chime::api {

namespace {
HttpResponse Json(int status, const nlohmann::json& body, const std::string& request_id, std::string op) {
  HttpResponse r;
  r.status = status;
  r.operation = std::move(op);
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}
}  // namespace

std::optional<HttpResponse> HandleControlRequest(const HttpRequest& request, storage::Database& db,
                                                 const HandlerTable& handlers, const std::string& request_id) {
  std::string_view target = request.target;
  if (target.substr(0, kControlPrefix.size()) != kControlPrefix) return std::nullopt;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view name = path.substr(kControlPrefix.size());

  if (name == "health") {
    if (request.method != "GET" && request.method != "HEAD") {
      return EncodeError(ErrorType::kBadRequest, "Use GET or HEAD for " + std::string(path), request_id);
    }
    // The server opens (and migrates) the store before it listens, so answering
    // at all means the store was ready; storage errors seen since then make it
    // "degraded" (503), so health checks notice a full disk or a corrupt table.
    const StorageHealth storage = CurrentStorageHealth();
    nlohmann::json body = {
        {"status", storage.degraded() ? "degraded" : "ok"},
        {"services", {{"chime-sdk-messaging", "running"}, {"chime-sdk-identity", "running"}}},
        {"storage", db.path() == ":memory:" ? "memory" : "sqlite"},
        {"schemaVersion", storage::LatestSchemaVersion()},
        {"readOnly", storage.read_only},
        {"storageErrors", storage.error_count},
    };
    if (storage.degraded()) {
      body["lastStorageError"] = {{"message", storage.last_error},
                                  {"operation", storage.last_operation},
                                  {"time", EpochSeconds(storage.last_error_ms)}};
    }
    return Json(storage.degraded() ? 503 : 200, body, request_id, "Health");
  }
  if (name == "reset") {
    if (request.method != "POST") {
      return EncodeError(ErrorType::kBadRequest, "Use POST for " + std::string(path), request_id);
    }
    storage::Transaction txn(db, storage::Transaction::Mode::kWrite);
    db.DeleteAllData();
    txn.Commit();
    return Json(200, {{"reset", true}}, request_id, "Reset");
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
    return Json(200, body, request_id, "Operations");
  }
  auto r = EncodeError(ErrorType::kNotFound, "No chime-local control endpoint " + std::string(path), request_id);
  r.operation = "Control";
  return r;
}

}  // namespace chime::api
