#include "api/dispatcher.hpp"

#include <cstdio>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "api/auth/sigv4_verifier.hpp"
#include "api/auth/tenant.hpp"
#include "api/common/expiry.hpp"
#include "api/common/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/control/fixture.hpp"
#include "api/control/landing_page.hpp"
#include "api/handler.hpp"
#include "api/protocol/binder.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/input_log.hpp"
#include "api/protocol/router.hpp"
#include "api/protocol/timestamp.hpp"
#include "api/protocol/validator.hpp"
#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/inline_pipeline.hpp"
#include "storage/log.hpp"

namespace chime::api {

namespace {

// Everything one operation's unit of work needs, shared by its `run` (on the
// pipeline's thread, inside the transaction) and its `done` (after commit).
struct UnitState {
  const model::OperationDef* op;
  Handler handler;
  json input;
  std::string input_hash;
  std::string request_id;
  Outbox outbox;
  json output;
  // The request's account and region when not the defaults (api/auth/tenant.hpp).
  std::optional<ServiceConfig> tenant_config;
};

Outcome Final(HttpResponse response, std::string operation, std::string request_id) {
  Outcome o;
  response.operation = operation;
  o.response = std::move(response);
  o.operation = std::move(operation);
  o.request_id = std::move(request_id);
  return o;
}

std::string SafeRequestId() {
  try {
    return NewUuid();
  } catch (...) {
    return "00000000-0000-4000-8000-000000000000";
  }
}

}  // namespace

struct Dispatcher::Impl {
  ServiceConfig config;
  std::unique_ptr<storage::InlinePipeline> inline_pipeline;  // synchronous mode only
  storage::Pipeline& pipeline;
  StorageInfo storage;
  NullEventSink null_sink;
  EventSink& sink;
  HandlerTable handlers;
  std::unique_ptr<Fixture> owned_fixture;  // when none was handed in
  Fixture& fixture;
  // Async mode: deletes expired channels and users every few seconds.
  std::mutex sweep_mu;
  std::condition_variable sweep_cv;
  bool sweep_stop = false;
  std::thread sweeper;

  void StartSweeper() {
    sweeper = std::thread([this] {
      std::unique_lock lock(sweep_mu);
      while (!sweep_cv.wait_for(lock, std::chrono::seconds(5), [this] { return sweep_stop; })) {
        auto gone = std::make_shared<Departures>();
        storage::Work work;
        work.run = [this, gone](storage::Database& db) {
          gone->principals = SweepExpired(db, fixture.clock().Now()).principal_arns;
        };
        work.done = [this, gone](std::exception_ptr error) {  // a failed sweep is retried at the next tick
          if (!error) sink.Depart(*gone);
        };
        pipeline.SubmitWrite(std::move(work));
      }
    });
  }
  ~Impl() {
    if (!sweeper.joinable()) return;
    {
      std::lock_guard lock(sweep_mu);
      sweep_stop = true;
    }
    sweep_cv.notify_one();
    sweeper.join();
  }

  Impl(const ServiceConfig& c, std::unique_ptr<storage::InlinePipeline> owned, storage::Pipeline& p, StorageInfo s,
       EventSink* e, Fixture* f)
      : config(c),
        inline_pipeline(std::move(owned)),
        pipeline(p),
        storage(s),
        sink(e ? *e : null_sink),
        owned_fixture(f ? nullptr : std::make_unique<Fixture>()),
        fixture(f ? *f : *owned_fixture) {
    RegisterAppInstanceHandlers(handlers);
    RegisterAppInstanceUserHandlers(handlers);
    RegisterAppInstanceUserEndpointHandlers(handlers);
    RegisterRetentionSettingsHandlers(handlers);
    RegisterChannelHandlers(handlers);
    RegisterChannelMembershipHandlers(handlers);
    RegisterChannelModerationHandlers(handlers);
    RegisterChannelMessageHandlers(handlers);
    RegisterChannelPreferenceHandlers(handlers);
    RegisterChannelSearchHandlers(handlers);
    RegisterTagHandlers(handlers);
  }

