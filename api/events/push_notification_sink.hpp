// Where the push notifications of new channel messages go
// (api/messaging/push_notifications.hpp builds them): the fixture's journal
// (GET /_chime-local/push-notifications), which forwards each to
// --pinpoint-endpoint's SendMessages when set. Also builds that SendMessages
// request (Amazon Pinpoint API reference, "Messages" resource:
// POST /v1/apps/{application-id}/messages with a MessageRequest body), pure.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace chime::api {

// Takes each notification after its message's unit commits. Put() runs in
// after-commit jobs on the storage writer thread: it must only record or
// queue, never block.
class PushNotificationSink {
 public:
  virtual ~PushNotificationSink() = default;
  virtual void Put(const nlohmann::json& notification) = 0;
};

struct PinpointRequest {
  std::string application_id;  // from the endpoint's ResourceArn
  nlohmann::json body;         // the MessageRequest
};

// The Pinpoint SendMessages call that hands `notification` (one journal entry)
// to Pinpoint: the device token as the address, ChannelType from the
// endpoint's Type (a VOIP push to an APNs endpoint: APNS_VOIP or
// APNS_VOIP_SANDBOX, to its VoipDeviceToken when it has one), an APNSMessage
// or GCMMessage with Title, Body, Data and Action OPEN_APP. nullopt when the
// endpoint's ResourceArn is not a Pinpoint app's
// (arn:aws:mobiletargeting:REGION:ACCOUNT:apps/APPID).
std::optional<PinpointRequest> PinpointSendMessages(const nlohmann::json& notification);

}  // namespace chime::api
