#include "api/events/eventbridge_events.hpp"

#include "api/common/arn.hpp"
#include "api/protocol/timestamp.hpp"

namespace chime::api {

namespace {

std::string AppInstanceOf(const std::string& channel_arn) {
  const auto at = channel_arn.find("/channel/");
  return at == std::string::npos ? channel_arn : channel_arn.substr(0, at);
}

}  // namespace

std::string EventBridgeTime(int64_t epoch_ms) {
  // Floor to the second (IsoTimestampMs is right before 1970 too), then drop ".mmm".
  const int64_t floored = epoch_ms - ((epoch_ms % 1000) + 1000) % 1000;
  std::string iso = IsoTimestampMs(floored);
  const auto dot = iso.rfind('.');
  return dot == std::string::npos ? iso : iso.substr(0, dot) + "Z";
}

nlohmann::json ProcessorInvocationFailureEvent(const ProcessorFailure& f, int64_t time_ms, const std::string& id) {
  return {{"version", "0"},
          {"id", id},
          {"detail-type", kChannelFlowStatusDetailType},
          {"source", kEventBridgeSource},
          {"account", ScopeOfArn(f.channel_arn).account},
          {"time", EventBridgeTime(time_ms)},
          {"region", ScopeOfArn(f.channel_arn).region},
          {"resources", nlohmann::json::array()},
          {"detail",
           {{"eventType", "ProcessorInvocationFailure"},
            {"appInstanceArn", AppInstanceOf(f.channel_arn)},
            {"channelArn", f.channel_arn},
            {"messageId", f.message_id},
            {"processorResourceArn", f.processor_arn},
            {"failureReason", f.reason}}}};
}

nlohmann::json BotLexFailureEvent(const std::string& bot_arn, const std::string& reason, int64_t time_ms,
                                  const std::string& id) {
  return {{"version", "0"},
          {"id", id},
          {"detail-type", kBotLexFailureDetailType},
          {"source", kEventBridgeSource},
          {"account", ScopeOfArn(bot_arn).account},
          {"time", EventBridgeTime(time_ms)},
          {"region", ScopeOfArn(bot_arn).region},
          {"resources", nlohmann::json::array()},
          {"detail", {{"resourceArn", bot_arn}, {"failureReason", reason}}}};
}

nlohmann::json PutEventsEntry(const nlohmann::json& event) {
  nlohmann::json entry = {{"Source", event.value("source", "")},
                          {"DetailType", event.value("detail-type", "")},
                          {"Detail", event.value("detail", nlohmann::json::object()).dump()},
                          {"Resources", event.value("resources", nlohmann::json::array())},
                          {"EventBusName", "default"}};
  // JSON 1.1 sends a timestamp member as epoch seconds (the protocol's default format).
  if (auto ms = ParseTimestampMs(event.value("time", ""))) entry["Time"] = *ms / 1000;
  return entry;
}

}  // namespace chime::api
