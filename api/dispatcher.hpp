// Dispatcher: the request pipeline below the transport, in two halves.
//
//   Begin()  (calling I/O thread)  route -> bind -> validate -> pick handler;
//            then the handler runs as a unit of storage Work on the Pipeline:
//            writes on the group-commit writer thread, GETs on a reader;
//   done     (pipeline thread)     after COMMIT the UnitRunner delivers the
//            outbox (events, departures, after-commit jobs); a rolled-back
//            unit drops it; then the Outcome is handed to the caller's `done`;
//   Finish() (back on an I/O thread) encodes the Outcome as the HTTP response.
//
// Handle() does all three synchronously (unit tests, fuzzers, tools): with a
// Database& the units run inline on the calling thread.
// Thread-safety: Begin/Finish/Handle may be called from several threads.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/control/control_plane.hpp"
#include "api/events/event_sink.hpp"
#include "api/http_types.hpp"
#include "api/service_config.hpp"

namespace chime::storage {
class Database;
class Pipeline;
}  // namespace chime::storage

namespace chime::api {

class Fixture;  // api/control/fixture.hpp

// The result of a request before encoding: a final response (errors found
// before storage, control answers), or an operation's output or error.
struct Outcome {
  std::optional<HttpResponse> response;
  const model::OperationDef* op = nullptr;
  std::string operation = "-";  // for the access log
  std::string request_id;
  nlohmann::json output;
  std::exception_ptr error;
  // An injected fault's latency: the transport waits this long before
  // Finish() (without blocking anything else).
  int64_t delay_ms = 0;
  // For the request journal: the validated input and when the request began.
  std::shared_ptr<const nlohmann::json> input;
  int64_t began_ms = 0;
  // The account and region the request acted in (AWS requests only).
  std::string account_id, region;
  std::chrono::steady_clock::time_point began;
};

// The start of a messaging session (GET /connect): the user lookup's result.
struct SessionOutcome {
  std::exception_ptr error;           // the store could not be read
  bool authorized = false;            // a known user or bot, presigned for its own account and region
  std::vector<std::string> prefetch;  // CHANNEL_DETAILS frames, in sending order
};

class Dispatcher {
 public:
  // Synchronous: units run inline on `db` (InlinePipeline), with a Fixture of its own.
  Dispatcher(const ServiceConfig& config, storage::Database& db, EventSink* sink = nullptr);
  // Asynchronous: units go to `pipeline` (the server's storage::Store).
  // `fixture` (outliving the dispatcher) is shared with the emulator's other
  // background work, such as the channel-flow runner, so all read one clock;
  // null: the dispatcher owns a Fixture of its own.
  Dispatcher(const ServiceConfig& config, storage::Pipeline& pipeline, StorageInfo storage,
             EventSink* sink = nullptr, Fixture* fixture = nullptr);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  using Done = std::function<void(Outcome)>;
  // Never throws; `done` is called exactly once, possibly before Begin returns,
  // possibly on another thread.
  void Begin(HttpRequest request, Done done);
  // Never throws: every failure becomes a modeled AWS error response.
  HttpResponse Finish(Outcome outcome);

  // The messaging session (a WebSocket upgrade, server/messaging_transport.cpp)
  // enters here too, in two steps around the upgrade:
  // RefuseSession, before it: 404 off /connect, or (--sigv4 strict) the 403 of
  // a missing or wrong presigned query; nullopt: upgrade.
  std::optional<HttpResponse> RefuseSession(const HttpRequest& upgrade);
  // BeginSession, once the session is registered with the hub: the user
  // lookup and prefetch as a read unit on the pipeline, then the tenant check.
  // Never throws; `done` is called exactly once, possibly on another thread.
  void BeginSession(const HttpRequest& upgrade, std::function<void(SessionOutcome)> done);

  // Begin + wait + Finish on the calling thread (an injected latency is not
  // waited for here).
  HttpResponse Handle(const HttpRequest& request);

  // This emulator's test-fixture state: faults, journal, throttling, the test
  // clock, the start seed, storage health (/_chime-local/*).
  Fixture& fixture();

 private:
  HttpResponse Encode(Outcome& outcome);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chime::api
