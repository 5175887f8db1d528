#include "api/control/control_plane.hpp"

#include <nlohmann/json.hpp>

#include "api/protocol/encoder.hpp"
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
  r.body = body.dump();
  return r;
}
}  // namespace

std::optional<HttpResponse> HandleControlRequest(const HttpRequest& request, storage::Database& db,
                                                 const std::string& request_id) {
  std::string_view target = request.target;
  if (target.substr(0, kControlPrefix.size()) != kControlPrefix) return std::nullopt;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view name = path.substr(kControlPrefix.size());

  if (name == "health") {
    if (request.method != "GET" && request.method != "HEAD") {
      return EncodeError(ErrorType::kBadRequest, "Use GET or HEAD for " + std::string(path), request_id);
    }
    // The server opens (and migrates) the store before it listens, so answering
    // at all means the store is ready.
    nlohmann::json body = {
        {"status", "ok"},
        {"services", {{"chime-sdk-messaging", "running"}, {"chime-sdk-identity", "running"}}},
        {"storage", db.path() == ":memory:" ? "memory" : "sqlite"},
        {"schemaVersion", storage::LatestSchemaVersion()},
    };
    return Json(200, body, request_id, "Health");
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
  auto r = EncodeError(ErrorType::kNotFound, "No chime-local control endpoint " + std::string(path), request_id);
  r.operation = "Control";
  return r;
}

}  // namespace chime::api
