#include "api/control/control_plane.hpp"

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/common/expiry.hpp"
#include "api/common/storage_health.hpp"
#include "api/control/faults.hpp"
#include "api/control/journal.hpp"
#include "api/control/throttling.hpp"
#include "api/control/seed.hpp"
#include "api/control/snapshot_endpoint.hpp"
#include "api/events/streaming_sink.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/json_body.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_flow_repo.hpp"
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
ControlRequest Answer(std::string operation, HttpResponse response) {
  ControlRequest c;
  response.operation = operation;
  c.operation = std::move(operation);
  c.response = std::move(response);
  return c;
}
}  // namespace

namespace {

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// The query parameters of a control request (names and values percent-decoded).
std::map<std::string, std::string> QueryOf(std::string_view target) {
  std::map<std::string, std::string> out;
  size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    std::string_view pair = rest.substr(0, rest.find('&'));
    rest = pair.size() < rest.size() ? rest.substr(pair.size() + 1) : std::string_view();
    std::string_view key = pair.substr(0, pair.find('='));
    std::string_view value = key.size() < pair.size() ? pair.substr(key.size() + 1) : std::string_view();
    auto k = PercentDecode(key);
    auto v = PercentDecode(value);
    if (!k || !v) throw ApiError(ErrorType::kBadRequest, "Malformed percent-encoding in the query string");
    out[*k] = *v;
  }
  return out;
}

ControlRequest HandleFaults(const HttpRequest& request, std::string_view name, FaultRegistry& faults,
                            const std::string& request_id) {
  const std::string path = std::string(kControlPrefix) + std::string(name);
  if (name == "faults") {
    if (request.method == "GET") return Answer("ListFaults", ControlJson(200, {{"faults", faults.List()}}, request_id, ""));
    if (request.method == "DELETE") {
      faults.Clear();
      return Answer("DeleteFaults", ControlJson(200, {{"deleted", true}}, request_id, ""));
    }
    if (request.method == "POST") {
      try {
        const nlohmann::json body = ParseBoundedJson(request.body);
        // One rule, or a list of rules (all or nothing).
        if (body.is_array()) {
          faults.AddAll(body);
          return Answer("AddFault", ControlJson(201, {{"faults", faults.List()}}, request_id, ""));
        }
        return Answer("AddFault", ControlJson(201, faults.Add(body), request_id, ""));
      } catch (const std::invalid_argument& e) {
        return Answer("AddFault", EncodeError(ErrorType::kBadRequest, std::string("Invalid fault rule: ") + e.what(),
                                              request_id));
      }
    }
    return Answer("Faults", EncodeError(ErrorType::kBadRequest, "Use GET, POST or DELETE for " + path, request_id));
  }
  // faults/{id}
  const std::string id(name.substr(7));
  if (request.method != "DELETE") {
    return Answer("Faults", EncodeError(ErrorType::kBadRequest, "Use DELETE for " + path, request_id));
  }
  int64_t n = 0;
  const bool numeric = !id.empty() && id.size() < 18 && id.find_first_not_of("0123456789") == std::string::npos;
  if (numeric) n = std::stoll(id);
  if (!numeric || !faults.Remove(n)) {
    return Answer("DeleteFault", EncodeError(ErrorType::kNotFound, "No fault rule " + id, request_id));
  }
  return Answer("DeleteFault", ControlJson(200, {{"deleted", id}}, request_id, ""));
}

