#include "api/control/events_endpoint.hpp"

#include <chrono>

#include "api/control/fixture.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/query_string.hpp"

namespace chime::api {

namespace {

std::map<std::string, std::string> QueryOf(std::string_view target) {
  return LastValues(ParseQuery(QueryPart(target), {.plus_as_space = true, .keep_empty_pairs = true}));
}

// A non-negative integer of at most `digits` digits, or a 400 naming `name`.
uint64_t Number(const std::string& name, const std::string& value, size_t digits) {
  if (value.empty() || value.size() > digits || value.find_first_not_of("0123456789") != std::string::npos) {
    throw ApiError(ErrorType::kBadRequest, name + " must be a non-negative integer");
  }
  return std::stoull(value);
}

std::string AccountId(const std::string& value) {
  if (value.size() != 12 || value.find_first_not_of("0123456789") != std::string::npos) {
    throw ApiError(ErrorType::kBadRequest, "accountId must be 12 digits");
  }
  return value;
}

}  // namespace

ControlRequest ListEvents(const ControlCall& call) {
  EventQuery q;
  int64_t wait_ms = 0;
  for (const auto& [key, value] : QueryOf(call.request.target)) {
    if (key == "channelArn") {
      q.channel_arn = value;
    } else if (key == "memberArn") {
      q.member_arn = value;
    } else if (key == "type") {
      for (size_t start = 0; start <= value.size();) {
        size_t end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        if (end > start) q.types.push_back(value.substr(start, end - start));
        start = end + 1;
      }
    } else if (key == "accountId") {
      q.account_id = AccountId(value);
    } else if (key == "after") {
      q.after = Number("after", value, 19);
    } else if (key == "limit") {
      q.limit = Number("limit", value, 6);
      if (q.limit < 1 || q.limit > kDefaultEventLogCapacity) {
        throw ApiError(ErrorType::kBadRequest, "limit must be from 1 to 10000");
      }
    } else if (key == "waitMs") {
      wait_ms = static_cast<int64_t>(Number("waitMs", value, 6));
      if (wait_ms > kMaxEventWaitMs) throw ApiError(ErrorType::kBadRequest, "waitMs must be from 0 to 30000");
    } else {
      throw ApiError(ErrorType::kBadRequest, "Unknown filter " + key +
                                                 " (channelArn, memberArn, type, accountId, after, limit, waitMs)");
    }
  }
  ControlRequest c;
  c.operation = "ListEvents";
  c.deferred = [&log = call.fixture.events(), q = std::move(q), wait_ms,
                request_id = call.request_id](std::function<void(HttpResponse)> answer) {
    const bool waiting = log.Wait(q, std::chrono::milliseconds(wait_ms), [answer, request_id](nlohmann::json body) {
      answer(ControlJson(200, body, request_id, "ListEvents"));
    });
    if (!waiting) {
      answer(EncodeError(ErrorType::kServiceUnavailable,
                         "Too many waiting event requests (at most " + std::to_string(kMaxEventWaiters) +
                             "); retry, or poll without waitMs",
                         request_id));
    }
  };
  return c;
}

ControlRequest DeleteEvents(const ControlCall& call) {
  std::string account;
  for (const auto& [key, value] : QueryOf(call.request.target)) {
    if (key != "accountId") throw ApiError(ErrorType::kBadRequest, "Unknown parameter " + key + " (accountId)");
    account = AccountId(value);
  }
  call.fixture.events().Clear(account);
  ControlRequest c;
  c.operation = "DeleteEvents";
  nlohmann::json body = {{"deleted", true}};
  if (!account.empty()) body["accountId"] = account;
  c.response = ControlJson(200, body, call.request_id, "DeleteEvents");
  c.response->operation = "DeleteEvents";
  return c;
}

}  // namespace chime::api
