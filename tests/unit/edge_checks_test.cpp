// The transport's edge checks (server/edge_checks.hpp): their order, and the
// answer each gives, without sockets.
#include "server/edge_checks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/cross_site_policy.hpp"
#include "server/web_access.hpp"

namespace chime::server {
namespace {

class EdgeChecksTest : public ::testing::Test {
 protected:
  EdgeChecksTest() : policy(CrossSitePolicy::FromConfig(ServerConfig{})), web("", "") {
    settings.max_header_bytes = 16384;
    settings.header_timeout_seconds = 10;
    settings.cross_site = &policy;
    settings.web = &web;
  }

  // A well-formed POST from an SDK, the way the session loop describes it.
  EdgeRequest Sdk() {
    EdgeRequest r;
    r.method = "POST";
    r.target = "/channels";
    r.version = 11;
    r.fields = {
        {"Host", "127.0.0.1:4590"}, {"Content-Type", "application/json"}, {"Content-Length", "2"}};
    r.body_limit = 1024;
    return r;
  }

  static std::string ErrorType(const EdgeAnswer& a) {
    for (const auto& [name, value] : a.response.headers) {
      if (name == "x-amzn-ErrorType") return value;
    }
    return "";
  }

  CrossSitePolicy policy;
  WebAccess web;
  EdgeSettings settings;
};

TEST_F(EdgeChecksTest, TheListReadsInTheDocumentedOrder) {
  std::vector<std::string> names;
  std::vector<EdgeStep> steps;
  for (const EdgeCheck& c : EdgeChecks()) {
    names.emplace_back(c.name);
    steps.push_back(c.step);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"header size", "head deadline", "head syntax",
                                             "head parse", "framing", "Host and Origin",
                                             "snapshot slot", "body", "CORS preflight"}));
  // Steps never go back: head, then body, then the whole request.
  for (size_t i = 1; i < steps.size(); ++i) EXPECT_LE(steps[i - 1], steps[i]) << names[i];
}

TEST_F(EdgeChecksTest, AWellFormedRequestGoesOn) {
  const EdgeRequest r = Sdk();
  EXPECT_FALSE(RunEdgeChecks(EdgeStep::kHead, settings, r));
  EXPECT_FALSE(RunEdgeChecks(EdgeStep::kBody, settings, r));
}

TEST_F(EdgeChecksTest, HeadRefusalsCarryTheirStatusAndCloseTheConnection) {
  EdgeRequest r = Sdk();
  r.head = EdgeRequest::Head::kTooLarge;
  auto a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 431);
  EXPECT_TRUE(a->close);
  EXPECT_EQ(ErrorType(*a), "BadRequestException");
  EXPECT_NE(a->response.body.find("16384 bytes"), std::string::npos) << a->response.body;

  r = Sdk();
  r.head = EdgeRequest::Head::kTimeout;
  a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 408);

  r = Sdk();
  r.parse = EdgeRequest::Parse::kBodyLimit;
  a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 413);
  EXPECT_NE(a->response.body.find("1024 bytes"), std::string::npos) << a->response.body;
}

TEST_F(EdgeChecksTest, FramingComesBeforeHostAndOrigin) {
  EdgeRequest r = Sdk();
  // Two Content-Length fields (framing) and a foreign Host (cross-site).
  r.fields = {{"Host", "evil.example"}, {"Content-Length", "2"}, {"Content-Length", "3"}};
  auto a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 400);
  EXPECT_NE(a->response.body.find("Malformed HTTP request"), std::string::npos) << a->response.body;

  r.fields = {{"Host", "evil.example"}, {"Content-Length", "2"}};
  a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 403);
  EXPECT_EQ(ErrorType(*a), "ForbiddenException");
}

TEST_F(EdgeChecksTest, ABusySnapshotSlotIsAnsweredLast) {
  EdgeRequest r = Sdk();
  r.upload_refused = true;
  r.fields = {{"Host", "evil.example"}};
  auto a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 403) << "the cross-site refusal wins over the slot's 503";

  r = Sdk();
  r.upload_refused = true;
  a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 503);
  EXPECT_EQ(ErrorType(*a), "ServiceUnavailableException");
}

TEST_F(EdgeChecksTest, AnUnparsedHeadSkipsTheChecksThatReadIt) {
  EdgeRequest r;  // no fields: a head that did not parse has none
  r.head = EdgeRequest::Head::kMalformed;
  r.head_error = "obs-fold";
  auto a = RunEdgeChecks(EdgeStep::kHead, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 400);
  EXPECT_NE(a->response.body.find("obs-fold"), std::string::npos) << a->response.body;
}

TEST_F(EdgeChecksTest, BodyErrors) {
  EdgeRequest r = Sdk();
  r.parse = EdgeRequest::Parse::kMalformed;
  r.parse_error = "bad chunk";
  auto a = RunEdgeChecks(EdgeStep::kBody, settings, r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response.status, 400);
  EXPECT_TRUE(a->close);
}

TEST_F(EdgeChecksTest, ACorsPreflightIsAnsweredAndKeepsTheConnection) {
  api::HttpRequest preflight;
  preflight.method = "OPTIONS";
  preflight.target = "/channels";
  preflight.headers = {{"Host", "127.0.0.1:4590"},
                       {"Origin", "http://localhost:3000"},
                       {"Access-Control-Request-Method", "POST"}};
  EdgeRequest r = Sdk();
  r.request = &preflight;
  auto a = RunEdgeChecks(EdgeStep::kRequest, settings, r);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->close);
  EXPECT_LT(a->response.status, 300);

  preflight.method = "POST";
  EXPECT_FALSE(RunEdgeChecks(EdgeStep::kRequest, settings, r));
  settings.web = nullptr;
  preflight.method = "OPTIONS";
  EXPECT_FALSE(RunEdgeChecks(EdgeStep::kRequest, settings, r)) << "no WebAccess hook, no preflight";
}

}  // namespace
}  // namespace chime::server
