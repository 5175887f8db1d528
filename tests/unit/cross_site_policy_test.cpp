// Issue 9 defect 3 at the unit level: Host (DNS rebinding) and Origin
// (cross-site writes) rules.
#include "server/cross_site_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace chime::server {
namespace {

CrossSitePolicy Policy(std::vector<std::string> flags = {}) {
  ServerConfig c;
  for (size_t i = 0; i + 1 < flags.size(); i += 2) {
    if (flags[i] == "--host") c.host = flags[i + 1];
    if (flags[i] == "--public-host") c.public_host = flags[i + 1];
    if (flags[i] == "--allowed-hosts") c.allowed_hosts = flags[i + 1];
    if (flags[i] == "--control-origins") c.control_origins = flags[i + 1];
    if (flags[i] == "--cors-origins") c.cors_origins = flags[i + 1];
  }
  return CrossSitePolicy::FromConfig(c);
}

// The headers boto3 / the JS SDK send (they need a preflight in a browser).
HeaderFields Sdk(std::string_view host = "127.0.0.1:4590") {
  return {{"Host", host}, {"Content-Type", "application/json"}, {"X-Amz-Date", "20240101T000000Z"},
          {"Authorization", "AWS4-HMAC-SHA256 ..."}};
}

std::optional<Refusal> Check(const CrossSitePolicy& p, std::string_view method, std::string_view target,
                             HeaderFields fields) {
  return CheckCrossSite(p, method, target, fields);
}

TEST(CrossSiteHostTest, LoopbackListenerAcceptsOnlyLocalNames) {
  CrossSitePolicy p = Policy();
  for (std::string_view host : {"127.0.0.1:4590", "localhost:4590", "LOCALHOST", "localhost.", "[::1]:4590",
                                "127.1.2.3", "app.localhost:4590"}) {
    EXPECT_EQ(Check(p, "POST", "/channels", Sdk(host)), std::nullopt) << host;
  }
  for (std::string_view host : {"evil.example:4590", "evil.example", "10.0.0.5:4590", "127.0.0.1.evil.example"}) {
    auto r = Check(p, "POST", "/channels", Sdk(host));
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(r->error_type, "ForbiddenException");
    EXPECT_NE(r->message.find("--allowed-hosts"), std::string::npos);
  }
  auto bad = Check(p, "GET", "/channels", {{"Host", "a b"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST(CrossSiteHostTest, PublicHostAndAllowedHosts) {
  CrossSitePolicy p = Policy({"--public-host", "chime.test:4590", "--allowed-hosts", "a.example,.b.example"});
  for (std::string_view host : {"chime.test:4590", "chime.test", "a.example", "b.example", "x.b.example:1"}) {
    EXPECT_EQ(Check(p, "POST", "/channels", Sdk(host)), std::nullopt) << host;
  }
  EXPECT_TRUE(Check(p, "POST", "/channels", Sdk("c.example")));
  EXPECT_TRUE(Check(p, "POST", "/channels", Sdk("xb.example")));
}

TEST(CrossSiteHostTest, AllInterfacesAcceptAnyHostUnlessNarrowed) {
  EXPECT_EQ(Check(Policy({"--host", "0.0.0.0"}), "POST", "/channels", Sdk("chime-local:4590")), std::nullopt);
  EXPECT_EQ(Check(Policy({"--host", "::"}), "POST", "/channels", Sdk("whatever.example")), std::nullopt);
  CrossSitePolicy narrowed = Policy({"--host", "0.0.0.0", "--allowed-hosts", "chime-local"});
  EXPECT_EQ(Check(narrowed, "POST", "/channels", Sdk("chime-local:4590")), std::nullopt);
  EXPECT_EQ(Check(narrowed, "POST", "/channels", Sdk("localhost:4590")), std::nullopt);
  EXPECT_TRUE(Check(narrowed, "POST", "/channels", Sdk("evil.example")));
  EXPECT_EQ(Check(Policy({"--allowed-hosts", "*"}), "POST", "/channels", Sdk("any.example")), std::nullopt);
}

TEST(CrossSiteOriginTest, SimpleRequestsWithAnOriginAreRefusedEverywhere) {
  CrossSitePolicy p = Policy({"--control-origins", "*"});
  const HeaderFields form = {{"Host", "127.0.0.1:4590"},
                             {"Origin", "https://evil.example"},
                             {"Content-Type", "text/plain;charset=UTF-8"},
                             {"Accept", "*/*"},
                             {"User-Agent", "Mozilla/5.0"},
                             {"Sec-Fetch-Mode", "no-cors"},
                             {"Referer", "https://evil.example/"}};
  for (std::string_view target : {"/_chime-local/reset", "/app-instances", "/channels/x/messages"}) {
    auto r = Check(p, "POST", target, form);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(r->error_type, "ForbiddenException");
  }
  HeaderFields urlencoded = {{"Host", "localhost"}, {"Origin", "null"},
                             {"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_TRUE(Check(p, "POST", "/app-instances", urlencoded));
  EXPECT_TRUE(Check(p, "GET", "/app-instances", {{"Host", "localhost"}, {"Origin", "http://x"}}));
}

TEST(CrossSiteOriginTest, PreflightedRequestsPassOnAwsRoutes) {
  CrossSitePolicy p = Policy();
  HeaderFields sdk = Sdk();
  sdk.push_back({"Origin", "http://localhost:3000"});
  EXPECT_EQ(Check(p, "POST", "/channels", sdk), std::nullopt);
  EXPECT_EQ(Check(p, "PUT", "/channels/x", {{"Host", "localhost"}, {"Origin", "http://localhost:3000"}}),
            std::nullopt);
  // A CORS preflight itself.
  EXPECT_EQ(Check(p, "OPTIONS", "/channels",
                  {{"Host", "localhost"},
                   {"Origin", "http://localhost:3000"},
                   {"Access-Control-Request-Method", "POST"},
                   {"Access-Control-Request-Headers", "content-type,x-amz-date"}}),
            std::nullopt);
  // Requests without an Origin (curl, SDKs outside browsers) pass whatever they look like.
  EXPECT_EQ(Check(p, "POST", "/_chime-local/reset", {{"Host", "127.0.0.1:4590"}, {"Content-Type", "text/plain"}}),
            std::nullopt);
}

TEST(CrossSiteOriginTest, ControlEndpointsNeedAnAllowedOrigin) {
  HeaderFields json_post = {{"Host", "localhost:4590"}, {"Origin", "http://localhost:3000"},
                            {"Content-Type", "application/json"}};
  auto r = Check(Policy(), "POST", "/_chime-local/reset", json_post);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->message.find("--control-origins http://localhost:3000"), std::string::npos) << r->message;
  EXPECT_EQ(Check(Policy({"--control-origins", "http://localhost:3000"}), "POST", "/_chime-local/reset", json_post),
            std::nullopt);
  EXPECT_EQ(Check(Policy({"--control-origins", "HTTP://LOCALHOST:3000/"}), "POST", "/_chime-local/reset", json_post),
            std::nullopt);
  EXPECT_TRUE(Check(Policy({"--control-origins", "http://localhost:3001"}), "POST", "/_chime-local/reset", json_post));
  EXPECT_EQ(Check(Policy({"--control-origins", "*"}), "POST", "/_chime-local/reset", json_post), std::nullopt);
}

// The inspector page (GET /_chime-local/ui) posts to the control endpoints
// from the emulator's own origin; a page of any other origin (another port of
// the same host included) stays refused.
TEST(CrossSiteOriginTest, ControlEndpointsAcceptTheirOwnOrigin) {
  auto post = [](std::string_view host, std::string_view origin) {
    return HeaderFields{{"Host", host}, {"Origin", origin}, {"Content-Type", "application/json"}};
  };
  EXPECT_EQ(Check(Policy(), "POST", "/_chime-local/faults", post("127.0.0.1:4590", "http://127.0.0.1:4590")),
            std::nullopt);
  EXPECT_EQ(Check(Policy(), "DELETE", "/_chime-local/faults/1", post("localhost:4590", "http://LOCALHOST:4590")),
            std::nullopt);
  EXPECT_TRUE(Check(Policy(), "POST", "/_chime-local/faults", post("127.0.0.1:4590", "http://127.0.0.1:4591")));
  EXPECT_TRUE(Check(Policy(), "POST", "/_chime-local/faults", post("127.0.0.1:4590", "http://localhost:4590")));
  // Only the control endpoints: the AWS paths keep their CORS rules.
  EXPECT_TRUE(Check(Policy(), "POST", "/channels", {{"Host", "127.0.0.1:4590"}, {"Origin", "http://127.0.0.1:4590"},
                                                    {"Content-Type", "text/plain"}}));
}

// A browser opening the messaging session: a WebSocket GET with an Origin,
// never preflighted. Allowed from the --cors-origins origins only; a simple
// GET elsewhere (or to /connect without the upgrade) stays refused.
TEST(CrossSiteOriginTest, SessionUpgradeFollowsCorsOrigins) {
  HeaderFields upgrade = {{"Host", "127.0.0.1:4590"}, {"Origin", "http://localhost:3000"}, {"Upgrade", "websocket"},
                          {"Connection", "Upgrade"}, {"Sec-WebSocket-Version", "13"},
                          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  EXPECT_EQ(Check(Policy(), "GET", "/connect?userArn=x&sessionId=y", upgrade), std::nullopt);
  CrossSitePolicy narrow = Policy({"--cors-origins", "http://localhost:3000/,https://app.test"});
  EXPECT_EQ(Check(narrow, "GET", "/connect?userArn=x", upgrade), std::nullopt);
  HeaderFields foreign = upgrade;
  foreign[1].value = "https://evil.example";
  auto refused = Check(narrow, "GET", "/connect?userArn=x", foreign);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->message.find("--cors-origins"), std::string::npos);
  // Not an upgrade, or not /connect: the simple-request rule.
  HeaderFields plain = {{"Host", "127.0.0.1:4590"}, {"Origin", "http://localhost:3000"}};
  EXPECT_TRUE(Check(Policy(), "GET", "/connect?userArn=x", plain));
  EXPECT_TRUE(Check(Policy(), "GET", "/_chime-local/health", upgrade));
  // The Host rule still applies (DNS rebinding).
  HeaderFields rebound = upgrade;
  rebound[0].value = "evil.example:4590";
  EXPECT_TRUE(Check(Policy(), "GET", "/connect?userArn=x", rebound));
}

// The default (no --cors-origins): a page on the developer's own dev server
// (any loopback origin, any port) may open a session; any other web page the
// developer visits may not, and is told which flag lets it.
TEST(CrossSiteOriginTest, SessionUpgradeByDefaultOnlyFromLoopbackOrigins) {
  HeaderFields upgrade = {{"Host", "localhost:4590"}, {"Origin", ""}, {"Upgrade", "websocket"},
                          {"Connection", "Upgrade"}, {"Sec-WebSocket-Version", "13"},
                          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  for (std::string_view origin : {"http://localhost:5173", "https://127.0.0.1:8443", "http://[::1]:3000",
                                  "http://localhost", "HTTP://LOCALHOST:5173"}) {
    upgrade[1].value = origin;
    EXPECT_EQ(Check(Policy(), "GET", "/connect?userArn=x", upgrade), std::nullopt) << origin;
  }
  upgrade[1].value = "https://evil.example";
  auto refused = Check(Policy(), "GET", "/connect?userArn=x", upgrade);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->message.find("--cors-origins https://evil.example"), std::string::npos) << refused->message;
  EXPECT_EQ(Check(Policy({"--cors-origins", "*"}), "GET", "/connect?userArn=x", upgrade), std::nullopt);
  EXPECT_EQ(Check(Policy({"--cors-origins", "https://evil.example"}), "GET", "/connect?userArn=x", upgrade),
            std::nullopt);
}

TEST(CrossSiteHelpersTest, LoopbackOrigins) {
  for (std::string_view o : {"http://localhost", "http://localhost:5173", "https://localhost:443", "http://127.0.0.1:1",
                             "https://[::1]:65535", "HTTP://LocalHost:3000"}) {
    EXPECT_TRUE(IsLoopbackOrigin(o)) << o;
  }
  for (std::string_view o : {"https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.nip.io",
                             "http://localhost:", "http://localhost:abc", "http://localhost:3000/path",
                             "http://localhost@evil.example", "ws://localhost:3000", "localhost:3000", "null",
                             "http://127.0.0.2:3000", "http://localhost:123456", ""}) {
    EXPECT_FALSE(IsLoopbackOrigin(o)) << o;
  }
}

TEST(CrossSiteHelpersTest, LoopbackAndHostParsing) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("[::1]"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("::ffff:127.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.256"));
  EXPECT_EQ(HostOfHostHeader("Example.COM.:80"), "example.com");
  EXPECT_EQ(HostOfHostHeader("[::1]:4590"), "[::1]");
  EXPECT_EQ(HostOfHostHeader("a:b"), std::nullopt);
  EXPECT_EQ(HostOfHostHeader(""), std::nullopt);
  EXPECT_EQ(HostOfHostHeader("a/b"), std::nullopt);
  EXPECT_EQ(HostOfHostHeader("[::1"), std::nullopt);
}

}  // namespace
}  // namespace chime::server
