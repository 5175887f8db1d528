// Push notifications of new messages (api/messaging/push_notifications.hpp): who the rules
// notify and with what, the Pinpoint SendMessages request of one notification
// (api/events/push_notification_sink.hpp), and the fixture's bounded journal with its filters.
#include "api/messaging/push_notifications.hpp"

#include <gtest/gtest.h>

#include "api/control/push_notification_journal.hpp"
#include "api/events/push_notification_sink.hpp"

namespace chime::api::push {
namespace {

using json = nlohmann::json;

const std::string kApp = "arn:aws:chime:us-east-1:111122223333:app-instance/a1";
const std::string kChannel = kApp + "/channel/c1";
const std::string kPinpoint = "arn:aws:mobiletargeting:us-east-1:111122223333:apps/pp1";

std::string User(const std::string& id) { return kApp + "/user/" + id; }

storage::MemberEndpoint Candidate(const std::string& user, const std::string& endpoint_id,
                                  std::optional<std::string> preferences = std::nullopt,
                                  const std::string& type = "APNS") {
  storage::EndpointRecord e;
  e.user_arn = User(user);
  e.endpoint_id = endpoint_id;
  e.type = type;
  e.resource_arn = kPinpoint;
  e.device_token = "token-" + endpoint_id;
  e.allow_messages = "ALL";
  e.status = "ACTIVE";
  return {std::move(preferences), std::move(e)};
}

storage::MessageRecord Message(std::optional<std::string> push = R"({"Title":"T","Body":"B","Type":"DEFAULT"})") {
  storage::MessageRecord m;
  m.message_id = "m1";
  m.channel_arn = kChannel;
  m.sender_arn = User("alice");
  m.push_notification = std::move(push);
  return m;
}

std::vector<std::string> Recipients(const std::vector<json>& planned) {
  std::vector<std::string> out;
  for (const json& n : planned) out.push_back(n["AppInstanceUserArn"].get<std::string>() + "#" +
                                              n["Endpoint"]["EndpointId"].get<std::string>());
  return out;
}

std::string Filtered(const std::string& rule) {
  return json{{"PushNotifications", {{"AllowNotifications", "FILTERED"}, {"FilterRule", rule}}}}.dump();
}

TEST(PushNotificationsTest, EveryOtherMemberEndpointGetsTheEntry) {
  const auto planned = PlanPushNotifications(
      Message(), kApp, {Candidate("alice", "a"), Candidate("bob", "b1"), Candidate("bob", "b2", {}, "GCM")},
      1796589605123);
  ASSERT_EQ(Recipients(planned), (std::vector<std::string>{User("bob") + "#b1", User("bob") + "#b2"}));
  EXPECT_EQ(planned[0], json::parse(R"({
    "AppInstanceArn": ")" + kApp + R"(", "ChannelArn": ")" + kChannel + R"(", "MessageId": "m1",
    "AppInstanceUserArn": ")" + User("bob") + R"(",
    "Endpoint": {"EndpointId": "b1", "Type": "APNS", "ResourceArn": ")" + kPinpoint + R"(",
                 "EndpointAttributes": {"DeviceToken": "token-b1"}},
    "Title": "T", "Body": "B", "Type": "DEFAULT",
    "Data": {"chime.message_id": "m1", "chime.channel_arn": ")" + kChannel + R"("},
    "Time": "2026-12-06T20:40:05.123Z"})"));
}

TEST(PushNotificationsTest, NoPushNotificationNoEntries) {
  EXPECT_TRUE(PlanPushNotifications(Message(std::nullopt), kApp, {Candidate("bob", "b")}, 0).empty());
}

TEST(PushNotificationsTest, TypeDefaultsAndTitleBodyOnlyWhenGiven) {
  const auto planned = PlanPushNotifications(Message(R"({"Body":"only body"})"), kApp, {Candidate("bob", "b")}, 0);
  ASSERT_EQ(planned.size(), 1u);
  EXPECT_EQ(planned[0]["Type"], "DEFAULT");
  EXPECT_FALSE(planned[0].contains("Title"));
  EXPECT_EQ(planned[0]["Body"], "only body");
}

TEST(PushNotificationsTest, EndpointMustAllowMessagesAndBeActive) {
  auto none = Candidate("bob", "none");
  none.endpoint.allow_messages = "NONE";
  auto inactive = Candidate("carol", "off");
  inactive.endpoint.status = "INACTIVE";
  EXPECT_EQ(Recipients(PlanPushNotifications(Message(), kApp, {none, inactive, Candidate("dave", "d")}, 0)),
            (std::vector<std::string>{User("dave") + "#d"}));
}

TEST(PushNotificationsTest, TargetedMessageNotifiesOnlyItsTarget) {
  auto m = Message();
  m.target_arn = User("carol");
  EXPECT_EQ(Recipients(PlanPushNotifications(m, kApp, {Candidate("bob", "b"), Candidate("carol", "c")}, 0)),
            (std::vector<std::string>{User("carol") + "#c"}));
  m.target_arn = User("alice");  // targeted at the sender itself: nobody
  EXPECT_TRUE(PlanPushNotifications(m, kApp, {Candidate("alice", "a"), Candidate("bob", "b")}, 0).empty());
}

TEST(PushNotificationsTest, MembershipPreferenceAllNoneFiltered) {
  const json none = {{"PushNotifications", {{"AllowNotifications", "NONE"}}}};
  const json all = {{"PushNotifications", {{"AllowNotifications", "ALL"}}}};
  EXPECT_TRUE(MemberWantsPush(std::nullopt, nullptr));
  EXPECT_TRUE(MemberWantsPush("{}", nullptr));
  EXPECT_TRUE(MemberWantsPush(all.dump(), nullptr));
  EXPECT_FALSE(MemberWantsPush(none.dump(), nullptr));
  const json attrs = {{"mention", {{"StringValues", {"Bob"}}}}, {"type", {{"StringValues", {"Room"}}}}};
  EXPECT_TRUE(MemberWantsPush(Filtered(R"({"mention":["Bob"]})"), attrs));
  EXPECT_FALSE(MemberWantsPush(Filtered(R"({"mention":["Carol"]})"), attrs));
  EXPECT_FALSE(MemberWantsPush(Filtered(R"({"mention":["Bob"]})"), nullptr));
  // The guide's example: complexity 4, AND of an exclusion and an inclusion.
  EXPECT_FALSE(MemberWantsPush(Filtered(R"({"type":[{"anything-but":["Room"]}],"mention":["Bob"]})"), attrs));
  EXPECT_TRUE(MemberWantsPush(Filtered(R"({"type":[{"anything-but":["DM"]}],"mention":["Bob"]})"), attrs));
  EXPECT_TRUE(MemberWantsPush(Filtered(R"({"$or":[{"mention":["Carol"]},{"type":["Room"]}]})"), attrs));
  EXPECT_FALSE(MemberWantsPush(Filtered(R"({"$or":[{"mention":["Carol"]},{"type":["DM"]}]})"), attrs));
}

TEST(PushNotificationsTest, FilteredMembersAreDecidedByTheirOwnRule) {
  auto m = Message();
  m.message_attributes = R"({"mention":{"StringValues":["bob"]}})";
  const auto planned = PlanPushNotifications(
      m, kApp,
      {Candidate("bob", "b", Filtered(R"({"mention":["bob"]})")),
       Candidate("carol", "c", Filtered(R"({"mention":["carol"]})")),
       Candidate("dave", "d", json{{"PushNotifications", {{"AllowNotifications", "NONE"}}}}.dump())},
      0);
  EXPECT_EQ(Recipients(planned), (std::vector<std::string>{User("bob") + "#b"}));
}

TEST(PinpointSendMessagesTest, ApnsGcmAndVoip) {
  auto apns = PlanPushNotifications(Message(), kApp, {Candidate("bob", "b")}, 0).at(0);
  auto r = PinpointSendMessages(apns);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->application_id, "pp1");
  EXPECT_EQ(r->body, json::parse(R"({
    "Addresses": {"token-b": {"ChannelType": "APNS"}},
    "MessageConfiguration": {"APNSMessage": {
      "Action": "OPEN_APP", "SilentPush": false, "Title": "T", "Body": "B", "APNSPushType": "alert",
      "Data": {"chime.message_id": "m1", "chime.channel_arn": ")" + kChannel + R"("}}}})"));

