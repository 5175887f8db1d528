// EventBridge events of Amazon Chime SDK messaging, in EventBridge's envelope
// (developer guide "Creating failure alerts by automating with EventBridge",
// https://docs.aws.amazon.com/chime-sdk/latest/dg/event-bridge-events.html):
//   {"version": "0", "id": UUID, "detail-type": ..., "source": "aws.chime",
//    "account": ..., "time": "2026-12-06T20:40:00Z", "region": ...,
//    "resources": [], "detail": {...}}
// chime-local emits one: "Chime ChannelFlow Processing Status" with
// detail.eventType "ProcessorInvocationFailure", when a channel-flow processor
// cannot be invoked (whatever its FallbackAction) or does not call back in
// time; and "Chime Messaging AppInstanceBot Lex Failure" (developer guide
// "Using rules to send events to Amazon EventBridge",
// https://docs.aws.amazon.com/chime-sdk/latest/dg/event-bridge-alerts.html)
// with detail resourceArn (the bot) and failureReason, when a bot's Lex call
// fails. Account and region are the channel's (the bot's) ARN's. Built here, without I/O;
// an EventBridgeSink (the fixture's journal, which forwards to
// --eventbridge-endpoint) takes each event after its unit commits.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace chime::api {

inline constexpr const char* kEventBridgeSource = "aws.chime";
inline constexpr const char* kChannelFlowStatusDetailType = "Chime ChannelFlow Processing Status";
inline constexpr const char* kBotLexFailureDetailType = "Chime Messaging AppInstanceBot Lex Failure";

struct ProcessorFailure {
  std::string channel_arn;
  std::string message_id;
  std::string processor_arn;  // the processor's Lambda ResourceArn
  std::string reason;
};

// Epoch milliseconds -> "2026-12-06T20:40:00Z": EventBridge's `time`, UTC to the second.
std::string EventBridgeTime(int64_t epoch_ms);

// The ProcessorInvocationFailure event of `f` at `time_ms`, with id `id`.
nlohmann::json ProcessorInvocationFailureEvent(const ProcessorFailure& f, int64_t time_ms, const std::string& id);

// The AppInstanceBot Lex failure event of bot `bot_arn` at `time_ms`, with id `id`.
nlohmann::json BotLexFailureEvent(const std::string& bot_arn, const std::string& reason, int64_t time_ms,
                                  const std::string& id);

// The PutEvents request entry of `event` (an envelope as above): Source,
// DetailType, Detail as a JSON string, Resources, Time (epoch seconds, as JSON
// 1.1 sends timestamps), EventBusName "default".
nlohmann::json PutEventsEntry(const nlohmann::json& event);

// Where committed events go. Put() runs in after-commit jobs on the storage
// writer thread: it must only record or queue, never block.
class EventBridgeSink {
 public:
  virtual ~EventBridgeSink() = default;
  virtual void Put(const nlohmann::json& event) = 0;
};

}  // namespace chime::api
