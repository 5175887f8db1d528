// PinpointSender: hands the push notifications of new messages
// (api/messaging/push_notifications.hpp) to --pinpoint-endpoint, an Amazon
// Pinpoint API (a stub, LocalStack): one SendMessages per notification
// (REST-JSON POST /v1/apps/{application-id}/messages, SigV4 service
// "mobiletargeting"; api::PinpointSendMessages builds it), as the Chime SDK
// does through its service role (developer guide "Using mobile push
// notifications ..."). Through a RetryingQueue, so it never blocks the writer
// thread; a notification that cannot be sent (no Pinpoint app in the
// endpoint's ResourceArn, endpoint down after 3 attempts, queue full) is
// dropped with a warning on stderr. The fixture's journal
// (GET /_chime-local/push-notifications) has every notification either way.
#pragma once

#include "api/events/push_notification_sink.hpp"
#include "server/outgoing/aws_http_client.hpp"
#include "server/outgoing/retrying_queue.hpp"

namespace chime::server {

class PinpointSender : public api::PushNotificationSink {
 public:
  PinpointSender(AwsHttpClient::Options client, RetryingQueue::Options queue);
  void Put(const nlohmann::json& notification) override;
  void Stop() { queue_.Stop(); }

 private:
  AwsHttpClient client_;
  RetryingQueue queue_;
};

}  // namespace chime::server
