#include "api/control/push_notification_journal.hpp"

#include "api/control/control_answers.hpp"
#include "api/control/fixture.hpp"
#include "api/protocol/api_error.hpp"

namespace chime::api {

namespace {

// The account of an app instance ARN (arn:aws:chime:REGION:ACCOUNT:app-instance/ID).
std::string AccountOf(const std::string& arn) {
  size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = arn.find(':', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  const size_t end = arn.find(':', start);
  return end == std::string::npos ? "" : arn.substr(start, end - start);
}

}  // namespace

void PushNotificationJournal::set_forward(PushNotificationSink* forward) {
  std::lock_guard lock(mu_);
  forward_ = forward;
}

void PushNotificationJournal::Put(const nlohmann::json& notification) {
  PushNotificationSink* forward = nullptr;
  {
    std::lock_guard lock(mu_);
    if (capacity_ > 0) {
      if (entries_.size() >= capacity_) entries_.pop_front();
      entries_.push_back(notification);
    }
    forward = forward_;
  }
  if (forward) forward->Put(notification);  // only queues (server/outgoing/pinpoint_sender.cpp)
}

nlohmann::json PushNotificationJournal::List(const PushNotificationFilter& f) const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    const std::string app = it->value("AppInstanceArn", "");
    if (!f.app_instance_arn.empty() && app != f.app_instance_arn) continue;
    if (!f.channel_arn.empty() && it->value("ChannelArn", "") != f.channel_arn) continue;
    if (!f.user_arn.empty() && it->value("AppInstanceUserArn", "") != f.user_arn) continue;
    if (!f.account_id.empty() && AccountOf(app) != f.account_id) continue;
    out.push_back(*it);
  }
  return out;
}

void PushNotificationJournal::Clear(const std::string& account_id) {
  std::lock_guard lock(mu_);
  if (account_id.empty()) {
    entries_.clear();
    return;
  }
  std::erase_if(entries_, [&](const nlohmann::json& n) {
    return AccountOf(n.value("AppInstanceArn", "")) == account_id;
  });
}

ControlRequest ListPushNotifications(const ControlCall& call) {
  PushNotificationFilter f;
  const auto query = QueryOf(call.request.target);
  for (const auto& [key, value] : query) {
    if (key == "appInstanceArn") {
      f.app_instance_arn = value;
    } else if (key == "channelArn") {
      f.channel_arn = value;
    } else if (key == "appInstanceUserArn") {
      f.user_arn = value;
    } else if (key != "accountId") {
      throw ApiError(ErrorType::kBadRequest,
                     "Unknown filter " + key + " (appInstanceArn, channelArn, appInstanceUserArn, accountId)");
    }
  }
  f.account_id = AccountParam(query);
  ControlRequest c;
  c.operation = "ListPushNotifications";
  c.response = ControlJson(200, {{"PushNotifications", call.fixture.push_notifications().List(f)}},
                           call.request_id, c.operation);
  return c;
}

ControlRequest DeletePushNotifications(const ControlCall& call) {
  const auto query = QueryOf(call.request.target);
  OnlyAccountParam(query);
  const std::string account = AccountParam(query);
  call.fixture.push_notifications().Clear(account);
  ControlRequest c;
  c.operation = "DeletePushNotifications";
  nlohmann::json body = {{"deleted", true}};
  if (!account.empty()) body["accountId"] = account;
  c.response = ControlJson(200, body, call.request_id, c.operation);
  return c;
}

}  // namespace chime::api