  auto gcm = PlanPushNotifications(Message(), kApp, {Candidate("bob", "g", {}, "GCM")}, 0).at(0);
  r = PinpointSendMessages(gcm);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body["Addresses"], json::parse(R"({"token-g": {"ChannelType": "GCM"}})"));
  EXPECT_TRUE(r->body["MessageConfiguration"].contains("GCMMessage"));
  EXPECT_FALSE(r->body["MessageConfiguration"]["GCMMessage"].contains("APNSPushType"));

  auto voip_candidate = Candidate("bob", "v", {}, "APNS_SANDBOX");
  voip_candidate.endpoint.voip_device_token = "voip-token";
  auto voip = PlanPushNotifications(Message(R"({"Title":"Call","Type":"VOIP"})"), kApp, {voip_candidate}, 0).at(0);
  r = PinpointSendMessages(voip);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body["Addresses"], json::parse(R"({"voip-token": {"ChannelType": "APNS_VOIP_SANDBOX"}})"));
  EXPECT_EQ(r->body["MessageConfiguration"]["APNSMessage"]["APNSPushType"], "voip");
}

TEST(PinpointSendMessagesTest, NoPinpointAppNoRequest) {
  auto n = PlanPushNotifications(Message(), kApp, {Candidate("bob", "b")}, 0).at(0);
  n["Endpoint"]["ResourceArn"] = "arn:aws:sns:us-east-1:111122223333:app/x";
  EXPECT_FALSE(PinpointSendMessages(n));
  n["Endpoint"]["ResourceArn"] = "arn:aws:mobiletargeting:us-east-1:111122223333:apps/a/../b";
  EXPECT_FALSE(PinpointSendMessages(n));
}

