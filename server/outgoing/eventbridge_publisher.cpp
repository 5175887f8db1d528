#include "server/outgoing/eventbridge_publisher.hpp"

#include "storage/log.hpp"

namespace chime::server {

namespace {

void Warn(const std::string& message) { storage::Log(storage::LogLevel::kWarn, message); }

}  // namespace

EventBridgePublisher::EventBridgePublisher(AwsHttpClient::Options client, RetryingQueue::Options queue)
    : client_(std::move(client)), queue_(queue) {}

void EventBridgePublisher::Put(const nlohmann::json& event) {
  const std::string body = nlohmann::json{{"Entries", nlohmann::json::array({api::PutEventsEntry(event)})}}.dump();
  const std::string what = "EventBridge event " + event.value("id", "") + " (" + event.value("detail-type", "") + ")";
  RetryingQueue::Job job;
  job.target = "default";  // one event bus
  job.attempt = [this, body](RetryingQueue::Clock::time_point deadline) {
    return client_.Post("events", "/", "", {{"x-amz-target", "AWSEvents.PutEvents"}}, "application/x-amz-json-1.1",
                        body, deadline);
  };
  job.failed = [what](const HttpAttempt& last) { Warn(what + " not put: " + last.detail); };
  if (auto refused = queue_.Push(std::move(job))) Warn(what + " not put: " + *refused);
}

}  // namespace chime::server
