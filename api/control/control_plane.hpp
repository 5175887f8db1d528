// The emulator's own endpoints under /_chime-local/ (outside every AWS path):
// health/readiness, reset, seed, and the list of emulated operations. An endpoint
// either answers at once (health, operations) or names storage work that the
// dispatcher runs on the pipeline like any request (reset), so the control
// plane never touches a connection outside a transaction.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/events/event_sink.hpp"
#include "api/handler.hpp"
#include "api/http_types.hpp"

namespace chime::api {

inline constexpr std::string_view kControlPrefix = "/_chime-local/";

class FaultRegistry;
class Journal;
class Throttling;
class StreamingDirectory;

// What the control plane needs to know about the store.
struct StorageInfo {
  bool in_memory = true;
};

// The in-memory test-fixture state the control plane manages.
struct FixtureState {
  FaultRegistry& faults;
  Journal& journal;
  Throttling& throttling;
  // For the handlers a seed runs (POST /_chime-local/seed, reset with a start seed).
  const ServiceConfig& config;
  // --kinesis-endpoint's cache of the stored streaming configurations (null
  // without it): reloaded when a reset or a snapshot replaces the data.
  StreamingDirectory* streaming = nullptr;
};

struct ControlRequest {
  // Name for the access log ("Health", "Reset", ...).
  std::string operation;
  // Either the answer, now...
  std::optional<HttpResponse> response;
  // ...or a storage unit whose JSON result is the 200 answer.
  std::function<nlohmann::json(storage::Database&)> write;
  std::function<nlohmann::json(storage::Database&)> read;
  // Whose messaging sessions end once `write` commits (set before it runs,
  // or by it: a reset, a snapshot restore, the clock's expiry sweep).
  std::shared_ptr<Departures> departures;
};

bool IsControlRequest(const HttpRequest& request);

// After a write unit replaced data wholesale (reset, snapshot restore): reload
// the in-memory caches of stored data from `db`, so none serves stale data.
void ReloadDataCaches(storage::Database& db, const FixtureState& fixture);

// Handles a control-plane request (IsControlRequest() must be true).
ControlRequest HandleControlRequest(const HttpRequest& request, const StorageInfo& storage,
                                    const HandlerTable& handlers, FixtureState fixture,
                                    const std::string& request_id);

// The answer of a control endpoint: JSON, or for a binary JSON value
// (json::binary) its raw bytes as application/vnd.sqlite3 (the snapshot).
HttpResponse ControlJson(int status, const nlohmann::json& body, const std::string& request_id, std::string op);

}  // namespace chime::api
