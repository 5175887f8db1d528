// Throttling: token buckets at the documented quotas, per scope, off by default.
#include "api/control/throttling.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace chime::api {
namespace {

const char* kChannel = "arn:aws:chime:us-east-1:123456789012:app-instance/a/channel/c";
const char* kAlice = "arn:aws:chime:us-east-1:123456789012:app-instance/a/user/alice";
const char* kBob = "arn:aws:chime:us-east-1:123456789012:app-instance/a/user/bob";

nlohmann::json Send(const char* bearer, const char* channel = kChannel) {
  return {{"ChimeBearer", bearer}, {"ChannelArn", channel}, {"Content", "x"}};
}

int Admitted(Throttling& t, const nlohmann::json& input, int tries, int64_t now_ms,
             const char* region = "us-east-1") {
  int ok = 0;
  for (int i = 0; i < tries; ++i)
    if (!t.Admit("SendChannelMessage", input, "123456789012", region, now_ms)) ++ok;
  return ok;
}

TEST(ThrottlingTest, OffByDefault) {
  Throttling t;
  EXPECT_EQ(Admitted(t, Send(kAlice), 100, 1000), 100);
}

TEST(ThrottlingTest, OneBearerGetsTenPerSecondThenRefills) {
  Throttling t;
  t.SetEnabled(true);
  EXPECT_EQ(Admitted(t, Send(kAlice), 20, 1000), 10);
  auto hit = t.Admit("SendChannelMessage", Send(kAlice), "123456789012", "us-east-1", 1000);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->quota, "MessagingApisPerBearer");
  EXPECT_NE(hit->message.find("10 requests per second"), std::string::npos) << hit->message;
  EXPECT_EQ(Admitted(t, Send(kAlice), 20, 1500), 5);   // half a second: 5 tokens back
  EXPECT_EQ(Admitted(t, Send(kBob), 20, 1500), 10);    // another bearer has its own bucket
}

TEST(ThrottlingTest, EuCentralHasTheLowerBearerRate) {
  Throttling t;
  t.SetEnabled(true);
  EXPECT_EQ(Admitted(t, Send(kAlice), 20, 1000, "eu-central-1"), 5);
}

TEST(ThrottlingTest, ThePerChannelBucketIsSharedByItsSenders) {
  Throttling t;
  t.Configure({{"enabled", true}, {"quotas", {{"ChannelMessageApis", 3}}}});
  EXPECT_EQ(Admitted(t, Send(kAlice), 2, 1000), 2);
  EXPECT_EQ(Admitted(t, Send(kBob), 5, 1000), 1);
  auto hit = t.Admit("SendChannelMessage", Send(kBob), "123456789012", "us-east-1", 1000);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->quota, "ChannelMessageApis");
  // A refused request drew nothing: Bob's own bucket still has 9 of 10.
  const char* other = "arn:aws:chime:us-east-1:123456789012:app-instance/a/channel/other";
  EXPECT_EQ(Admitted(t, Send(kBob, other), 20, 1000), 3);
}

TEST(ThrottlingTest, ClearCountersRefillsAndKeepsSettings) {
  Throttling t;
  t.Configure({{"enabled", true}, {"quotas", {{"ChannelMessageApis", 1}}}});
  EXPECT_EQ(Admitted(t, Send(kAlice), 5, 1000), 1);
  t.ClearCounters();
  EXPECT_EQ(Admitted(t, Send(kAlice), 5, 1000), 1);
  t.Configure({{"reset", true}});
  EXPECT_EQ(Admitted(t, Send(kAlice), 20, 1000), 10);
}

TEST(ThrottlingTest, BadSettingsChangeNothing) {
  Throttling t;
  for (const auto& body : {nlohmann::json{{"quotas", {{"Nope", 1}}}, {"enabled", true}},
                           nlohmann::json{{"quotas", {{"ChannelMessageApis", -1}}}},
                           nlohmann::json{{"enabled", 1}}, nlohmann::json{{"extra", true}},
                           nlohmann::json::array()}) {
    EXPECT_THROW(t.Configure(body), std::invalid_argument) << body.dump();
  }
  EXPECT_FALSE(t.Describe()["enabled"].get<bool>());
}

TEST(ThrottlingTest, IdentityOperationsCountPerUserAndPerAccount) {
  Throttling t;
  t.SetEnabled(true);
  int ok = 0;
  for (int i = 0; i < 80; ++i)
    if (!t.Admit("DescribeAppInstanceUser", {{"AppInstanceUserArn", i % 2 ? kAlice : kBob}}, "123456789012",
                 "us-east-1", 1000))
      ++ok;
  EXPECT_EQ(ok, 40);  // 20 per user, under the 50 per account
  ok = 0;
  for (int i = 0; i < 60; ++i) {
    const std::string user = std::string(kAlice) + std::to_string(i % 6);
    if (!t.Admit("DescribeAppInstanceUser", {{"AppInstanceUserArn", user}}, "123456789012", "us-east-1", 1000)) ++ok;
  }
  EXPECT_EQ(ok, 10);  // the account's 50 identity calls per second: 40 were already spent
  const char* carol = "arn:aws:chime:us-east-1:999999999999:app-instance/z/user/carol";
  EXPECT_FALSE(t.Admit("DescribeAppInstanceUser", {{"AppInstanceUserArn", carol}}, "999999999999", "us-east-1", 1000));
}

}  // namespace
}  // namespace chime::api
