#include "api/messaging/push_notifications.hpp"

#include "api/events/push_notification_sink.hpp"
#include "api/messaging/push_filter_rule.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"

namespace chime::api::push {

namespace {

using json = nlohmann::json;

json ParseObject(const std::optional<std::string>& text) {
  if (!text) return json::object();
  json j = json::parse(*text, nullptr, false);
  return j.is_object() ? j : json::object();
}

}  // namespace

bool MemberWantsPush(const std::optional<std::string>& preferences, const json& attributes) {
  const json prefs = ParseObject(preferences);
  auto pn = prefs.find("PushNotifications");
  if (pn == prefs.end() || !pn->is_object()) return true;  // by default every member gets them
  const std::string allow = pn->value("AllowNotifications", "ALL");
  if (allow == "NONE") return false;
  if (allow != "FILTERED") return true;
  // PutChannelMembershipPreferences stored only a rule that ParseFilterRule accepted.
  try {
    return Matches(ParseFilterRule(pn->value("FilterRule", "")), attributes);
  } catch (const std::exception&) {
    return false;
  }
}

bool EndpointTakesPush(const storage::EndpointRecord& e) {
  return e.status == "ACTIVE" && e.allow_messages == "ALL";
}

std::vector<json> PlanPushNotifications(const storage::MessageRecord& m, const std::string& app_instance_arn,
                                        const std::vector<storage::MemberEndpoint>& candidates, int64_t now_ms) {
  std::vector<json> out;
  if (!m.push_notification) return out;
  const json config = ParseObject(m.push_notification);
  const json attributes = ParseObject(m.message_attributes);
  const std::string time = IsoTimestampMs(now_ms);
  for (const auto& c : candidates) {
    const storage::EndpointRecord& e = c.endpoint;
    if (e.user_arn == m.sender_arn) continue;                  // not to the sender
    if (m.target_arn && e.user_arn != *m.target_arn) continue;  // a targeted message: its target only
    if (!EndpointTakesPush(e) || !MemberWantsPush(c.preferences, attributes)) continue;
    json attrs = {{"DeviceToken", e.device_token}};
    if (e.voip_device_token) attrs["VoipDeviceToken"] = *e.voip_device_token;
    json n = {{"AppInstanceArn", app_instance_arn},
              {"ChannelArn", m.channel_arn},
              {"MessageId", m.message_id},
              {"AppInstanceUserArn", e.user_arn},
              {"Endpoint",
               {{"EndpointId", e.endpoint_id}, {"Type", e.type}, {"ResourceArn", e.resource_arn},
                {"EndpointAttributes", std::move(attrs)}}}};
    if (config.contains("Title")) n["Title"] = config["Title"];
    if (config.contains("Body")) n["Body"] = config["Body"];
    n["Type"] = config.value("Type", "DEFAULT");
    n["Data"] = {{"chime.message_id", m.message_id}, {"chime.channel_arn", m.channel_arn}};
    n["Time"] = time;
    out.push_back(std::move(n));
  }
  return out;
}

void NotifyPushRecipients(ReactionEnv& env, const storage::MessageRecord& m) {
  PushNotificationSink* sink = env.config.push_notifications;
  if (!sink || !m.push_notification) return;
  auto channel = storage::FindChannel(env.db, m.channel_arn);
  if (!channel) return;
  const auto candidates =
      storage::ListChannelMemberEndpoints(env.db, m.channel_arn, m.sub_channel_id, m.target_arn.value_or(""));
  auto planned = PlanPushNotifications(m, channel->app_instance_arn, candidates, env.now_ms);
  if (planned.empty()) return;
  env.outbox.AfterCommit([sink, planned = std::move(planned)] {
    for (const json& n : planned) sink->Put(n);
  });
}

}  // namespace chime::api::push
