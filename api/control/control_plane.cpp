#include "api/control/control_plane.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/auth/tenant.hpp"
#include "api/common/expiry.hpp"
#include "api/control/bot_endpoints.hpp"
#include "api/control/ca_endpoint.hpp"
#include "api/control/control_answers.hpp"
#include "api/control/eventbridge_journal.hpp"
#include "api/control/push_notification_journal.hpp"
#include "api/control/events_endpoint.hpp"
#include "api/control/fixture.hpp"
#include "api/control/fixture_endpoints.hpp"
#include "api/control/inspector_endpoints.hpp"
#include "api/control/seed.hpp"
#include "api/control/snapshot_endpoint.hpp"
#include "api/control/state_endpoints.hpp"
#include "api/control/ui_endpoint.hpp"
#include "api/events/streaming_sink.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/json_body.hpp"
#include "api/protocol/query_string.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_flow_repo.hpp"
#include "storage/principal_repo.hpp"
#include "storage/purge.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace chime::api {

HttpResponse ControlJson(int status, const nlohmann::json& body, const std::string& request_id, std::string op) {
  HttpResponse r;
  r.status = status;
  r.operation = std::move(op);
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  if (body.is_binary()) {
    // Raw bytes (GET /_chime-local/snapshot): a SQLite database file. Keeps
    // binary answers out of the dispatcher, which hands every control result here.
    r.headers.emplace_back("Content-Type", "application/vnd.sqlite3");
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"chime-local-snapshot.sqlite3\"");
    r.body.assign(body.get_binary().begin(), body.get_binary().end());
    return r;
  }
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

