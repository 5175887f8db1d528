// SessionHub (api/events/session_hub.hpp): fan-out to sessions, the bounded
// per-session queue and its overflow close, session limits, shutdown close,
// the close of deleted users' sessions,
// frame encoding; and, through the dispatcher, that only committed requests
// reach a connected session.
#include "api/events/session_hub.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <set>

#include "api_fixture.hpp"

namespace chime::testing {
namespace {

using api::Event;
using api::Frame;
using api::SessionHub;

Event MessageEvent(std::vector<std::string> recipients, const std::string& content = "hi") {
  Event e;
  e.type = "CREATE_CHANNEL_MESSAGE";
  e.message_type = "STANDARD";
  e.channel_arn = "arn:c";
  e.payload = {{"Content", content}, {"CreatedTimestamp", 1700000000.123}, {"Sender", {{"Arn", "a"}}}};
  e.recipients = std::move(recipients);
  return e;
}

std::vector<std::string> DrainText(api::HubSession& s, int* close = nullptr) {
  std::vector<Frame> frames;
  int code = s.Drain(frames);
  if (close) *close = code;
  std::vector<std::string> out;
  for (auto& f : frames) out.push_back(*f);
  return out;
}

TEST(SessionHub, AnEventReachesEveryOpenSessionOfEachRecipientOnly) {
  SessionHub hub;
  auto a1 = hub.Open("a", "1", {}).session;
  auto a2 = hub.Open("a", "2", {}).session;
  auto b1 = hub.Open("b", "1", {}).session;
  auto c1 = hub.Open("c", "1", {}).session;
  ASSERT_TRUE(a1 && a2 && b1 && c1);
  std::vector<Event> events{MessageEvent({"a", "b", "nobody"})};
  hub.Publish(std::move(events));
  EXPECT_EQ(DrainText(*a1).size(), 1u);
  EXPECT_EQ(DrainText(*a2).size(), 1u);
  EXPECT_EQ(DrainText(*b1).size(), 1u);
  EXPECT_TRUE(DrainText(*c1).empty());
}

TEST(SessionHub, FramesAreHeadersPlusAJsonStringPayloadWithIsoTimestamps) {
  SessionHub hub;
  auto s = hub.Open("a", "1", {}).session;
  hub.Publish({MessageEvent({"a"}, "héllo")});
  auto frames = DrainText(*s);
  ASSERT_EQ(frames.size(), 1u);
  json f = json::parse(frames[0]);
  EXPECT_EQ(f["Headers"]["x-amz-chime-event-type"], "CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(f["Headers"]["x-amz-chime-message-type"], "STANDARD");
  ASSERT_TRUE(f["Payload"].is_string());
  json p = json::parse(f["Payload"].get<std::string>());
  EXPECT_EQ(p["Content"], "héllo");
  EXPECT_EQ(p["CreatedTimestamp"], "2023-11-14T22:13:20.123Z");
  json sys = json::parse(api::EncodeSystemFrame("SESSION_ESTABLISHED", nullptr));
  EXPECT_EQ(sys["Headers"]["x-amz-chime-message-type"], "SYSTEM");
  EXPECT_FALSE(sys.contains("Payload"));
}

TEST(SessionHub, AnEventReasonIsAThirdHeaderOnlyWhenSet) {
  // "Understanding message structures": x-amz-chime-event-reason (subchannel_DELETED).
  Event e;
  e.type = "DELETE_CHANNEL_MEMBERSHIP";
  e.message_type = "SYSTEM";
  e.payload = json{{"SubChannelId", "2"}};
  EXPECT_FALSE(json::parse(api::EncodeEventFrame(e))["Headers"].contains("x-amz-chime-event-reason"));
  e.reason = "subchannel_DELETED";
  json f = json::parse(api::EncodeEventFrame(e));
  EXPECT_EQ(f["Headers"]["x-amz-chime-event-reason"], "subchannel_DELETED");
  EXPECT_EQ(f["Headers"]["x-amz-chime-event-type"], "DELETE_CHANNEL_MEMBERSHIP");
}

TEST(SessionHub, WakeIsCalledOnceUntilTheSessionDrains) {
  SessionHub hub;
  std::atomic<int> wakes{0};
  auto s = hub.Open("a", "1", [&] { ++wakes; }).session;
  hub.Publish({MessageEvent({"a"}), MessageEvent({"a"})});
  hub.Publish({MessageEvent({"a"})});
  EXPECT_EQ(wakes.load(), 1);
  EXPECT_EQ(DrainText(*s).size(), 3u);
  hub.Publish({MessageEvent({"a"})});
  EXPECT_EQ(wakes.load(), 2);
  // A close wakes even with a wake pending: the transport may be stuck in a
  // write and must learn that the session is closing.
  s->Close(api::close_code::kServiceRestart);
  EXPECT_EQ(wakes.load(), 3);
}

TEST(SessionHub, AnOverflowWakesTheSessionEvenWithAWakePending) {
  SessionHub::Options o;
  o.max_queue_frames = 2;
  SessionHub hub(o);
  std::atomic<int> wakes{0};
  auto s = hub.Open("a", "1", [&] { ++wakes; }).session;
  for (int i = 0; i < 3; ++i) hub.Publish({MessageEvent({"a"})});
  EXPECT_EQ(wakes.load(), 2) << "one for the first frame, one for the overflow";
  EXPECT_EQ(s->close_code(), api::close_code::kTryAgainLater);
}

TEST(SessionHub, ASessionThatFallsBehindIsClosedWith1013AndHoldsNoMoreThanTheBound) {
  SessionHub::Options o;
  o.max_queue_frames = 3;
  SessionHub hub(o);
  auto slow = hub.Open("a", "slow", {}).session;
  auto fast = hub.Open("a", "fast", {}).session;
  for (int i = 0; i < 5; ++i) {
    hub.Publish({MessageEvent({"a"}, std::to_string(i))});
    EXPECT_EQ(DrainText(*fast).size(), 1u) << i;
  }
  int close = 0;
  auto left = DrainText(*slow, &close);
  EXPECT_EQ(close, api::close_code::kTryAgainLater);
  EXPECT_TRUE(left.empty()) << "an overflowing session's queue is dropped";
  EXPECT_EQ(hub.overflow_closes(), 1u);
  int fast_close = -1;
  DrainText(*fast, &fast_close);
  EXPECT_EQ(fast_close, 0);
}

// A client that stops reading cannot be closed quickly (its socket is full):
// its session must not keep a slot meanwhile, nor receive anything more.
TEST(SessionHub, AnOverflowingSessionLeavesTheHubAtOnce) {
  SessionHub::Options o;
  o.max_queue_frames = 2;
  o.max_sessions_per_user = 2;
  SessionHub hub(o);
  auto a = hub.Open("a", "1", {}).session;
  auto b = hub.Open("a", "2", {}).session;
  EXPECT_FALSE(hub.Open("a", "3", {}).session);
  for (int i = 0; i < 3; ++i) hub.Publish({MessageEvent({"a"})});
  EXPECT_EQ(hub.session_count(), 0u);
  EXPECT_EQ(hub.overflow_closes(), 2u);
  EXPECT_FALSE(hub.Wanted());
  auto again = hub.Open("a", "3", {});
  ASSERT_TRUE(again.session) << again.reason;
  hub.Publish({MessageEvent({"a"})});
  int close = 0;
  EXPECT_TRUE(DrainText(*a, &close).empty());
  EXPECT_EQ(close, api::close_code::kTryAgainLater);
  EXPECT_EQ(DrainText(*again.session).size(), 1u);
  hub.Remove(a);  // the transport's own removal later is harmless
  hub.Remove(b);
  EXPECT_EQ(hub.session_count(), 1u);
}

// DeleteAppInstanceUser, expiry, reset: the sessions of users that are gone
// close with 4401 and leave the hub, so a user re-created with the same ARN
// never receives on them.
TEST(SessionHub, DepartedUsersSessionsCloseWith4401AndLeaveTheHub) {
  const std::string app = "arn:aws:chime:us-east-1:1:app-instance/app";
  SessionHub hub;
  auto alice = hub.Open(app + "/user/alice", "1", {}).session;
  auto bob = hub.Open(app + "/user/bob", "1", {}).session;
  auto bot = hub.Open(app + "/bot/b", "1", {}).session;
  auto other = hub.Open(app + "x/user/alice", "1", {}).session;
  api::Departures gone;
  gone.principals = {app + "/user/alice"};
  hub.Depart(gone);
  int close = 0;
  DrainText(*alice, &close);
  EXPECT_EQ(close, api::close_code::kUnauthorized);
  EXPECT_EQ(hub.session_count(), 3u);
  auto recreated = hub.Open(app + "/user/alice", "2", {}).session;
  hub.Publish({MessageEvent({app + "/user/alice"})});
  EXPECT_TRUE(DrainText(*alice).empty());
  EXPECT_EQ(DrainText(*recreated).size(), 1u);

  api::Departures app_gone;
  app_gone.app_instances = {app};
  hub.Depart(app_gone);
  for (auto* s : {&bob, &bot, &recreated}) {
    DrainText(**s, &close);
    EXPECT_EQ(close, api::close_code::kUnauthorized);
  }
  DrainText(*other, &close);
  EXPECT_EQ(close, 0) << "another app instance whose ARN starts the same";
  EXPECT_EQ(hub.session_count(), 1u);

  api::Departures everyone;
  everyone.everyone = true;
  hub.Depart(everyone);
  DrainText(*other, &close);
  EXPECT_EQ(close, api::close_code::kUnauthorized);
  EXPECT_EQ(hub.session_count(), 0u);
}

TEST(SessionHub, SessionLimitsPerUserAndInTotal) {
  SessionHub::Options o;
  o.max_sessions_per_user = 2;
  o.max_sessions = 3;
  SessionHub hub(o);
  EXPECT_TRUE(hub.Open("a", "1", {}).session);
  EXPECT_TRUE(hub.Open("a", "2", {}).session);
  auto third = hub.Open("a", "3", {});
  EXPECT_FALSE(third.session);
  EXPECT_EQ(third.refuse_code, api::close_code::kForbidden);
  auto b = hub.Open("b", "1", {}).session;
  EXPECT_TRUE(b);
  auto over = hub.Open("c", "1", {});
  EXPECT_FALSE(over.session);
  EXPECT_EQ(over.refuse_code, api::close_code::kTryAgainLater);
  hub.Remove(b);
  EXPECT_TRUE(hub.Open("c", "1", {}).session);
}

TEST(SessionHub, ShutdownClosesEverySessionWith1012AndRemovedSessionsGetNothing) {
  SessionHub hub;
  EXPECT_FALSE(hub.Wanted());
  auto a = hub.Open("a", "1", {}).session;
  auto b = hub.Open("b", "1", {}).session;
  EXPECT_TRUE(hub.Wanted());
  hub.Remove(b);
  hub.Publish({MessageEvent({"b"})});
  EXPECT_TRUE(DrainText(*b).empty());
  hub.CloseAll(api::close_code::kServiceRestart);
  int close = 0;
  DrainText(*a, &close);
  EXPECT_EQ(close, 1012);
  hub.Remove(a);
  EXPECT_FALSE(hub.Wanted());
  EXPECT_EQ(hub.session_count(), 0u);
}

// --- through the dispatcher: only committed requests reach a session ---------------------

class HubDispatchTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    dispatcher_ = std::make_unique<api::Dispatcher>(api::ServiceConfig{}, *db_, &hub_);
    app_ = Call("POST", "/app-instances", {{"Name", "app"}, {"ClientRequestToken", "token-app"}}).body["AppInstanceArn"];
    for (const char* id : {"alice", "bob", "carol"}) {
      users_[id] = Call("POST", "/app-instance-users",
                        {{"AppInstanceArn", app_}, {"AppInstanceUserId", id}, {"Name", id}, {"ClientRequestToken", std::string("token-") + id}})
                       .body["AppInstanceUserArn"];
    }
    channel_ = Call("POST", "/channels",
                    {{"AppInstanceArn", app_},
                     {"Name", "c"},
                     {"ClientRequestToken", "token-channel"},
                     {"MemberArns", json::array({users_["bob"], users_["carol"]})}},
                    users_["alice"])
                   .body["ChannelArn"];
    ASSERT_FALSE(channel_.empty());
  }
  Reply Send(const std::string& from, json body) {
    body["Type"] = body.value("Type", "STANDARD");
    body["Persistence"] = body.value("Persistence", "PERSISTENT");
    body["ClientRequestToken"] = "tok-" + std::to_string(++tokens_);
    return Call("POST", "/channels/" + Enc(channel_) + "/messages", body, users_[from]);
  }
  SessionHub hub_;
  std::string app_, channel_;
  std::map<std::string, std::string> users_;
  int tokens_ = 0;
};

TEST_F(HubDispatchTest, ACommittedSendReachesConnectedMembersAndARefusedOneNothing) {
  auto bob = hub_.Open(users_["bob"], "1", {}).session;
  auto carol = hub_.Open(users_["carol"], "1", {}).session;
  DrainText(*bob);
  ASSERT_EQ(Send("alice", {{"Content", "hello"}}).status, 201);
  auto frames = DrainText(*bob);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(json::parse(json::parse(frames[0])["Payload"].get<std::string>())["Content"], "hello");
  DrainText(*carol);

  // Refused inside the transaction (size rule, not a member): nothing leaves.
  EXPECT_EQ(Send("alice", {{"Content", std::string(5000, 'x')}}).status, 400);
  EXPECT_EQ(Call("POST", "/channels/" + Enc(channel_) + "/messages",
                 {{"Content", "x"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"}, {"ClientRequestToken", "token-refused"}},
                 app_ + "/user/nobody")
                .status / 100,
            4);
  EXPECT_TRUE(DrainText(*bob).empty());

  // Targeted: only sender and target.
  ASSERT_EQ(Send("alice", {{"Content", "psst"}, {"Target", json::array({{{"MemberArn", users_["bob"]}}})}}).status, 201);
  EXPECT_EQ(DrainText(*bob).size(), 1u);
  EXPECT_TRUE(DrainText(*carol).empty());
}

// Through the dispatcher: deleting a user (or its app instance) closes its
// sessions once the deletion commits; a refused deletion closes nothing.
TEST_F(HubDispatchTest, DeletingAUserOrItsAppInstanceClosesItsSessions) {
  auto bob = hub_.Open(users_["bob"], "1", {}).session;
  auto carol = hub_.Open(users_["carol"], "1", {}).session;
  ASSERT_GE(Call("DELETE", "/app-instance-users/" + Enc(users_["bob"] + "x")).status, 400);
  int close = 0;
  DrainText(*bob, &close);
  EXPECT_EQ(close, 0);
  ASSERT_EQ(Call("DELETE", "/app-instance-users/" + Enc(users_["bob"])).status, 204);
  DrainText(*bob, &close);
  EXPECT_EQ(close, api::close_code::kUnauthorized);
  DrainText(*carol, &close);
  EXPECT_EQ(close, 0);
  ASSERT_EQ(Call("DELETE", "/app-instances/" + Enc(app_)).status, 204);
  DrainText(*carol, &close);
  EXPECT_EQ(close, api::close_code::kUnauthorized);
  EXPECT_EQ(hub_.session_count(), 0u);
}

// Expiry (the clock's sweep) and a reset of the store end sessions too.
TEST_F(HubDispatchTest, ExpiryAndResetCloseTheSessionsOfUsersThatAreGone) {
  auto bob = hub_.Open(users_["bob"], "1", {}).session;
  auto carol = hub_.Open(users_["carol"], "1", {}).session;
  ASSERT_EQ(Call("PUT", "/app-instance-users/" + Enc(users_["bob"]) + "/expiration-settings",
                 {{"ExpirationSettings", {{"ExpirationDays", 1}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}}}})
                .status,
            200);
  struct ClockBack {
    std::function<void()> reset;
    ~ClockBack() { reset(); }
  } clock_back{[this] { Call("POST", "/_chime-local/clock", {{"reset", true}}); }};
  ASSERT_EQ(Call("POST", "/_chime-local/clock", {{"advanceSeconds", 2 * 86400}}).status, 200);
  int close = 0;
  DrainText(*bob, &close);
  EXPECT_EQ(close, api::close_code::kUnauthorized);
  DrainText(*carol, &close);
  EXPECT_EQ(close, 0);
  ASSERT_EQ(Call("POST", "/_chime-local/reset?seed=false").status, 200);
  DrainText(*carol, &close);
  EXPECT_EQ(close, api::close_code::kUnauthorized);
  EXPECT_EQ(hub_.session_count(), 0u);
}

TEST_F(HubDispatchTest, MembershipChangesReachTheRemovedMemberAndTheRest) {
  auto bob = hub_.Open(users_["bob"], "1", {}).session;
  auto carol = hub_.Open(users_["carol"], "1", {}).session;
  ASSERT_EQ(Call("DELETE", "/channels/" + Enc(channel_) + "/memberships/" + Enc(users_["carol"]), nullptr,
                 users_["alice"])
                .status,
            204);
  auto c = DrainText(*carol);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(json::parse(c[0])["Headers"]["x-amz-chime-event-type"], "DELETE_CHANNEL_MEMBERSHIP");
  EXPECT_EQ(DrainText(*bob).size(), 1u);
  // Carol is no longer a member: a later message does not reach her.
  ASSERT_EQ(Send("alice", {{"Content", "after"}}).status, 201);
  EXPECT_TRUE(DrainText(*carol).empty());
  EXPECT_EQ(DrainText(*bob).size(), 1u);
}

}  // namespace
}  // namespace chime::testing

namespace chime::testing {
namespace {

// GET /_chime-local/sessions and the inspector's change counter.
TEST(SessionHub, ListsOpenSessionsWithTheirQueueDepthAndReportsEachOpenAndLeave) {
  SessionHub hub;
  int changes = 0;
  hub.SetChangeObserver([&changes] { ++changes; });
  auto a1 = hub.Open("a", "1", {}).session;
  auto b1 = hub.Open("b", "1", {}).session;
  EXPECT_EQ(changes, 2);
  std::vector<Event> events{MessageEvent({"a"})};
  hub.Publish(std::move(events));
  std::map<std::string, size_t> queued;
  for (const auto& s : hub.List()) queued[s.user_arn + "/" + s.session_id] = s.queued;
  EXPECT_EQ(queued, (std::map<std::string, size_t>{{"a/1", 1}, {"b/1", 0}}));
  hub.Remove(a1);
  hub.Remove(a1);  // gone already: no change
  EXPECT_EQ(changes, 3);
  ASSERT_EQ(hub.List().size(), 1u);
  EXPECT_EQ(hub.List()[0].user_arn, "b");
}

}  // namespace
}  // namespace chime::testing
