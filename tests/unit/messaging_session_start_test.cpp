// The messaging session's start through api::Dispatcher (RefuseSession before
// the WebSocket upgrade, BeginSession after it), and the /connect URL's
// parameters, without sockets.
#include <gtest/gtest.h>

#include <optional>

#include "api/messaging/messaging_session.hpp"
#include "api_fixture.hpp"

namespace chime::testing {
namespace {

class SessionStartTest : public ApiFixture {
 protected:
  api::HttpRequest Upgrade(const std::string& target) {
    api::HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"Host", "127.0.0.1:4590"}, {"Upgrade", "websocket"}};
    return r;
  }

  // Runs inline (the fixture's Dispatcher has a Database, no pipeline threads).
  api::SessionOutcome Begin(const std::string& target) {
    std::optional<api::SessionOutcome> out;
    dispatcher_->BeginSession(Upgrade(target),
                              [&out](api::SessionOutcome o) { out = std::move(o); });
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : api::SessionOutcome{};
  }
};

TEST_F(SessionStartTest, OnlyConnectIsServed) {
  auto refused = dispatcher_->RefuseSession(Upgrade("/other?userArn=x"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
  EXPECT_NE(refused->body.find("/connect only"), std::string::npos) << refused->body;
  // Lenient SigV4 (the default): /connect is accepted unsigned.
  EXPECT_FALSE(dispatcher_->RefuseSession(Upgrade("/connect?userArn=x&sessionId=s")));
}

TEST_F(SessionStartTest, AKnownUserIsAuthorizedAndAnUnknownOneIsNot) {
  const std::string app = CreateAppInstance();
  const std::string user = CreateUser(app, "u1");
  api::SessionOutcome known =
      Begin("/connect?sessionId=s1&userArn=" + Enc(user) + "&prefetch-on=connect");
  EXPECT_FALSE(known.error);
  EXPECT_TRUE(known.authorized);

  api::SessionOutcome unknown = Begin("/connect?sessionId=s2&userArn=" + Enc(user + "-gone"));
  EXPECT_FALSE(unknown.error);
  EXPECT_FALSE(unknown.authorized);
  EXPECT_TRUE(unknown.prefetch.empty());
}

TEST(ConnectTargetTest, ParametersAreDecodedAndABadEscapeIsKept) {
  api::ConnectTarget t = api::ParseConnectTarget(
      "/connect?userArn=arn%3Aaws%3Auser&sessionId=s%zz&prefetch-on=connect&prefetch-sort-by="
      "unread&sessionId=s2");
  EXPECT_EQ(t.path, "/connect");
  EXPECT_EQ(t.user_arn, "arn:aws:user");
  EXPECT_EQ(t.session_id, "s2");  // the last wins
  EXPECT_TRUE(t.prefetch);
  EXPECT_EQ(t.sort_by, "unread");
  EXPECT_EQ(api::ParseConnectTarget("/connect?sessionId=a%zz").session_id, "a%zz");
}

}  // namespace
}  // namespace chime::testing
