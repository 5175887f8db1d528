// The EventBridge events an emulator has emitted (api/events/eventbridge_events.hpp),
// for tests: GET /_chime-local/eventbridge-events lists them, newest first
// (?accountId=, ?detailType= filter), DELETE clears them, and so does
// POST /_chime-local/reset. A bounded ring (the oldest goes past 1,000 events).
// Each event recorded is also passed on to `forward` (--eventbridge-endpoint's
// PutEvents), when set. Lives in the Fixture. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "api/control/control_plane.hpp"
#include "api/events/eventbridge_events.hpp"

namespace chime::api {

class EventBridgeJournal : public EventBridgeSink {
 public:
  explicit EventBridgeJournal(size_t capacity = 1000) : capacity_(capacity) {}
  // `forward` must outlive the journal's use (main() owns it); null: none.
  void set_forward(EventBridgeSink* forward);
  void Put(const nlohmann::json& event) override;
  // Newest first; an empty filter matches everything.
  nlohmann::json List(const std::string& account_id, const std::string& detail_type) const;
  void Clear();

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::deque<nlohmann::json> events_;  // oldest at the front
  EventBridgeSink* forward_ = nullptr;
};

// The control endpoints (rows of kEndpoints in control_plane.cpp).
ControlRequest ListEventBridgeEvents(const ControlCall& call);
ControlRequest DeleteEventBridgeEvents(const ControlCall& call);

}  // namespace chime::api