namespace {

ControlRequest Health(const ControlCall& call) {
  // The server opens (and migrates) the store before it listens, so answering
  // at all means the store was ready; storage errors seen since then make it
  // "degraded" (503), so health checks notice a full disk or a corrupt table.
  const StorageHealth health = call.fixture.storage_health();
  nlohmann::json body = {
      {"status", health.degraded() ? "degraded" : "ok"},
      {"services", {{"chime-sdk-messaging", "running"}, {"chime-sdk-identity", "running"}}},
      {"storage", call.storage.in_memory ? "memory" : "sqlite"},
      {"schemaVersion", storage::LatestSchemaVersion()},
      {"readOnly", call.storage.read_only},
      {"storageErrors", health.error_count},
  };
  if (health.degraded()) {
    body["lastStorageError"] = {{"message", health.last_error},
                                {"operation", health.last_operation},
                                {"time", EpochSeconds(health.last_error_ms)}};
  }
  return Answer("Health", ControlJson(health.degraded() ? 503 : 200, body, call.request_id, "Health"));
}

ControlRequest Reset(const ControlCall& call) {
  Fixture& fixture = call.fixture;
  const HandlerTable& handlers = call.handlers;
  StreamingDirectory* const streaming = call.streaming;
  ControlRequest c;
  c.operation = "Reset";
  auto query = QueryOf(call.request.target);
  if (auto it = query.find("appInstanceArn"); it != query.end()) {
    // One app instance and everything under it; other tests' data, the
    // fault rules and the journal stay.
    const std::string arn = it->second;
    c.departures = std::make_shared<Departures>(Departures{{}, {arn}, false});
    c.write = [arn, streaming](storage::Database& db) {
      if (!storage::PurgeAppInstance(db, arn)) {
        throw ApiError(ErrorType::kNotFound, "AppInstance " + arn + " does not exist.");
      }
      ReloadDataCaches(db, streaming);
      return nlohmann::json{{"reset", true}, {"appInstanceArn", arn}};
    };
    return c;
  }
  if (auto it = query.find("accountId"); it != query.end()) {
    // One tenant (account and region: parallel suites that each use their own
    // account); other tenants' data, the fault rules and the journal stay.
    const std::string account = it->second;
    const auto region_param = query.find("region");
    const std::string region = region_param != query.end() ? region_param->second : call.config.region;
    const bool account_ok = account.size() == 12 && account.find_first_not_of("0123456789") == std::string::npos;
    const bool region_ok = !region.empty() && region.size() <= 32 &&
                           region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
    if (!account_ok || !region_ok) {
      return Refused("Reset", ErrorType::kBadRequest,
                     "accountId must be 12 digits and region a region name (e.g. us-east-1)", call.request_id);
    }
    c.departures = std::make_shared<Departures>();
    c.write = [prefix = "arn:aws:chime:" + region + ":" + account + ":app-instance/", account, region,
               gone = c.departures, streaming](storage::Database& db) {
      int64_t after = 0;
      for (;;) {
        const auto page = storage::ListAppInstances(db, prefix, after, 100);
        for (const auto& app : page) {
          storage::PurgeAppInstance(db, app.arn);
          gone->app_instances.push_back(app.arn);
        }
        if (page.size() < 100) break;
        after = page.back().id;
      }
      ReloadDataCaches(db, streaming);
      return nlohmann::json{{"reset", true},
                            {"accountId", account},
                            {"region", region},
                            {"appInstances", gone->app_instances.size()}};
    };
    return c;
  }
  // The in-memory fixture state goes at once; the data with the write unit,
  // which then restores the --seed-file seed (back to the start state), unless
  // ?seed=false asks for an empty store.
  const auto seed_param = query.find("seed");
  if (seed_param != query.end() && seed_param->second != "true" && seed_param->second != "false") {
    return Refused("Reset", ErrorType::kBadRequest, "seed must be true or false", call.request_id);
  }
  std::optional<nlohmann::json> seed;
  if (seed_param == query.end() || seed_param->second == "true") seed = fixture.StartSeed();
  fixture.faults().Clear();
  fixture.journal().Clear();
  fixture.eventbridge_events().Clear();
  fixture.push_notifications().Clear();
  fixture.events().Clear();
  fixture.throttling().ClearCounters();  // --throttle and the test's rates stay
  c.departures = std::make_shared<Departures>(Departures{{}, {}, true});  // seeded users are new ones
  c.write = [seed = std::move(seed), streaming, &clock = fixture.clock(), &config = call.config,
             &handlers](storage::Database& db) {
    db.DeleteAllData();
    ReloadDataCaches(db, streaming);
    nlohmann::json answer = {{"reset", true}};
    if (seed) answer["seeded"] = ApplySeed(db, config, handlers, *seed, clock.Now());
    return answer;
  };
  return c;
}

ControlRequest Seed(const ControlCall& call) {
  auto query = QueryOf(call.request.target);
  const auto if_empty = query.find("ifEmpty");
  for (const auto& [key, value] : query) {
    if (key != "ifEmpty" || (value != "true" && value != "false")) {
      return Refused("Seed", ErrorType::kBadRequest, "Unknown query parameter " + key + " (ifEmpty=true|false)",
                     call.request_id);
    }
  }
  // Shape errors answer at once; the entries run as one write unit: all or nothing.
  ControlRequest c;
  c.operation = "Seed";
  c.write = [seed = ParseSeed(call.request.body), if_empty = if_empty != query.end() && if_empty->second == "true",
             &config = call.config, &handlers = call.handlers, &clock = call.fixture.clock()](storage::Database& db) {
    if (if_empty && !StoreIsEmpty(db)) return nlohmann::json{{"skipped", true}};
    return ApplySeed(db, config, handlers, seed, clock.Now());
  };
  return c;
}

ControlRequest Snapshot(const ControlCall& call) {
  return HandleSnapshot(call.request, call.path, call.streaming, call.request_id);
}

ControlRequest ChannelFlowInvocations(const ControlCall& call) {
  // Channel-flow processor invocations waiting for their ChannelFlowCallback
  // (each with the exact event a processor Lambda gets), oldest first;
  // ?accountId= and ?region=: only those of that tenant's channels.
  const TenantFilter tenant = TenantFilterOf(call.request.target);
  ControlRequest c;
  c.operation = "ChannelFlowInvocations";
  c.read = [tenant](storage::Database& db) {
    nlohmann::json answer = flows::PendingInvocationsJson(db);
    tenant.Apply(answer, "Invocations");
    return answer;
  };
  return c;
}

ControlRequest Operations(const ControlCall& call) {
  const HandlerTable& handlers = call.handlers;
  // Which operations of each service are emulated (the rest answer 501).
  nlohmann::json body = {
      {"chime-sdk-messaging", {{"implemented", nlohmann::json::array()}, {"notImplemented", nlohmann::json::array()}}},
      {"chime-sdk-identity", {{"implemented", nlohmann::json::array()}, {"notImplemented", nlohmann::json::array()}}}};
  for (const auto& op : model::Operations()) {
    const char* service = op.service == model::Service::kMessaging ? "chime-sdk-messaging" : "chime-sdk-identity";
    // The /tags operations route to the messaging entry, which serves both services.
    bool built = handlers.Has(op.op) || (op.service == model::Service::kIdentity && op.path_template == "/tags" && [&] {
                   for (const auto& m : model::Operations())
                     if (m.service == model::Service::kMessaging && m.name == op.name) return handlers.Has(m.op);
                   return false;
                 }());
    body[service][built ? "implemented" : "notImplemented"].push_back(op.name);
  }
  return Answer("Operations", ControlJson(200, body, call.request_id, "Operations"));
}

// Every control endpoint. The rows of one path list its methods in the order
// the 400 for another method names them.
constexpr ControlEndpoint kEndpoints[] = {
    {"GET", "health", Access::kRead, "Health", "Health", Health},
    {"HEAD", "health", Access::kRead, "Health", "Health", Health},
    {"POST", "reset", Access::kWrite, "Reset", "Reset", Reset},
    {"POST", "seed", Access::kWrite, "Seed", "Seed", Seed},
    {"GET", "clock", Access::kMemory, "Clock", "Clock", GetClock},
    {"POST", "clock", Access::kMemory, "Clock", "Clock", MoveClock},
    {"GET", "throttle", Access::kMemory, "Throttle", "Throttle", GetThrottle},
    {"POST", "throttle", Access::kMemory, "Throttle", "Throttle", SetThrottle},
    {"GET", "snapshot", Access::kRead, "GetSnapshot", "Snapshot", Snapshot},
    {"PUT", "snapshot", Access::kWrite, "PutSnapshot", "Snapshot", Snapshot},
    {"GET", "faults", Access::kMemory, "ListFaults", "Faults", ListFaults},
    {"POST", "faults", Access::kMemory, "AddFault", "Faults", AddFault},
    {"DELETE", "faults", Access::kMemory, "DeleteFaults", "Faults", DeleteFaults},
    {"DELETE", "faults/", Access::kMemory, "DeleteFault", "Faults", DeleteFault},
    {"GET", "requests", Access::kMemory, "ListRequests", "Requests", ListRequests},
    {"DELETE", "requests", Access::kMemory, "DeleteRequests", "Requests", DeleteRequests},
    {"GET", "eventbridge-events", Access::kMemory, "ListEventBridgeEvents", "EventBridgeEvents",
     ListEventBridgeEvents},
    {"DELETE", "eventbridge-events", Access::kMemory, "DeleteEventBridgeEvents", "EventBridgeEvents",
     DeleteEventBridgeEvents},
    {"GET", "push-notifications", Access::kMemory, "ListPushNotifications", "PushNotifications",
     ListPushNotifications},
    {"DELETE", "push-notifications", Access::kMemory, "DeletePushNotifications", "PushNotifications",
     DeletePushNotifications},
    {"GET", "events", Access::kMemory, "ListEvents", "Events", ListEvents},
    {"DELETE", "events", Access::kMemory, "DeleteEvents", "Events", DeleteEvents},
    {"GET", "channel-flow-invocations", Access::kRead, "ChannelFlowInvocations", "ChannelFlowInvocations",
     ChannelFlowInvocations},
    {"POST", "channel-flow-invocations/", Access::kWrite, "AnswerChannelFlowInvocation", "ChannelFlowInvocations",
     AnswerFlowInvocation},
    {"GET", "bot-invocations", Access::kRead, "BotInvocations", "BotInvocations", BotInvocations},
    {"POST", "bot-invocations/", Access::kWrite, "AnswerBotInvocation", "BotInvocations", AnswerBotInvocation},
    {"*", "operations", Access::kMemory, "Operations", "Operations", Operations},
    // The inspector page and the views it reads (docs/inspector.md).
    {"GET", "ui", Access::kMemory, "Inspector", "Inspector", ServeUi},
    {"GET", "ui/", Access::kMemory, "Inspector", "Inspector", ServeUi},
    {"GET", "changes", Access::kMemory, "Changes", "Changes", Changes},
    {"GET", "sessions", Access::kRead, "Sessions", "Sessions", Sessions},
    {"GET", "state/app-instances", Access::kRead, "StateAppInstances", "State", StateAppInstances},
    {"GET", "state/channels", Access::kRead, "StateChannels", "State", StateChannels},
    {"GET", "state/channel", Access::kRead, "StateChannel", "State", StateChannel},
    {"GET", "state/messages", Access::kRead, "StateMessages", "State", StateMessages},
    {"GET", "ca.pem", Access::kMemory, "GetCaPem", "CaPem", GetCaPem},
};

bool PathMatches(std::string_view pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '/') return name.substr(0, pattern.size()) == pattern;
  return name == pattern;
}

}  // namespace

