// EventBridgePublisher: sends the emulator's EventBridge events
// (api/events/eventbridge_events.hpp) to --eventbridge-endpoint, an EventBridge
// emulator such as LocalStack or moto: one PutEvents per event (JSON 1.1,
// X-Amz-Target AWSEvents.PutEvents, SigV4 service "events", one entry on the
// "default" bus). Real EventBridge refuses "aws." sources from customers, so
// this is for emulators only. Through a RetryingQueue, so it never blocks the
// writer thread; an event that cannot be put (endpoint down after 3 attempts,
// queue full) is dropped with a warning on stderr. The fixture's journal
// (GET /_chime-local/eventbridge-events) has every event either way.
#pragma once

#include <string>

#include "api/events/eventbridge_events.hpp"
#include "server/outgoing/aws_http_client.hpp"
#include "server/outgoing/retrying_queue.hpp"

namespace chime::server {

class EventBridgePublisher : public api::EventBridgeSink {
 public:
  EventBridgePublisher(AwsHttpClient::Options client, RetryingQueue::Options queue);
  void Put(const nlohmann::json& event) override;
  void Stop() { queue_.Stop(); }

 private:
  AwsHttpClient client_;
  RetryingQueue queue_;
};

}  // namespace chime::server
