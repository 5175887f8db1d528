#include "api/dispatcher.hpp"

#include <cstdio>
#include <future>

#include "api/auth/sigv4_verifier.hpp"
#include "api/auth/tenant.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/control/fixture.hpp"
#include "api/control/landing_page.hpp"
#include "api/handler.hpp"
#include "api/messaging/messaging_session.hpp"
#include "api/protocol/binder.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/input_log.hpp"
#include "api/protocol/router.hpp"
#include "api/protocol/timestamp.hpp"
#include "api/protocol/validator.hpp"
#include "api/unit_runner.hpp"
#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/inline_pipeline.hpp"

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
  StorageInfo storage;
  NullEventSink null_sink;
  EventSink& sink;
  UnitRunner units;
  HandlerTable handlers;
  std::unique_ptr<Fixture> owned_fixture;  // when none was handed in
  Fixture& fixture;

  Impl(const ServiceConfig& c, std::unique_ptr<storage::InlinePipeline> owned, storage::Pipeline& p, StorageInfo s,
       EventSink* e, Fixture* f)
      : config(c),
        inline_pipeline(std::move(owned)),
        storage(s),
        sink(e ? *e : null_sink),
        units(p, sink, [this] { fixture.NoteChange(); }),
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

  // The answer's body as the journal keeps it: lists cut to their first
  // kJournalListItems items (a page of 50 messages in each of 1,000 entries
  // held 80 MB), so the journal's memory stays bounded by its size. An answer
  // without a longer list is kept as it is (moved, not copied).
  static constexpr size_t kJournalListItems = 5;
  static bool HasLongList(const json& v) {
    if (v.is_array() && v.size() > kJournalListItems) return true;
    if (!v.is_structured()) return false;
    for (const auto& item : v) {
      if (HasLongList(item)) return true;
    }
    return false;
  }
  static json JournalCopy(const json& v) {
    if (v.is_object()) {
      json out = json::object();
      for (const auto& [k, item] : v.items()) out[k] = JournalCopy(item);
      return out;
    }
    if (!v.is_array()) return v;
    json out = json::array();
    for (size_t i = 0; i < v.size() && i < kJournalListItems; ++i) out.push_back(JournalCopy(v[i]));
    if (v.size() > kJournalListItems) {
      char more[40];
      std::snprintf(more, sizeof more, "(%zu more)", v.size() - kJournalListItems);
      out.push_back(more);
    }
    return out;
  }

  // One journal entry per answered AWS request (control requests are not
  // journaled). It shares the bound input and takes the encoded answer over:
  // masking waits for a read of the journal (api/control/journal.hpp).
  void RecordInJournal(Outcome& o, const HttpResponse& response) {
    JournalEntry e;
    e.time_ms = o.began_ms;
    e.request_id = o.request_id;
    e.operation = std::string(o.op->name);
    e.status = response.status;
    e.account_id = o.account_id;
    e.region = o.region;
    e.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - o.began).count();
    for (const auto& [name, value] : response.headers)
      if (name == "x-amzn-ErrorType") e.error_type = value;
    if (!e.error_type.empty()) {
      auto body = json::parse(response.body, nullptr, false);
      if (body.is_object()) e.error_message = body.value("Message", "");
    }
    e.input = std::move(o.input);
    e.input_shape = o.op->input_shape;
    if (!o.error && o.op->output_shape != model::kNoShape && !o.output.is_null()) {
      e.output = HasLongList(o.output) ? JournalCopy(o.output) : std::move(o.output);
      e.output_shape = o.op->output_shape;
    }
    fixture.journal().Record(std::move(e));
    fixture.NoteChange();
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
    if (c.deferred) {
      return c.deferred([done, operation = c.operation, request_id](HttpResponse response) {
        done(Final(std::move(response), operation, request_id));
      });
    }
    // Read before the move: a moved-from std::function is empty, which sent every control
    // write (reset, seed, clock) to a read-only reader on a file-backed store.
    const bool write = static_cast<bool>(c.write);
    auto fn = write ? std::move(c.write) : std::move(c.read);
    auto result = std::make_shared<json>();
    auto body = [fn = std::move(fn), result, departures = c.departures, control_outbox = c.outbox](
                    storage::Database& db, Outbox& outbox) {
      *result = fn(db);
      if (departures) outbox.Departed(*departures);
      if (control_outbox) {  // what the endpoint's own unit of API work left for after the commit
        for (auto& e : control_outbox->events()) outbox.Emit(std::move(e));
        for (auto& job : control_outbox->jobs()) outbox.AfterCommit(std::move(job));
        outbox.Departed(control_outbox->departures());
        control_outbox->Clear();
      }
    };
    auto finished = [result, request_id, operation = c.operation, done](std::exception_ptr error) {
      Outcome o;
      o.request_id = request_id;
      o.operation = operation;
      if (error) {
        o.error = error;
      } else {
        o.response = ControlJson(200, *result, request_id, operation);
      }
      done(std::move(o));
    };
    std::string label = c.operation + " (request " + request_id + ")";
    write ? units.SubmitWrite(std::move(body), std::move(finished), std::move(label))
          : units.SubmitRead(std::move(body), std::move(finished), std::move(label));
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
    auto state = std::make_shared<UnitState>(UnitState{&op, handlers.Find(op.op), {}, {}, request_id, {}, std::nullopt});
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
    if (auto hit = fixture.faults().Match(op.name, state->input, tenant.account_id, tenant.region)) {
      if (hit->error) return refuse(ApiError(*hit->error, hit->message), hit->latency_ms);
      delay_ms = hit->latency_ms;
    }
    // Pure CPU work that needs no transaction stays off the writer thread.
    if (state->input.contains("ClientRequestToken")) state->input_hash = RequestHash(state->input);
    if (!state->handler) {
      return done(Final(EncodeError(ErrorType::kNotImplemented,
                                    "chime-local does not implement " + std::string(op.name) +
                                        " yet (see the Operations table in docs/aws-parity.md)",
                                    request_id),
                        std::string(op.name), request_id));
    }

    auto body = [this, state](storage::Database& db, Outbox& outbox) {
      const ServiceConfig& tenant_config = state->tenant_config ? *state->tenant_config : config;
      RequestContext ctx{*state->op,           tenant_config,     db,    state->request_id,
                         fixture.clock().Now(), state->input_hash, outbox};
      state->output = state->handler(ctx, state->input);
    };
    // After the UnitRunner delivered the outbox (events, departures, jobs) of a
    // committed unit, or dropped it with a rolled-back one.
    auto finished = [state, done, delay_ms](std::exception_ptr error) {
      Outcome o;
      o.delay_ms = delay_ms;
      // Its own allocation, moved from the state: the journal keeps it alone.
      o.input = std::make_shared<const json>(std::move(state->input));
      o.op = state->op;
      o.operation = std::string(state->op->name);
      o.request_id = state->request_id;
      if (error) {
        o.error = error;
      } else {
        o.output = std::move(state->output);
      }
      done(std::move(o));
    };
    std::string label = std::string(op.name) + " (request " + request_id + ")";
    // Reads (GETs and SearchChannels, model::OperationDef::access) read a
    // snapshot of committed data on a reader; everything else is a write unit
    // of the writer's next batch.
    if (op.access == Access::kRead) {
      units.SubmitRead(std::move(body), std::move(finished), std::move(label));
    } else {
      units.SubmitWrite(std::move(body), std::move(finished), std::move(label));
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
    : impl_(std::make_unique<Impl>(config, nullptr, pipeline, storage, sink, fixture)) {}

Dispatcher::~Dispatcher() = default;

Fixture& Dispatcher::fixture() { return impl_->fixture; }

void Dispatcher::Begin(HttpRequest request, Done user_done) {
  const std::string request_id = SafeRequestId();
  const model::OperationDef* routed = nullptr;
  // Every outcome carries when its request began (journal latency and time)
  // and its tenant (the journal's accountId), also when binding fails.
  Tenant tenant{impl_->config.account_id, impl_->config.region};
  try {
    if (!IsControlRequest(request)) tenant = TenantOf(request, impl_->config);
  } catch (...) {
  }
  Done done = [user_done = std::move(user_done), began = std::chrono::steady_clock::now(),
               began_ms = impl_->fixture.clock().Now(), tenant = std::move(tenant)](Outcome o) {
    o.began = began;
    o.began_ms = began_ms;
    o.account_id = tenant.account_id;
    o.region = tenant.region;
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

std::optional<HttpResponse> Dispatcher::RefuseSession(const HttpRequest& upgrade) {
  std::string_view target = upgrade.target;
  if (target.substr(0, target.find('?')) != "/connect") {
    return EncodeError(ErrorType::kNotFound, "WebSocket sessions are served on /connect only", SafeRequestId());
  }
  return StrictSigV4Refusal(upgrade, impl_->config, SafeRequestId());
}

void Dispatcher::BeginSession(const HttpRequest& upgrade, std::function<void(SessionOutcome)> done) {
  ConnectTarget target = ParseConnectTarget(upgrade.target);
  // Isolation by account and region (api/auth/tenant.hpp): a /connect presigned
  // for another account or region than the user's does not know that user.
  bool other_tenant = false;
  try {
    if (auto owner = TenantOfArn(target.user_arn)) other_tenant = !(*owner == TenantOf(upgrade, impl_->config));
  } catch (...) {
    other_tenant = true;
  }
  auto result = std::make_shared<SessionStart>();
  const int64_t now_ms = impl_->fixture.clock().Now();
  impl_->units.SubmitRead(
      [result, now_ms, target](storage::Database& db, Outbox&) {
        *result = PrepareMessagingSession(db, target.user_arn, target.prefetch, target.sort_by, now_ms);
      },
      [result, other_tenant, done = std::move(done)](std::exception_ptr error) {
        SessionOutcome o;
        o.error = error;
        o.authorized = !error && result->known && !other_tenant;
        if (o.authorized) o.prefetch = std::move(result->prefetch);
        done(std::move(o));
      },
      "messaging session of " + target.user_arn);
}

HttpResponse Dispatcher::Handle(const HttpRequest& request) {
  std::promise<Outcome> promise;
  auto future = promise.get_future();
  Begin(request, [&promise](Outcome o) { promise.set_value(std::move(o)); });
  return Finish(future.get());
}

}  // namespace chime::api
