// The emulator's own endpoints under /_chime-local/ (outside every AWS path):
// health/readiness, reset, seed, the test clock, faults, ... One row per
// {method, path} says the endpoint's access (read, write, memory) and its
// handler; the dispatcher routes with RouteControl(), refuses a kWrite row
// under --read-only before the handler runs, then calls the handler. A handler
// either answers at once (health, operations) or names storage work that the
// dispatcher runs on the pipeline like any request (reset), or answers later
// without holding a thread (the events long poll), so the control plane never
// touches a connection outside a transaction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/events/event_sink.hpp"
#include "api/events/outbox.hpp"
#include "api/handler.hpp"
#include "api/http_types.hpp"
#include "api/protocol/access.hpp"

namespace chime::api {

inline constexpr std::string_view kControlPrefix = "/_chime-local/";

class Fixture;
class StreamingDirectory;

// What the control plane needs to know about the store.
struct StorageInfo {
  bool in_memory = true;
  // --read-only: the store has no writer; nothing may submit a write unit.
  bool read_only = false;
};

struct ControlRequest {
  // Name for the access log ("Health", "Reset", ...).
  std::string operation;
  // Either the answer, now...
  std::optional<HttpResponse> response;
  // ...or a storage unit whose JSON result is the 200 answer.
  std::function<nlohmann::json(storage::Database&)> write;
  std::function<nlohmann::json(storage::Database&)> read;
  // ...or an answer given later, from any thread, without holding one (the
  // long poll of GET /_chime-local/events): the dispatcher calls `deferred`
  // with the function that answers, exactly once.
  std::function<void(std::function<void(HttpResponse)>)> deferred;
  // Whose messaging sessions end once `write` commits (set before it runs,
  // or by it: a reset, a snapshot restore, the clock's expiry sweep).
  std::shared_ptr<Departures> departures;
  // Events and after-commit jobs of `write` (a channel-flow callback from the
  // inspector page): handed to the event sink once it commits, as a request's.
  std::shared_ptr<Outbox> outbox;
};

bool IsControlRequest(const HttpRequest& request);

// The query parameters of a control request: form-style ('+' is a space), a
// repeated name keeps its last value, an empty pair is a parameter named "".
std::map<std::string, std::string> ControlQuery(std::string_view target);

// What a control handler gets.
struct ControlCall {
  const HttpRequest& request;
  std::string_view path;  // the target without its query
  std::string_view name;  // the path after kControlPrefix
  const StorageInfo& storage;
  const HandlerTable& handlers;
  // This emulator's test-fixture state: faults, journal, throttling, the test
  // clock, the start seed, storage health.
  Fixture& fixture;
  // For the handlers a seed runs (POST /_chime-local/seed, reset with a start seed).
  const ServiceConfig& config;
  // --kinesis-endpoint's cache of the stored streaming configurations (null
  // without it): reloaded when a reset or a snapshot replaces the data.
  StreamingDirectory* streaming = nullptr;
  const std::string& request_id;
};
using ControlHandler = ControlRequest (*)(const ControlCall& call);

// One control endpoint.
struct ControlEndpoint {
  std::string_view method;     // "*": any method
  std::string_view path;       // after kControlPrefix; ending in '/': that prefix and any rest
  Access access;               // kWrite rows are refused under --read-only
  std::string_view operation;  // for the access log (and the --read-only refusal)
  std::string_view family;     // the log name of a request with a method no row of the path has
  ControlHandler handler;
};

// The row for `request` (IsControlRequest() must be true), or the answer when
// there is none: 404 for an unknown path, 400 naming the methods for a known
// path with another method.
struct ControlRoute {
  const ControlEndpoint* endpoint = nullptr;
  std::optional<HttpResponse> refusal;
};
ControlRoute RouteControl(const HttpRequest& request, const std::string& request_id);

// After a write unit replaced data wholesale (reset, snapshot restore): reload
// the in-memory caches of stored data from `db`, so none serves stale data.
void ReloadDataCaches(storage::Database& db, StreamingDirectory* streaming);


// The answer of a control endpoint: JSON, or for a binary JSON value
// (json::binary) its raw bytes as application/vnd.sqlite3 (the snapshot).
HttpResponse ControlJson(int status, const nlohmann::json& body, const std::string& request_id, std::string op);

}  // namespace chime::api
