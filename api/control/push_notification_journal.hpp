// The push notifications an emulator has handed to "Amazon Pinpoint"
// (api/messaging/push_notifications.hpp), for tests: GET
// /_chime-local/push-notifications lists them, newest first (?appInstanceArn=,
// ?channelArn=, ?appInstanceUserArn=, ?accountId= filter), DELETE clears them
// (?accountId=: one account's), and so does POST /_chime-local/reset. A
// bounded ring (the oldest goes past 1,000 notifications). Each one recorded is
// also passed on to `forward` (--pinpoint-endpoint's SendMessages), when set.
// Lives in the Fixture. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "api/control/control_plane.hpp"
#include "api/events/push_notification_sink.hpp"

namespace chime::api {

struct PushNotificationFilter {
  std::string app_instance_arn, channel_arn, user_arn, account_id;  // "" = any
};

class PushNotificationJournal : public PushNotificationSink {
 public:
  explicit PushNotificationJournal(size_t capacity = 1000) : capacity_(capacity) {}
  // `forward` must outlive the journal's use (main() owns it); null: none.
  void set_forward(PushNotificationSink* forward);
  void Put(const nlohmann::json& notification) override;
  // Newest first.
  nlohmann::json List(const PushNotificationFilter& filter) const;
  // Every notification, or one account's ("" = all).
  void Clear(const std::string& account_id = "");

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::deque<nlohmann::json> entries_;  // oldest at the front
  PushNotificationSink* forward_ = nullptr;
};

// The control endpoints (rows of kEndpoints in control_plane.cpp).
ControlRequest ListPushNotifications(const ControlCall& call);
ControlRequest DeletePushNotifications(const ControlCall& call);

}  // namespace chime::api
