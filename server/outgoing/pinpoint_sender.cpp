#include "server/outgoing/pinpoint_sender.hpp"

#include "storage/log.hpp"

namespace chime::server {

namespace {

void Warn(const std::string& message) { storage::Log(storage::LogLevel::kWarn, message); }

}  // namespace

PinpointSender::PinpointSender(AwsHttpClient::Options client, RetryingQueue::Options queue)
    : client_(std::move(client)), queue_(queue) {}

void PinpointSender::Put(const nlohmann::json& notification) {
  const std::string what = "push notification of message " + notification.value("MessageId", "") + " to " +
                            notification.value("AppInstanceUserArn", "");
  auto request = api::PinpointSendMessages(notification);
  if (!request) {
    Warn(what + " not sent: the endpoint's ResourceArn is not an Amazon Pinpoint app's");
    return;
  }
  RetryingQueue::Job job;
  job.target = request->application_id;  // one Pinpoint app
  job.attempt = [this, path = "/v1/apps/" + request->application_id + "/messages",
                 body = request->body.dump()](RetryingQueue::Clock::time_point deadline) {
    return client_.Post("mobiletargeting", path, "", {}, "application/json", body, deadline);
  };
  job.failed = [what](const HttpAttempt& last) { Warn(what + " not sent: " + last.detail); };
  if (auto refused = queue_.Push(std::move(job))) Warn(what + " not sent: " + *refused);
}

}  // namespace chime::server