void ReloadDataCaches(storage::Database& db, StreamingDirectory* streaming) {
  // Set inside the write unit, after its last statement: only a failing
  // COMMIT of the batch could leave the cache ahead of the data.
  if (streaming) streaming->ReplaceAll(storage::ListAllStreamingConfigurations(db));
}

std::map<std::string, std::string> ControlQuery(std::string_view target) {
  return LastValues(ParseQuery(QueryPart(target), {.plus_as_space = true, .keep_empty_pairs = true}));
}

bool IsControlRequest(const HttpRequest& request) {
  return std::string_view(request.target).substr(0, kControlPrefix.size()) == kControlPrefix;
}

ControlRoute RouteControl(const HttpRequest& request, const std::string& request_id) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view name = path.substr(kControlPrefix.size());
  ControlRoute route;
  std::vector<std::string_view> methods;
  std::string_view family;
  for (const ControlEndpoint& e : kEndpoints) {
    if (!PathMatches(e.path, name)) continue;
    if (e.method == "*" || e.method == request.method) {
      route.endpoint = &e;
      return route;
    }
    methods.push_back(e.method);
    family = e.family;
  }
  if (methods.empty()) {
    route.refusal = EncodeError(ErrorType::kNotFound, "No chime-local control endpoint " + std::string(path), request_id);
    route.refusal->operation = "Control";
    return route;
  }
  // "Use GET, POST or DELETE for /_chime-local/faults"
  std::string use = "Use ";
  for (size_t i = 0; i < methods.size(); ++i) {
    if (i > 0) use += i + 1 == methods.size() ? " or " : ", ";
    use += methods[i];
  }
  route.refusal = EncodeError(ErrorType::kBadRequest, use + " for " + std::string(path), request_id);
  route.refusal->operation = std::string(family);
  return route;
}

}  // namespace chime::api