  // One journal entry per answered AWS request (control requests are not journaled).
  void RecordInJournal(const Outcome& o, const HttpResponse& response) {
    JournalEntry e;
    e.time_ms = o.began_ms;
    e.request_id = o.request_id;
    e.operation = std::string(o.op->name);
    e.status = response.status;
    e.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - o.began).count();
    for (const auto& [name, value] : response.headers)
      if (name == "x-amzn-ErrorType") e.error_type = value;
    if (!e.error_type.empty()) {
      auto body = json::parse(response.body, nullptr, false);
      if (body.is_object()) e.error_message = body.value("Message", "");
    }
    if (o.input) {
      e.input = *o.input;
      if (auto it = e.input.find("ChimeBearer"); it != e.input.end() && it->is_string()) e.bearer = *it;
      if (auto it = e.input.find("ChannelArn"); it != e.input.end() && it->is_string()) e.channel_arn = *it;
      MaskSensitive(o.op->input_shape, e.input);
    }
    fixture.journal().Record(std::move(e));
    fixture.NoteChange();
  }

  // After a unit committed: its events, departures and after-commit jobs.
  void PublishOutbox(Outbox& outbox, const std::string& operation, const std::string& request_id) {
    if (!outbox.events().empty()) sink.Publish(std::move(outbox.events()));
    if (!outbox.departures().empty()) sink.Depart(outbox.departures());
    for (auto& job : outbox.jobs()) {
      try {
        job();
      } catch (const std::exception& e) {
        storage::Log(storage::LogLevel::kError,
                     "after-commit job of " + operation + " (request " + request_id + ") failed: " + e.what());
      } catch (...) {
      }
    }
  }

  // --read-only: the one place that refuses a request that would write, before
  // its handler runs (so it changes nothing, fixture state included).
  bool RefusesWrite(Access access) const { return storage.read_only && access == Access::kWrite; }
  static ApiError ReadOnlyRefusal(std::string_view what) {
    return ApiError(ErrorType::kForbidden, "chime-local was started with --read-only: " + std::string(what) +
                                               " would write to the database and is refused");
  }

  void BeginControl(const HttpRequest& request, const std::string& request_id, Done& done) {
    ControlRoute route = RouteControl(request, request_id);
    if (route.refusal) return done(Final(std::move(*route.refusal), route.refusal->operation, request_id));
    const ControlEndpoint& endpoint = *route.endpoint;
    std::string_view target = request.target;
    std::string_view path = target.substr(0, target.find('?'));
    if (RefusesWrite(endpoint.access)) {
      // "reset", "seed", "PUT /_chime-local/snapshot" (the names of earlier releases).
      std::string what = request.method == "POST" ? std::string(path.substr(kControlPrefix.size()))
                                                  : request.method + " " + std::string(path);
      const ApiError refusal = ReadOnlyRefusal(what);
      return done(Final(EncodeError(refusal.type(), refusal.what(), request_id), std::string(endpoint.operation),
                        request_id));
    }
    ControlCall call{request, path,   path.substr(kControlPrefix.size()), storage, handlers, fixture, config,
                     config.streaming, request_id};
    ControlRequest c = endpoint.handler(call);
    if (c.response) {
      // Faults, throttling, the clock, the journal: fixture state the inspector shows.
      if (request.method != "GET" && request.method != "HEAD" && c.response->status < 300) fixture.NoteChange();
      return done(Final(std::move(*c.response), c.operation, request_id));
    }
    // Read before the move: a moved-from std::function is empty, which sent every control
    // write (reset, seed, clock) to a read-only reader on a file-backed store.
    const bool write = static_cast<bool>(c.write);
    auto fn = write ? std::move(c.write) : std::move(c.read);
    auto result = std::make_shared<json>();
    storage::Work work;
    work.run = [fn = std::move(fn), result](storage::Database& db) { *result = fn(db); };
    work.done = [this, result, request_id, operation = c.operation, departures = c.departures, outbox = c.outbox,
                 write, done](std::exception_ptr error) {
      Outcome o;
      o.request_id = request_id;
      o.operation = operation;
      if (error) {
        o.error = error;
      } else {
        if (write) fixture.NoteChange();
        if (departures) sink.Depart(*departures);
        if (outbox) PublishOutbox(*outbox, operation, request_id);
        o.response = ControlJson(200, *result, request_id, operation);
      }
      done(std::move(o));
    };
    write ? pipeline.SubmitWrite(std::move(work)) : pipeline.SubmitRead(std::move(work));
  }