ControlRequest HandleJournal(const HttpRequest& request, std::string_view target, Journal& journal,
                             const std::string& request_id) {
  if (request.method == "DELETE") {
    journal.Clear();
    return Answer("DeleteRequests", ControlJson(200, {{"deleted", true}}, request_id, ""));
  }
  if (request.method != "GET") {
    return Answer("Requests", EncodeError(ErrorType::kBadRequest, "Use GET or DELETE for /_chime-local/requests",
                                          request_id));
  }
  JournalFilter f;
  for (const auto& [key, value] : QueryOf(target)) {
    if (key == "operation") {
      f.operation = value;
    } else if (key == "bearer") {
      f.bearer = value;
    } else if (key == "channelArn") {
      f.channel_arn = value;
    } else if (key == "status") {
      if (value.empty() || value.size() > 3 || value.find_first_not_of("0123456789") != std::string::npos) {
        throw ApiError(ErrorType::kBadRequest, "status must be an HTTP status code, e.g. 400");
      }
      f.status = std::stoi(value);
    } else if (key == "since") {
      auto ms = ParseTimestampMs(value);
      if (!ms) throw ApiError(ErrorType::kBadRequest, "since must be an ISO-8601 time or epoch seconds");
      f.since_ms = *ms;
    } else if (key == "limit") {
      if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos) {
        throw ApiError(ErrorType::kBadRequest, "limit must be a positive integer");
      }
      f.limit = static_cast<size_t>(std::stoll(value));
    } else {
      throw ApiError(ErrorType::kBadRequest, "Unknown filter " + key +
                                                 " (operation, status, bearer, channelArn, since, limit)");
    }
  }
  return Answer("ListRequests", ControlJson(200, {{"requests", journal.List(f)}}, request_id, ""));
}

}  // namespace

void ReloadDataCaches(storage::Database& db, const FixtureState& fixture) {
  // Set inside the write unit, after its last statement: only a failing
  // COMMIT of the batch could leave the cache ahead of the data.
  if (fixture.streaming) fixture.streaming->ReplaceAll(storage::ListAllStreamingConfigurations(db));
}

bool IsControlRequest(const HttpRequest& request) {
  return std::string_view(request.target).substr(0, kControlPrefix.size()) == kControlPrefix;
}

