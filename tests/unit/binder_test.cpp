// Binder: uri labels, query, headers and body gathered into one input keyed by
// member name, with query strings converted to the member's type.
#include "api/protocol/binder.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/protocol/api_error.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::api {
namespace {

using chime::testing::Enc;
using nlohmann::json;

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/8b0e3d0a-6f4b-4d2c-9b1e-2f7a1c3d5e6f";
const std::string kChannel = kApp + "/channel/c0ffee00";
const std::string kUser = kApp + "/user/us-east-1:7a9b3c2d-1111";

json Bind(const std::string& method, const std::string& target, const std::string& body = "",
          HeaderList headers = {}) {
  HttpRequest req;
  req.method = method;
  req.target = target;
  req.body = body;
  req.headers = std::move(headers);
  Route route = RouteRequest(method, target);
  return BindInput(route, req);
}

ErrorType BindError(const std::string& method, const std::string& target, const std::string& body = "",
                    std::string* message = nullptr) {
  try {
    Bind(method, target, body);
  } catch (const ApiError& e) {
    if (message) *message = e.what();
    return e.type();
  }
  ADD_FAILURE() << "bound without error: " << method << " " << target << " " << body;
  return ErrorType::kNotImplemented;
}

const std::string kMessages = "/channels/" + Enc(kChannel) + "/messages";

TEST(BinderTest, BodyMembersCopiedAndUnknownOnesIgnored) {
  json body = {{"Content", "hi"},
               {"Type", "STANDARD"},
               {"Persistence", "PERSISTENT"},
               {"ClientRequestToken", "tok-1"},
               {"MessageAttributes", {{"k", {{"StringValues", {"v"}}}}}},
               {"NotAMember", 1},
               {"ChannelArn", "body must not override the uri label"},
               {"Metadata", nullptr}};
  json in = Bind("POST", kMessages, body.dump(), {{"x-amz-chime-bearer", kUser}});
  EXPECT_EQ(in["Content"], "hi");
  EXPECT_EQ(in["Type"], "STANDARD");
  EXPECT_EQ(in["ClientRequestToken"], "tok-1");
  EXPECT_EQ(in["MessageAttributes"]["k"]["StringValues"][0], "v");
  EXPECT_FALSE(in.contains("NotAMember"));
  EXPECT_FALSE(in.contains("Metadata"));  // null is absent
  EXPECT_EQ(in["ChannelArn"], kChannel);
  EXPECT_EQ(in["ChimeBearer"], kUser);
}

TEST(BinderTest, InvalidJsonIsBadRequest) {
  std::string msg;
  EXPECT_EQ(BindError("POST", kMessages, "{\"Content\": ", &msg), ErrorType::kBadRequest);
  EXPECT_NE(msg.find("JSON"), std::string::npos) << msg;
  EXPECT_EQ(BindError("POST", kMessages, "{'Content': 'x'}"), ErrorType::kBadRequest);
  EXPECT_EQ(BindError("POST", kMessages, "{} trailing"), ErrorType::kBadRequest);
}

TEST(BinderTest, NonObjectBodyIsBadRequest) {
  std::string msg;
  EXPECT_EQ(BindError("POST", kMessages, "[1,2]", &msg), ErrorType::kBadRequest);
  EXPECT_NE(msg.find("object"), std::string::npos) << msg;
  EXPECT_EQ(BindError("POST", kMessages, "\"text\""), ErrorType::kBadRequest);
  EXPECT_EQ(BindError("POST", kMessages, "42"), ErrorType::kBadRequest);
  EXPECT_EQ(BindError("POST", kMessages, "null"), ErrorType::kBadRequest);
}

TEST(BinderTest, EmptyOrBlankBodyBindsNothing) {
  EXPECT_FALSE(Bind("POST", kMessages, "").contains("Content"));
  EXPECT_FALSE(Bind("POST", kMessages, " \r\n\t").contains("Content"));
  EXPECT_TRUE(Bind("POST", kMessages, "{}").contains("ChannelArn"));
}

TEST(BinderTest, BodyIgnoredForOperationsWithoutBodyMembers) {
  // DescribeChannel has only uri and header members: a stray body is not parsed.
  json in = Bind("GET", "/channels/" + Enc(kChannel), "not json");
  EXPECT_EQ(in["ChannelArn"], kChannel);
}

TEST(BinderTest, QueryIntegerConversion) {
  json in = Bind("GET", "/channels?app-instance-arn=" + Enc(kApp) + "&max-results=7&next-token=a%2Bb%3D&privacy=PRIVATE");
  EXPECT_TRUE(in["MaxResults"].is_number_integer());
  EXPECT_EQ(in["MaxResults"], 7);
  EXPECT_EQ(in["NextToken"], "a+b=");
  EXPECT_EQ(in["AppInstanceArn"], kApp);
  EXPECT_EQ(in["Privacy"], "PRIVATE");
  EXPECT_EQ(Bind("GET", "/channels?max-results=-2")["MaxResults"], -2);  // range is the validator's job
}

TEST(BinderTest, QueryIntegerFailure) {
  for (std::string bad : {"abc", "5x", "", "1.5", " 5", "99999999999999999999999"}) {
    std::string msg;
    EXPECT_EQ(BindError("GET", "/channels?max-results=" + Enc(bad), "", &msg), ErrorType::kBadRequest) << bad;
    EXPECT_NE(msg.find("MaxResults"), std::string::npos) << msg;
  }
}

TEST(BinderTest, QueryTimestampsBecomeEpochSeconds) {
  struct Case {
    std::string text;
    double seconds;
  };
  for (const Case& c : {Case{"2024-08-07T12:00:00Z", 1723032000.0}, Case{"2024-08-07T12:00:00.250Z", 1723032000.25},
                        Case{"2024-08-07T12:00:00.123456Z", 1723032000.123},
                        Case{"2024-08-07T12:00:00+00:00", 1723032000.0},
                        Case{"2024-08-07T14:00:00+02:00", 1723032000.0}}) {
    json in = Bind("GET", kMessages + "?not-before=" + Enc(c.text) + "&not-after=" + Enc(c.text));
    ASSERT_TRUE(in["NotBefore"].is_number()) << c.text;
    EXPECT_DOUBLE_EQ(in["NotBefore"].get<double>(), c.seconds) << c.text;
    EXPECT_DOUBLE_EQ(in["NotAfter"].get<double>(), c.seconds) << c.text;
  }
  std::string msg;
  EXPECT_EQ(BindError("GET", kMessages + "?not-before=yesterday", "", &msg), ErrorType::kBadRequest);
  EXPECT_NE(msg.find("NotBefore"), std::string::npos) << msg;
}

TEST(BinderTest, HeaderBoundCaseInsensitively) {
  for (std::string name : {"x-amz-chime-bearer", "X-Amz-Chime-Bearer", "X-AMZ-CHIME-BEARER"}) {
    json in = Bind("GET", "/channels/" + Enc(kChannel), "", {{"Host", "h"}, {name, kUser}});
    EXPECT_EQ(in["ChimeBearer"], kUser) << name;
  }
  json none = Bind("GET", "/channels/" + Enc(kChannel), "", {{"x-amz-chime-bearer-x", kUser}});
  EXPECT_FALSE(none.contains("ChimeBearer"));
}

TEST(BinderTest, UriLabelsDecoded) {
  const std::string msg_id = std::string(64, 'a');
  json in = Bind("GET", "/channels/" + Enc(kChannel) + "/messages/" + msg_id + "?scope=message-status&sub-channel-id=s1");
  EXPECT_EQ(in["ChannelArn"], kChannel);
  EXPECT_EQ(in["MessageId"], msg_id);
  EXPECT_EQ(in["SubChannelId"], "s1");
  json member = Bind("DELETE", "/channels/" + Enc(kChannel) + "/memberships/" + Enc(kUser));
  EXPECT_EQ(member["MemberArn"], kUser);  // Cognito-style id with ':' intact
}

TEST(BinderTest, LiteralQueryIsNotBoundAsAMember) {
  json in = Bind("POST", "/channels?operation=search&max-results=3", R"({"Fields":[]})");
  EXPECT_EQ(in["MaxResults"], 3);
  EXPECT_TRUE(in.contains("Fields"));
  EXPECT_FALSE(in.contains("operation"));
}

TEST(BinderTest, OperationWithoutInputBindsEmptyObject) {
  for (const model::OperationDef& op : model::Operations()) {
    if (op.input_shape != model::kNoShape) continue;
    Route r;
    r.op = &op;
    HttpRequest req;
    req.body = "garbage";
    EXPECT_EQ(BindInput(r, req), json::object()) << op.name;
  }
}

}  // namespace
}  // namespace chime::api
