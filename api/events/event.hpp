// Event: one real-time notification produced by a committed change, as the
// messaging session (WebSocket) delivers it: an EventType header
// (CREATE_CHANNEL_MESSAGE, ...), a message type (STANDARD, CONTROL, SYSTEM),
// the payload in the model's shape, and the recipients, computed inside the
// same transaction as the change (so a DeleteChannel still reaches the
// members it removed).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chime::api {

struct Event {
  std::string type;          // x-amz-chime-event-type
  std::string message_type;  // x-amz-chime-message-type: STANDARD | CONTROL | SYSTEM
  std::string channel_arn;
  std::string sub_channel_id;           // elastic channels: deliver within this sub-channel only
  std::string reason;                   // x-amz-chime-event-reason when set (e.g. subchannel_DELETED)
  nlohmann::json payload;               // the model's shape (ChannelMessage, Channel, ...)
  // Or how to make it: a message event keeps its message and builds the JSON
  // only when a consumer reads it, so the event log (which records every
  // event, read or not) costs the writer thread no JSON. Must not touch the
  // store: it may run after the transaction, on another thread.
  std::function<nlohmann::json()> make_payload;
  std::vector<std::string> recipients;  // AppInstanceUser/Bot ARNs

  nlohmann::json Payload() const { return make_payload ? make_payload() : payload; }
};

}  // namespace chime::api