ControlRequest HandleControlRequest(const HttpRequest& request, const StorageInfo& storage,
                                    const HandlerTable& handlers, FixtureState fixture,
                                    const std::string& request_id) {
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
    auto query = QueryOf(target);
    if (auto it = query.find("appInstanceArn"); it != query.end()) {
      // One app instance and everything under it; other tests' data, the
      // fault rules and the journal stay.
      const std::string arn = it->second;
      c.departures = std::make_shared<Departures>(Departures{{}, {arn}, false});
      c.write = [arn, fixture](storage::Database& db) {
        if (!storage::PurgeAppInstance(db, arn)) {
          throw ApiError(ErrorType::kNotFound, "AppInstance " + arn + " does not exist.");
        }
        ReloadDataCaches(db, fixture);
        return nlohmann::json{{"reset", true}, {"appInstanceArn", arn}};
      };
      return c;
    }
    // The in-memory fixture state goes at once; the data with the write unit,
    // which then restores the --seed-file seed (back to the start state), unless
    // ?seed=false asks for an empty store.
    const auto seed_param = query.find("seed");
    if (seed_param != query.end() && seed_param->second != "true" && seed_param->second != "false") {
      return Answer("Reset", EncodeError(ErrorType::kBadRequest, "seed must be true or false", request_id));
    }
    std::optional<nlohmann::json> seed;
    if (seed_param == query.end() || seed_param->second == "true") seed = StartSeed();
    fixture.faults.Clear();
    fixture.journal.Clear();
    fixture.throttling.ClearCounters();  // --throttle and the test's rates stay
    c.departures = std::make_shared<Departures>(Departures{{}, {}, true});  // seeded users are new ones
    c.write = [seed = std::move(seed), fixture, &handlers](storage::Database& db) {
      db.DeleteAllData();
      ReloadDataCaches(db, fixture);
      nlohmann::json answer = {{"reset", true}};
      if (seed) answer["seeded"] = ApplySeed(db, fixture.config, handlers, *seed);
      return answer;
    };
    return c;
  }
  if (name == "seed") {
    if (request.method != "POST") {
      return Answer("Seed", EncodeError(ErrorType::kBadRequest, "Use POST for " + std::string(path), request_id));
    }
    auto query = QueryOf(target);
    const auto if_empty = query.find("ifEmpty");
    for (const auto& [key, value] : query) {
      if (key != "ifEmpty" || (value != "true" && value != "false")) {
        return Answer("Seed", EncodeError(ErrorType::kBadRequest,
                                          "Unknown query parameter " + key + " (ifEmpty=true|false)", request_id));
      }
    }
    // Shape errors answer at once; the entries run as one write unit: all or nothing.
    ControlRequest c;
    c.operation = "Seed";
    c.write = [seed = ParseSeed(request.body), if_empty = if_empty != query.end() && if_empty->second == "true",
               &config = fixture.config, &handlers](storage::Database& db) {
      if (if_empty && !StoreIsEmpty(db)) return nlohmann::json{{"skipped", true}};
      return ApplySeed(db, config, handlers, seed);
    };
    return c;
  }
  if (name == "clock") {
    if (request.method == "GET") {
      return Answer("Clock", ControlJson(200, {{"now", EpochSeconds(NowMs())},
                                               {"offsetSeconds", EpochSeconds(ClockOffsetMs())}},
                                         request_id, ""));
    }
    if (request.method != "POST") {
      return Answer("Clock", EncodeError(ErrorType::kBadRequest, "Use GET or POST for " + std::string(path), request_id));
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object()) {
      return Answer("Clock", EncodeError(ErrorType::kBadRequest,
                                         "Body must be {\"advanceSeconds\": N} or {\"reset\": true}", request_id));
    }
    if (body.value("reset", false) == true) {
      SetClockOffsetMs(0);
    } else if (auto it = body.find("advanceSeconds"); it != body.end() && it->is_number() &&
                                                      it->get<double>() >= 0 && it->get<double>() <= 3.2e9) {
      SetClockOffsetMs(ClockOffsetMs() + static_cast<int64_t>(it->get<double>() * 1000.0));
    } else {
      return Answer("Clock", EncodeError(ErrorType::kBadRequest,
                                         "advanceSeconds must be a number of seconds from 0 to 3.2e9 "
                                         "(the clock only moves forward; {\"reset\": true} goes back to real time)",
                                         request_id));
    }
    // What expired at the new time is gone before this call answers.
    ControlRequest c;
    c.operation = "Clock";
    c.departures = std::make_shared<Departures>();
    c.write = [gone = c.departures](storage::Database& db) {
      const int64_t now = NowMs();
      SweepResult swept = SweepExpired(db, now);
      gone->principals = swept.principal_arns;
      return nlohmann::json{{"now", EpochSeconds(now)},
                            {"offsetSeconds", EpochSeconds(ClockOffsetMs())},
                            {"expired", {{"channels", swept.channels}, {"users", swept.principals}}}};
    };
    return c;
  }
  if (name == "throttle") {
    if (request.method == "GET") return Answer("Throttle", ControlJson(200, fixture.throttling.Describe(), request_id, ""));
    if (request.method != "POST") {
      return Answer("Throttle", EncodeError(ErrorType::kBadRequest, "Use GET or POST for " + std::string(path), request_id));
    }
    try {
      return Answer("Throttle", ControlJson(200, fixture.throttling.Configure(ParseBoundedJson(request.body)),
                                            request_id, ""));
    } catch (const std::invalid_argument& e) {
      return Answer("Throttle", EncodeError(ErrorType::kBadRequest, std::string("Invalid throttle settings: ") + e.what(),
                                            request_id));
    }
  }
  if (name == "snapshot") return HandleSnapshot(request, path, fixture, request_id);
  if (name == "faults" || name.substr(0, 7) == "faults/") {
    return HandleFaults(request, name, fixture.faults, request_id);
  }
  if (name == "requests") {
    return HandleJournal(request, target, fixture.journal, request_id);
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
