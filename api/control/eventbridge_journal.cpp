#include "api/control/eventbridge_journal.hpp"

#include "api/control/fixture.hpp"
#include "api/protocol/query_string.hpp"

namespace chime::api {

void EventBridgeJournal::set_forward(EventBridgeSink* forward) {
  std::lock_guard lock(mu_);
  forward_ = forward;
}

void EventBridgeJournal::Put(const nlohmann::json& event) {
  EventBridgeSink* forward = nullptr;
  {
    std::lock_guard lock(mu_);
    if (capacity_ > 0) {
      if (events_.size() >= capacity_) events_.pop_front();
      events_.push_back(event);
    }
    forward = forward_;
  }
  if (forward) forward->Put(event);  // only queues (server/outgoing/eventbridge_publisher.cpp)
}

nlohmann::json EventBridgeJournal::List(const std::string& account_id, const std::string& detail_type) const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (!account_id.empty() && it->value("account", "") != account_id) continue;
    if (!detail_type.empty() && it->value("detail-type", "") != detail_type) continue;
    out.push_back(*it);
  }
  return out;
}

void EventBridgeJournal::Clear() {
  std::lock_guard lock(mu_);
  events_.clear();
}

ControlRequest ListEventBridgeEvents(const ControlCall& call) {
  std::string account, detail_type;
  const auto query = LastValues(ParseQuery(QueryPart(call.request.target), {.plus_as_space = true, .keep_empty_pairs = true}));
  for (const auto& [key, value] : query) {
    if (key == "accountId") {
      account = value;
    } else if (key == "detailType") {
      detail_type = value;
    } else {
      throw ApiError(ErrorType::kBadRequest, "Unknown filter " + key + " (accountId, detailType)");
    }
  }
  ControlRequest c;
  c.operation = "ListEventBridgeEvents";
  c.response = ControlJson(200, {{"events", call.fixture.eventbridge_events().List(account, detail_type)}},
                           call.request_id, c.operation);
  return c;
}

ControlRequest DeleteEventBridgeEvents(const ControlCall& call) {
  call.fixture.eventbridge_events().Clear();
  ControlRequest c;
  c.operation = "DeleteEventBridgeEvents";
  c.response = ControlJson(200, {{"deleted", true}}, call.request_id, c.operation);
  return c;
}

}  // namespace chime::api
