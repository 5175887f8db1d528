#include "api/control/fixture_endpoints.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/auth/tenant.hpp"
#include "api/common/expiry.hpp"
#include "api/control/control_answers.hpp"
#include "api/control/fixture.hpp"
#include "api/protocol/json_body.hpp"
#include "api/protocol/timestamp.hpp"

namespace chime::api {

ControlRequest GetClock(const ControlCall& call) {
  const TestClock& clock = call.fixture.clock();
  return Answer("Clock", ControlJson(200, {{"now", EpochSeconds(clock.Now())}, {"offsetSeconds", EpochSeconds(clock.offset_ms())}},
                                     call.request_id, ""));
}

ControlRequest MoveClock(const ControlCall& call) {
  TestClock& clock = call.fixture.clock();
  nlohmann::json body;
  try {
    body = ParseBoundedJson(call.request.body);
  } catch (const std::invalid_argument&) {
    body = nullptr;  // answered below, with what the body must be
  }
  if (!body.is_object()) {
    return Refused("Clock", ErrorType::kBadRequest, "Body must be {\"advanceSeconds\": N} or {\"reset\": true}",
                   call.request_id);
  }
  if (body.value("reset", false) == true) {
    clock.set_offset_ms(0);
  } else if (auto it = body.find("advanceSeconds"); it != body.end() && it->is_number() &&
                                                    it->get<double>() >= 0 && it->get<double>() <= 3.2e9) {
    // Timestamps end at 9999-12-31T23:59:59.999Z (ISO 8601's four-digit year,
    // which the SDKs parse): the clock never moves past it.
    const int64_t offset = clock.offset_ms() + static_cast<int64_t>(it->get<double>() * 1000.0);
    if (clock.Now() - clock.offset_ms() + offset > kLatestTimestampMs) {
      return Refused("Clock", ErrorType::kBadRequest,
                     "advanceSeconds would move the clock past 9999-12-31T23:59:59.999Z, the latest time "
                     "the API can express; {\"reset\": true} goes back to real time",
                     call.request_id);
    }
    clock.set_offset_ms(offset);
  } else {
    return Refused("Clock", ErrorType::kBadRequest,
                   "advanceSeconds must be a number of seconds from 0 to 3.2e9 "
                   "(the clock only moves forward; {\"reset\": true} goes back to real time)",
                   call.request_id);
  }
  if (call.storage.read_only) {
    // Nothing may write the file: expired channels and users stay stored, and
    // every request refuses them as gone (the authorizer checks expiry).
    const int64_t now = clock.Now();
    return Answer("Clock", ControlJson(200,
                                       {{"now", EpochSeconds(now)},
                                        {"offsetSeconds", EpochSeconds(clock.offset_ms())},
                                        {"readOnly", true},
                                        {"message", "--read-only: nothing was deleted; expired channels and users "
                                                    "are refused as gone by every request"}},
                                       call.request_id, ""));
  }
  // What expired at the new time is gone before this call answers.
  ControlRequest c;
  c.operation = "Clock";
  c.departures = std::make_shared<Departures>();
  c.write = [gone = c.departures, &clock](storage::Database& db) {
    const int64_t now = clock.Now();
    SweepResult swept = SweepExpired(db, now);
    gone->principals = swept.principal_arns;
    return nlohmann::json{{"now", EpochSeconds(now)},
                          {"offsetSeconds", EpochSeconds(clock.offset_ms())},
                          {"expired", {{"channels", swept.channels}, {"users", swept.principals}}}};
  };
  return c;
}

ControlRequest GetThrottle(const ControlCall& call) {
  return Answer("Throttle", ControlJson(200, call.fixture.throttling().Describe(), call.request_id, ""));
}

ControlRequest SetThrottle(const ControlCall& call) {
  try {
    return Answer("Throttle", ControlJson(200, call.fixture.throttling().Configure(ParseBoundedJson(call.request.body)),
                                          call.request_id, ""));
  } catch (const std::invalid_argument& e) {
    return Refused("Throttle", ErrorType::kBadRequest, std::string("Invalid throttle settings: ") + e.what(),
                   call.request_id);
  }
}

ControlRequest ListFaults(const ControlCall& call) {
  const auto query = QueryOf(call.request.target);
  OnlyAccountParam(query);
  return Answer("ListFaults",
                ControlJson(200, {{"faults", call.fixture.faults().List(AccountParam(query))}}, call.request_id, ""));
}

ControlRequest DeleteFaults(const ControlCall& call) {
  const auto query = QueryOf(call.request.target);
  OnlyAccountParam(query);
  call.fixture.faults().Clear(AccountParam(query));
  return Answer("DeleteFaults", ControlJson(200, {{"deleted", true}}, call.request_id, ""));
}

ControlRequest AddFault(const ControlCall& call) {
  FaultRegistry& faults = call.fixture.faults();
  const auto query = QueryOf(call.request.target);
  OnlyAccountParam(query);
  const std::string account = AccountParam(query);
  try {
    nlohmann::json body = ParseBoundedJson(call.request.body);
    // ?accountId=: the rules without one of their own are that account's.
    auto scope = [&account](nlohmann::json& rule) {
      if (!account.empty() && rule.is_object() && !rule.contains("accountId")) rule["accountId"] = account;
    };
    if (body.is_array()) {
      for (auto& rule : body) scope(rule);
    } else {
      scope(body);
    }
    // One rule, or a list of rules (all or nothing).
    if (body.is_array()) {
      faults.AddAll(body);
      return Answer("AddFault", ControlJson(201, {{"faults", faults.List(account)}}, call.request_id, ""));
    }
    return Answer("AddFault", ControlJson(201, faults.Add(body), call.request_id, ""));
  } catch (const std::invalid_argument& e) {
    return Refused("AddFault", ErrorType::kBadRequest, std::string("Invalid fault rule: ") + e.what(), call.request_id);
  }
}

ControlRequest DeleteFault(const ControlCall& call) {
  const std::string id(call.name.substr(std::string_view("faults/").size()));
  int64_t n = 0;
  const bool numeric = !id.empty() && id.size() < 18 && id.find_first_not_of("0123456789") == std::string::npos;
  if (numeric) n = std::stoll(id);
  if (!numeric || !call.fixture.faults().Remove(n)) {
    return Refused("DeleteFault", ErrorType::kNotFound, "No fault rule " + id, call.request_id);
  }
  return Answer("DeleteFault", ControlJson(200, {{"deleted", id}}, call.request_id, ""));
}

ControlRequest DeleteRequests(const ControlCall& call) {
  const auto query = QueryOf(call.request.target);
  OnlyAccountParam(query);
  call.fixture.journal().Clear(AccountParam(query));
  return Answer("DeleteRequests", ControlJson(200, {{"deleted", true}}, call.request_id, ""));
}

ControlRequest ListRequests(const ControlCall& call) {
  JournalFilter f;
  for (const auto& [key, value] : QueryOf(call.request.target)) {
    if (key == "operation") {
      f.operation = value;
    } else if (key == "bearer") {
      f.bearer = value;
    } else if (key == "channelArn") {
      f.channel_arn = value;
    } else if (key == "accountId") {
      if (!IsAccountId(value)) throw ApiError(ErrorType::kBadRequest, "accountId must be 12 digits");
      f.account_id = value;
    } else if (key == "region") {
      f.region = value;
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
      throw ApiError(ErrorType::kBadRequest,
                     "Unknown filter " + key + " (operation, status, bearer, channelArn, accountId, region, since, limit)");
    }
  }
  return Answer("ListRequests", ControlJson(200, {{"requests", call.fixture.journal().List(f)}}, call.request_id, ""));
}

}  // namespace chime::api
