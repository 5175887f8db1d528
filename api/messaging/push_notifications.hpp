// Push notifications of new channel messages: the notifications AWS would hand
// to Amazon Pinpoint when a message with a PushNotification becomes SENT
// (developer guide "Using mobile push notifications ..."
// https://docs.aws.amazon.com/chime-sdk/latest/dg/using-push-notifications.html
// and its sub-pages "Send a channel message with notifications enabled",
// "Receiving push notifications", "Using filter rules to filter messages").
// Who gets one, per endpoint (docs/push-notifications.md):
//   - only a message carrying PushNotification notifies anyone;
//   - the channel's members other than the sender (the message's sub-channel's
//     in an elastic channel); a targeted message only its target;
//   - the member's PushNotifications preference: ALL (or none set) yes, NONE
//     no, FILTERED when its FilterRule matches the MessageAttributes;
//   - each of the member's endpoints that is ACTIVE with AllowMessages ALL.
// The rules are pure (PlanPushNotifications); NotifyPushRecipients reads the
// channel's members and endpoints and queues the notifications for after the
// commit.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/messaging/message_reactions.hpp"
#include "storage/endpoint_repo.hpp"
#include "storage/message_repo.hpp"

namespace chime::api::push {

// Whether a member whose stored preferences are `preferences` (nullopt: none)
// wants a notification of a message with `attributes` (MessageAttributes).
bool MemberWantsPush(const std::optional<std::string>& preferences, const nlohmann::json& attributes);

// Whether an endpoint takes notifications: ACTIVE and AllowMessages ALL.
bool EndpointTakesPush(const storage::EndpointRecord& endpoint);

// The notifications of `m` to `candidates` (its channel's members' endpoints,
// storage::ListChannelMemberEndpoints), as journal entries: AppInstanceArn,
// ChannelArn, MessageId, AppInstanceUserArn, Endpoint {EndpointId, Type,
// ResourceArn, EndpointAttributes}, Title, Body (when given), Type, Data
// {chime.message_id, chime.channel_arn}, Time. Empty without PushNotification.
std::vector<nlohmann::json> PlanPushNotifications(const storage::MessageRecord& m, const std::string& app_instance_arn,
                                                  const std::vector<storage::MemberEndpoint>& candidates,
                                                  int64_t now_ms);

// Plans `m`'s notifications and hands each to env.config.push_notifications
// after the commit (nothing when that is null or `m` has no PushNotification).
void NotifyPushRecipients(ReactionEnv& env, const storage::MessageRecord& m);

}  // namespace chime::api::push