struct Counting : PushNotificationSink {
  void Put(const json&) override { ++count; }
  int count = 0;
};

TEST(PushNotificationJournalTest, KeepsTheNewestForwardsAndFilters) {
  PushNotificationJournal journal(2);
  Counting forward;
  journal.set_forward(&forward);
  const std::string other_app = "arn:aws:chime:us-east-1:123456789012:app-instance/b";
  auto n = [](const std::string& app, const std::string& user, const std::string& id) {
    return json{{"AppInstanceArn", app}, {"ChannelArn", app + "/channel/c"}, {"AppInstanceUserArn", user},
                {"MessageId", id}};
  };
  journal.Put(n(kApp, User("bob"), "1"));
  journal.Put(n(other_app, User("bob"), "2"));
  journal.Put(n(kApp, User("carol"), "3"));
  EXPECT_EQ(forward.count, 3);
  const json all = journal.List({});
  ASSERT_EQ(all.size(), 2u);  // the oldest went
  EXPECT_EQ(all[0]["MessageId"], "3");  // newest first
  EXPECT_EQ(all[1]["MessageId"], "2");
  PushNotificationFilter f;
  f.app_instance_arn = kApp;
  EXPECT_EQ(journal.List(f).size(), 1u);
  f = {};
  f.channel_arn = other_app + "/channel/c";
  EXPECT_EQ(journal.List(f).size(), 1u);
  f = {};
  f.user_arn = User("carol");
  EXPECT_EQ(journal.List(f).size(), 1u);
  f = {};
  f.account_id = "123456789012";
  EXPECT_EQ(journal.List(f).size(), 1u);
  f.account_id = "111122223333";
  EXPECT_EQ(journal.List(f).size(), 1u);
  journal.Clear("123456789012");
  EXPECT_EQ(journal.List({}).size(), 1u);
  journal.Clear();
  EXPECT_TRUE(journal.List({}).empty());
}

}  // namespace
}  // namespace chime::api::push