  // `operation` names the routed operation for the access log, also when
  // binding or validation then throws.
  void BeginOperation(const HttpRequest& request, const std::string& request_id, Done& done,
                      const model::OperationDef*& routed) {
    Route route = RouteRequest(request.method, request.target);
    const model::OperationDef& op = *route.op;
    routed = &op;
    if (RefusesWrite(op.access)) {
      Outcome o;
      o.op = &op;
      o.operation = std::string(op.name);
      o.request_id = request_id;
      o.error = std::make_exception_ptr(ReadOnlyRefusal(op.name));
      return done(std::move(o));
    }
    auto state = std::make_shared<UnitState>(UnitState{&op, handlers.Find(op.op), {}, {}, request_id, Outbox(sink.Wanted()), {}, std::nullopt});
    state->input = BindInput(route, request);
    ValidateInput(op, state->input);
    // Isolation by account and region: the caller's ARNs must be its own.
    const Tenant tenant = TenantOf(request, config);
    RequireTenantArns(op, state->input, tenant);
    state->tenant_config = ConfigForTenant(tenant, config);
    // Refused before storage (so nothing changes), with the input kept for the journal.
    auto refuse = [&](ApiError error, int64_t delay) {
      Outcome o;
      o.op = &op;
      o.operation = std::string(op.name);
      o.request_id = request_id;
      o.error = std::make_exception_ptr(std::move(error));
      o.delay_ms = delay;
      o.input = std::make_shared<const json>(std::move(state->input));
      done(std::move(o));
    };
    // Throttling at the service's quotas (--throttle), then injected faults.
    if (auto hit = fixture.throttling().Admit(op.name, state->input, tenant.account_id, tenant.region,
                                              fixture.clock().Now())) {
      return refuse(ThrottledClient(hit->message), 0);
    }
    int64_t delay_ms = 0;
    if (auto hit = fixture.faults().Match(op.name, state->input)) {
      if (hit->error) return refuse(ApiError(*hit->error, hit->message), hit->latency_ms);
      delay_ms = hit->latency_ms;
    }
    // Pure CPU work that needs no transaction stays off the writer thread.
    if (state->input.contains("ClientRequestToken")) state->input_hash = RequestHash(state->input);
    if (!state->handler) {
      return done(Final(EncodeError(ErrorType::kNotImplemented,
                                    "chime-local does not implement " + std::string(op.name) +
                                        " yet (see the Operations table in the README)",
                                    request_id),
                        std::string(op.name), request_id));
    }

    storage::Work work;
    work.run = [this, state](storage::Database& db) {
      const ServiceConfig& tenant_config = state->tenant_config ? *state->tenant_config : config;
      RequestContext ctx{*state->op,           tenant_config,     db,           state->request_id,
                         fixture.clock().Now(), state->input_hash, state->outbox};
      state->output = state->handler(ctx, state->input);
    };
    work.done = [this, state, done, delay_ms](std::exception_ptr error) {
      Outcome o;
      o.delay_ms = delay_ms;
      o.input = std::shared_ptr<const json>(state, &state->input);
      o.op = state->op;
      o.operation = std::string(state->op->name);
      o.request_id = state->request_id;
      if (error) {
        o.error = error;  // rolled back: the outbox goes with it
      } else {
        if (state->op->access != Access::kRead) fixture.NoteChange();
        PublishOutbox(state->outbox, o.operation, o.request_id);
        o.output = std::move(state->output);
      }
      done(std::move(o));
    };
    // Reads (GETs and SearchChannels, model::OperationDef::access) read a
    // snapshot of committed data on a reader; everything else is a write unit
    // of the writer's next batch.
    if (op.access == Access::kRead) {
      pipeline.SubmitRead(std::move(work));
    } else {
      pipeline.SubmitWrite(std::move(work));
    }
  }
};

