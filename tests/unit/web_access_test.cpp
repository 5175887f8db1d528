// WebAccess (server/web_access.hpp): CORS preflight and response headers as
// AWS serves them to browser SDK calls, and the messaging endpoint host.
#include "server/web_access.hpp"

#include <gtest/gtest.h>

namespace chime::server {
namespace {

api::HttpRequest Preflight(const std::string& origin, const std::string& target = "/channels",
                           const std::string& headers = "content-type,x-amz-chime-bearer,amz-sdk-request,x-amz-date") {
  api::HttpRequest r;
  r.method = "OPTIONS";
  r.target = target;
  r.headers = {{"Origin", origin}, {"Access-Control-Request-Method", "POST"}};
  if (!headers.empty()) r.headers.emplace_back("Access-Control-Request-Headers", headers);
  return r;
}

std::string Header(const api::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(WebAccess, APreflightOnAnAwsPathAllowsTheSdkHeadersFromAnyOriginByDefault) {
  WebAccess web("*", "");
  auto r = web.Preflight(Preflight("http://localhost:3000", "/channels/arn%3Ax/messages",
                                   "Content-Type, X-Amz-Chime-Bearer, amz-sdk-invocation-id, authorization, x-evil"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Header(*r, "Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_NE(Header(*r, "Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(Header(*r, "Access-Control-Allow-Methods").find("DELETE"), std::string::npos);
  EXPECT_EQ(Header(*r, "Access-Control-Allow-Headers"),
            "content-type, x-amz-chime-bearer, amz-sdk-invocation-id, authorization");
  EXPECT_EQ(Header(*r, "Access-Control-Max-Age"), "86400");
}

// The default: a dev server on the developer's machine (any loopback origin,
// any port) may call; any other web page the developer visits may not.
TEST(WebAccess, ByDefaultOnlyLoopbackOriginsMayCall) {
  WebAccess web("", "");
  for (const char* origin : {"http://localhost:5173", "https://127.0.0.1:8443", "http://[::1]:3000"}) {
    auto ok = web.Preflight(Preflight(origin));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << origin;
    EXPECT_EQ(Header(*ok, "Access-Control-Allow-Origin"), origin);
  }
  auto refused = web.Preflight(Preflight("https://evil.example"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(Header(*refused, "Access-Control-Allow-Origin"), "");
  EXPECT_NE(refused->body.find("--cors-origins https://evil.example"), std::string::npos) << refused->body;
  api::HttpResponse res;
  res.operation = "ListChannels";
  web.Decorate({"https://evil.example", "127.0.0.1:4590", true}, res);
  EXPECT_EQ(Header(res, "Access-Control-Allow-Origin"), "");
  // A listed origin is added to the loopback ones, not instead of them.
  WebAccess listed("https://app.test", "");
  EXPECT_EQ(listed.Preflight(Preflight("https://app.test"))->status, 200);
  EXPECT_EQ(listed.Preflight(Preflight("http://localhost:5173"))->status, 200);
  EXPECT_EQ(listed.Preflight(Preflight("https://evil.example"))->status, 403);
}

TEST(WebAccess, OnlyRealPreflightsOnAwsPathsAreAnswered) {
  WebAccess web("*", "");
  EXPECT_FALSE(web.Preflight(Preflight("http://a.test", "/_chime-local/reset")));
  api::HttpRequest no_origin = Preflight("http://a.test");
  no_origin.headers.erase(no_origin.headers.begin());
  EXPECT_FALSE(web.Preflight(no_origin));
  api::HttpRequest get = Preflight("http://a.test");
  get.method = "GET";
  EXPECT_FALSE(web.Preflight(get));
}

TEST(WebAccess, CorsOriginsRestrictsWhoMayCall) {
  WebAccess web("http://localhost:3000, https://app.test", "");
  auto ok = web.Preflight(Preflight("https://app.test"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto refused = web.Preflight(Preflight("http://evil.test"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(Header(*refused, "Access-Control-Allow-Origin"), "");

  api::HttpResponse res;
  res.operation = "ListChannels";
  web.Decorate({"http://evil.test", "127.0.0.1:4590", true}, res);
  EXPECT_EQ(Header(res, "Access-Control-Allow-Origin"), "");
  web.Decorate({"http://localhost:3000", "127.0.0.1:4590", true}, res);
  EXPECT_EQ(Header(res, "Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_NE(Header(res, "Access-Control-Expose-Headers").find("x-amzn-ErrorType"), std::string::npos);
  EXPECT_NE(Header(res, "Access-Control-Expose-Headers").find("x-amzn-RequestId"), std::string::npos);
}

TEST(WebAccess, ControlEndpointsGetNoCorsHeaders) {
  WebAccess web("*", "");
  api::HttpResponse res;
  res.operation = "Health";
  web.Decorate({"http://a.test", "h", false}, res);
  EXPECT_EQ(Header(res, "Access-Control-Allow-Origin"), "");
}

TEST(WebAccess, TheSessionEndpointIsTheRequestHostUnlessAPublicHostIsSet) {
  api::HttpResponse res;
  res.operation = "GetMessagingSessionEndpoint";
  res.body = R"({"Endpoint":{"Url":"127.0.0.1:4590"}})";
  WebAccess(std::string("*"), "").Decorate({"", "localhost:8443", true}, res);
  EXPECT_EQ(res.body, R"({"Endpoint":{"Url":"localhost:8443"}})");
  res.body = R"({"Endpoint":{"Url":"chime.example:443"}})";
  WebAccess(std::string("*"), "chime.example:443").Decorate({"", "localhost:8443", true}, res);
  EXPECT_EQ(res.body, R"({"Endpoint":{"Url":"chime.example:443"}})");
  // A Host header that is not host[:port] is not echoed.
  res.body = R"({"Endpoint":{"Url":"127.0.0.1:4590"}})";
  WebAccess(std::string("*"), "").Decorate({"", "evil\"/x", true}, res);
  EXPECT_EQ(res.body, R"({"Endpoint":{"Url":"127.0.0.1:4590"}})");
}

}  // namespace
}  // namespace chime::server