Dispatcher::Dispatcher(const ServiceConfig& config, storage::Database& db, EventSink* sink) {
  auto owned = std::make_unique<storage::InlinePipeline>(db);
  storage::Pipeline& p = *owned;
  impl_ = std::make_unique<Impl>(config, std::move(owned), p, StorageInfo{db.in_memory()}, sink, nullptr);
}

Dispatcher::Dispatcher(const ServiceConfig& config, storage::Pipeline& pipeline, StorageInfo storage, EventSink* sink,
                       Fixture* fixture)
    : impl_(std::make_unique<Impl>(config, nullptr, pipeline, storage, sink, fixture)) {
  // A read-only store is never written, expired data included: the authorizer
  // refuses expired channels and users as gone without deleting them.
  if (!storage.read_only) impl_->StartSweeper();
}

Dispatcher::~Dispatcher() = default;

Fixture& Dispatcher::fixture() { return impl_->fixture; }

void Dispatcher::Begin(HttpRequest request, Done user_done) {
  const std::string request_id = SafeRequestId();
  const model::OperationDef* routed = nullptr;
  // Every outcome carries when its request began (journal latency and time).
  Done done = [user_done = std::move(user_done), began = std::chrono::steady_clock::now(),
               began_ms = impl_->fixture.clock().Now()](Outcome o) {
    o.began = began;
    o.began_ms = began_ms;
    user_done(std::move(o));
  };
  try {
    if (IsControlRequest(request)) return impl_->BeginControl(request, request_id, done);
    if (auto page = LandingPage(request, request_id)) return done(Final(std::move(*page), "LandingPage", request_id));
    // --sigv4 strict: an unsigned or mis-signed AWS request ends here, before routing.
    if (auto refused = StrictSigV4Refusal(request, impl_->config, request_id)) {
      return done(Final(std::move(*refused), "-", request_id));
    }
    return impl_->BeginOperation(request, request_id, done, routed);
  } catch (...) {
    // Routing, binding and validation errors: nothing reached storage.
    Outcome o;
    o.request_id = request_id;
    o.op = routed;
    if (routed) o.operation = std::string(routed->name);
    o.error = std::current_exception();
    done(std::move(o));
  }
}

HttpResponse Dispatcher::Finish(Outcome outcome) {
  if (outcome.response) return std::move(*outcome.response);
  HttpResponse response = Encode(outcome);
  if (outcome.op) impl_->RecordInJournal(outcome, response);
  return response;
}

HttpResponse Dispatcher::Encode(Outcome& outcome) {
  const std::string& id = outcome.request_id;
  auto named = [&](HttpResponse r) {
    r.operation = outcome.op ? std::string(outcome.op->name) : outcome.operation;
    return r;
  };
  if (!outcome.error) {
    try {
      return named(EncodeOutput(*outcome.op, outcome.output, id));
    } catch (...) {
      outcome.error = std::current_exception();
    }
  }
  const std::string op_name = outcome.op ? std::string(outcome.op->name) : outcome.operation;
  try {
    std::rethrow_exception(outcome.error);
  } catch (const ApiError& e) {
    return named(EncodeError(e.type(), e.what(), id));
  } catch (const storage::Overloaded& e) {
    return named(EncodeError(ErrorType::kServiceUnavailable,
                             std::string("The emulator is overloaded, retry later: ") + e.what(), id));
  } catch (const storage::Error& e) {
    // Health turns "degraded"; the server's request log line carries the message.
    impl_->fixture.RecordStorageError(op_name, e.what());
    return named(EncodeError(ErrorType::kServiceFailure, std::string("Storage failure: ") + e.what(), id));
  } catch (const std::exception& e) {
    return named(EncodeError(ErrorType::kServiceFailure, std::string("Internal failure: ") + e.what(), id));
  } catch (...) {
    return named(EncodeError(ErrorType::kServiceFailure, "Internal failure", id));
  }
}

HttpResponse Dispatcher::Handle(const HttpRequest& request) {
  std::promise<Outcome> promise;
  auto future = promise.get_future();
  Begin(request, [&promise](Outcome o) { promise.set_value(std::move(o)); });
  return Finish(future.get());
}

}  // namespace chime::api
