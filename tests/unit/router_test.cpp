// Router: every operation of both models is reachable from the request line
// botocore would send for it, and the look-alike paths go where they should.
#include "api/protocol/router.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/protocol/api_error.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::api {
namespace {

using chime::testing::Enc;

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/8b0e3d0a-6f4b-4d2c-9b1e-2f7a1c3d5e6f";
const std::string kChannel = kApp + "/channel/c0ffee00-1234-4abc-8def-0123456789ab";
const std::string kUser = kApp + "/user/alice";
// Cognito identity ids contain ':'; UserId's pattern allows it.
const std::string kCognitoUser = kApp + "/user/us-east-1:7a9b3c2d-1111-2222-3333-444455556666";
const std::string kBot = kApp + "/bot/e2d1c0b9-aaaa-bbbb-cccc-ddddeeeeffff";
const std::string kFlow = kApp + "/channel-flow/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b";
const std::string kMessageId = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const std::string kEndpointId = "5d8e1f7a-0b3c-4e2d-9f6a-7b8c9d0e1f2a";

const std::map<std::string, std::string>& LabelValues() {
  static const std::map<std::string, std::string> values = {
      {"appInstanceArn", kApp},        {"channelArn", kChannel},   {"memberArn", kCognitoUser},
      {"channelModeratorArn", kUser},  {"appInstanceUserArn", kCognitoUser},
      {"appInstanceAdminArn", kUser},  {"appInstanceBotArn", kBot}, {"channelFlowArn", kFlow},
      {"messageId", kMessageId},       {"endpointId", kEndpointId},
  };
  return values;
}

// The path botocore builds from the operation's requestUri: labels
// percent-encoded (':' -> %3A, '/' -> %2F).
std::string BuildPath(const model::OperationDef& op) {
  std::string path;
  for (const model::PathSegment& seg : model::Segments(op)) {
    path += '/';
    if (seg.is_label) {
      auto it = LabelValues().find(std::string(seg.text));
      EXPECT_NE(it, LabelValues().end()) << "no test value for label {" << seg.text << "} of " << op.name;
      if (it != LabelValues().end()) path += Enc(it->second);
    } else {
      path += std::string(seg.text);
    }
  }
  return path;
}

// The operation RouteRequest is expected to return for `op`: the identity /tags
// operations share method, path and literal with the messaging ones, and the
// messaging handler serves the tags of both services.
Op ExpectedRoute(Op op) {
  switch (op) {
    case Op::kIdentityListTagsForResource: return Op::kListTagsForResource;
    case Op::kIdentityTagResource: return Op::kTagResource;
    case Op::kIdentityUntagResource: return Op::kUntagResource;
    default: return op;
  }
}

ErrorType ErrorOf(std::string_view method, std::string_view target) {
  try {
    RouteRequest(method, target);
  } catch (const ApiError& e) {
    return e.type();
  }
  ADD_FAILURE() << method << " " << target << " routed, expected an error";
  return ErrorType::kNotImplemented;
}

Op RouteOf(std::string_view method, std::string_view target) {
  Route r = RouteRequest(method, target);
  EXPECT_NE(r.op, nullptr);
  return r.op->op;
}

std::string Label(const Route& r, std::string_view name) {
  for (const auto& [k, v] : r.labels)
    if (k == name) return v;
  return "<missing>";
}

TEST(RouterTest, ModelHasEightyOneOperations) { EXPECT_EQ(model::Operations().size(), 81u); }

TEST(RouterTest, EveryOperationRoutesFromItsBotocoreRequestLine) {
  int checked = 0;
  for (const model::OperationDef& op : model::Operations()) {
    SCOPED_TRACE(std::string(op.name));
    const std::string path = BuildPath(op);
    std::string literal = op.query_key.empty() ? "" : std::string(op.query_key) + "=" + std::string(op.query_value);

    // Literal first, then the paging parameters; then literal last; then the bare literal.
    std::vector<std::string> targets;
    targets.push_back(path + "?" + (literal.empty() ? "" : literal + "&") + "max-results=5&next-token=abc");
    targets.push_back(path + "?max-results=5&next-token=abc%3D%3D" + (literal.empty() ? "" : "&" + literal));
    targets.push_back(literal.empty() ? path : path + "?" + literal);

    for (const std::string& target : targets) {
      SCOPED_TRACE(std::string(op.method) + " " + target);
      Route r;
      try {
        r = RouteRequest(op.method, target);
      } catch (const ApiError& e) {
        ADD_FAILURE() << "ApiError: " << e.what();
        continue;
      }
      ASSERT_NE(r.op, nullptr);
      EXPECT_EQ(r.op->op, ExpectedRoute(op.op)) << "routed to " << r.op->name;
      // Every label comes back decoded to the value we encoded.
      size_t labels = 0;
      for (const model::PathSegment& seg : model::Segments(op)) {
        if (!seg.is_label) continue;
        ++labels;
        EXPECT_EQ(Label(r, seg.text), LabelValues().at(std::string(seg.text))) << "label " << seg.text;
      }
      EXPECT_EQ(r.labels.size(), labels);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 81);
}

TEST(RouterTest, IdentityTagOperationsRouteToTheSharedMessagingHandlers) {
  EXPECT_EQ(RouteOf("GET", "/tags?arn=" + Enc(kApp)), Op::kListTagsForResource);
  EXPECT_EQ(RouteOf("POST", "/tags?operation=tag-resource"), Op::kTagResource);
  EXPECT_EQ(RouteOf("POST", "/tags?operation=untag-resource"), Op::kUntagResource);
  EXPECT_EQ(model::Operation(Op::kListTagsForResource).service, model::Service::kMessaging);
  EXPECT_EQ(model::Operation(Op::kIdentityListTagsForResource).service, model::Service::kIdentity);
  // Same wire shape in both models: the shared handler can serve either.
  EXPECT_EQ(model::Operation(Op::kIdentityTagResource).path_template,
            model::Operation(Op::kTagResource).path_template);
  EXPECT_EQ(model::Operation(Op::kIdentityTagResource).query_value, model::Operation(Op::kTagResource).query_value);
}

TEST(RouterTest, PostChannelsCreateVersusSearch) {
  EXPECT_EQ(RouteOf("POST", "/channels"), Op::kCreateChannel);
  EXPECT_EQ(RouteOf("POST", "/channels?operation=search"), Op::kSearchChannels);
  EXPECT_EQ(RouteOf("POST", "/channels?max-results=2&operation=search"), Op::kSearchChannels);
  // A literal with an unknown value is not the search literal.
  EXPECT_EQ(RouteOf("POST", "/channels?operation=searchx"), Op::kCreateChannel);
  EXPECT_EQ(RouteOf("POST", "/channels?operations=search"), Op::kCreateChannel);
}

TEST(RouterTest, GetChannelsListVersusEachScope) {
  EXPECT_EQ(RouteOf("GET", "/channels?app-instance-arn=" + Enc(kApp)), Op::kListChannels);
  EXPECT_EQ(RouteOf("GET", "/channels?scope=app-instance-user-memberships&app-instance-user-arn=" + Enc(kUser)),
            Op::kListChannelMembershipsForAppInstanceUser);
  EXPECT_EQ(RouteOf("GET", "/channels?scope=app-instance-user-moderated-channels"),
            Op::kListChannelsModeratedByAppInstanceUser);
  EXPECT_EQ(RouteOf("GET", "/channels?channel-flow-arn=" + Enc(kFlow) + "&scope=channel-flow-associations"),
            Op::kListChannelsAssociatedWithChannelFlow);
  // The singular scopes of /channels/{arn} are not list scopes.
  EXPECT_EQ(RouteOf("GET", "/channels?scope=app-instance-user-membership"), Op::kListChannels);
}

TEST(RouterTest, GetChannelByArnVersusTheTwoScopes) {
  const std::string base = "/channels/" + Enc(kChannel);
  EXPECT_EQ(RouteOf("GET", base), Op::kDescribeChannel);
  EXPECT_EQ(RouteOf("GET", base + "?scope=app-instance-user-membership&app-instance-user-arn=" + Enc(kUser)),
            Op::kDescribeChannelMembershipForAppInstanceUser);
  EXPECT_EQ(RouteOf("GET", base + "?app-instance-user-arn=" + Enc(kUser) + "&scope=app-instance-user-moderated-channel"),
            Op::kDescribeChannelModeratedByAppInstanceUser);
  EXPECT_EQ(RouteOf("PUT", base), Op::kUpdateChannel);
  EXPECT_EQ(RouteOf("DELETE", base), Op::kDeleteChannel);
  EXPECT_EQ(RouteOf("POST", base + "?operation=channel-flow-callback"), Op::kChannelFlowCallback);
}

TEST(RouterTest, PostMembershipsCreateVersusBatchCreate) {
  const std::string base = "/channels/" + Enc(kChannel) + "/memberships";
  EXPECT_EQ(RouteOf("POST", base), Op::kCreateChannelMembership);
  EXPECT_EQ(RouteOf("POST", base + "?operation=batch-create"), Op::kBatchCreateChannelMembership);
  EXPECT_EQ(RouteOf("GET", base + "?max-results=3"), Op::kListChannelMemberships);
}

TEST(RouterTest, MessageGetVersusStatusVersusRedact) {
  const std::string base = "/channels/" + Enc(kChannel) + "/messages/" + kMessageId;
  EXPECT_EQ(RouteOf("GET", base), Op::kGetChannelMessage);
  EXPECT_EQ(RouteOf("GET", base + "?sub-channel-id=sub1"), Op::kGetChannelMessage);
  EXPECT_EQ(RouteOf("GET", base + "?scope=message-status"), Op::kGetChannelMessageStatus);
  EXPECT_EQ(RouteOf("GET", base + "?sub-channel-id=sub1&scope=message-status"), Op::kGetChannelMessageStatus);
  EXPECT_EQ(RouteOf("POST", base + "?operation=redact"), Op::kRedactChannelMessage);
  EXPECT_EQ(RouteOf("PUT", base), Op::kUpdateChannelMessage);
  EXPECT_EQ(RouteOf("DELETE", base), Op::kDeleteChannelMessage);
  Route r = RouteRequest("GET", base + "?scope=message-status");
  EXPECT_EQ(Label(r, "messageId"), kMessageId);
  EXPECT_EQ(Label(r, "channelArn"), kChannel);
}

TEST(RouterTest, RedactWithoutItsLiteralIsABadRequest) {
  // POST exists on this path only as ?operation=redact.
  const std::string base = "/channels/" + Enc(kChannel) + "/messages/" + kMessageId;
  EXPECT_EQ(ErrorOf("POST", base), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("POST", base + "?operation=bogus"), ErrorType::kBadRequest);
}

TEST(RouterTest, TagsWithoutTheirLiteral) {
  EXPECT_EQ(ErrorOf("POST", "/tags"), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("DELETE", "/tags"), ErrorType::kBadRequest);
}

TEST(RouterTest, MissingLiteralMessageNamesTheRequiredQuery) {
  try {
    RouteRequest("POST", "/tags");
    FAIL() << "routed";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.type(), ErrorType::kBadRequest);
    std::string msg = e.what();
    EXPECT_NE(msg.find("operation=tag-resource"), std::string::npos) << msg;
  }
}

TEST(RouterTest, TrailingSlashIsIgnored) {
  EXPECT_EQ(RouteOf("POST", "/channels/"), Op::kCreateChannel);
  EXPECT_EQ(RouteOf("GET", "/app-instances/"), Op::kListAppInstances);
  EXPECT_EQ(RouteOf("GET", "/channels/" + Enc(kChannel) + "/messages/?max-results=2"), Op::kListChannelMessages);
  Route r = RouteRequest("GET", "/app-instances/" + Enc(kApp) + "/");
  EXPECT_EQ(r.op->op, Op::kDescribeAppInstance);
  EXPECT_EQ(Label(r, "appInstanceArn"), kApp);
}

TEST(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(ErrorOf("GET", "/"), ErrorType::kNotFound);
  EXPECT_EQ(ErrorOf("GET", "/nope"), ErrorType::kNotFound);
  EXPECT_EQ(ErrorOf("GET", "/channels/" + Enc(kChannel) + "/nope"), ErrorType::kNotFound);
  EXPECT_EQ(ErrorOf("GET", "/channels/a/b/c/d/e/f/g"), ErrorType::kNotFound);
  // Unencoded '/' inside an ARN makes a path with more segments: no such operation.
  EXPECT_EQ(ErrorOf("GET", "/channels/" + kChannel), ErrorType::kNotFound);
}

TEST(RouterTest, WrongMethodOnAKnownPathIsBadRequest) {
  EXPECT_EQ(ErrorOf("DELETE", "/channels"), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("PATCH", "/channels/" + Enc(kChannel)), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("PUT", "/app-instances"), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("POST", "/endpoints/messaging-session"), ErrorType::kBadRequest);
  try {
    RouteRequest("DELETE", "/channels");
  } catch (const ApiError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("DELETE"), std::string::npos) << msg;
    EXPECT_NE(msg.find("GET"), std::string::npos) << msg;
    EXPECT_NE(msg.find("POST"), std::string::npos) << msg;
  }
}

TEST(RouterTest, MalformedPercentEscapeIsBadRequest) {
  EXPECT_EQ(ErrorOf("GET", "/channels/arn%3"), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("GET", "/channels/arn%"), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("GET", "/channels/arn%G1x"), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("GET", "/channels?max-results=%zz"), ErrorType::kBadRequest);
  EXPECT_EQ(ErrorOf("GET", "/channels?next-token%2=1"), ErrorType::kBadRequest);
}

TEST(RouterTest, CognitoStyleUserIdWithColonsDecodesIntact) {
  Route r = RouteRequest("GET", "/app-instance-users/" + Enc(kCognitoUser));
  EXPECT_EQ(r.op->op, Op::kDescribeAppInstanceUser);
  EXPECT_EQ(Label(r, "appInstanceUserArn"), kCognitoUser);
  // JS SDK v3 leaves ':' unencoded (encodeURIComponent does encode it, but some
  // clients do not): both spellings decode to the same ARN.
  std::string loose = kCognitoUser;
  std::string half;
  for (char c : loose) half += (c == '/') ? std::string("%2F") : std::string(1, c);
  Route r2 = RouteRequest("GET", "/app-instance-users/" + half + "/endpoints/" + kEndpointId);
  EXPECT_EQ(r2.op->op, Op::kDescribeAppInstanceUserEndpoint);
  EXPECT_EQ(Label(r2, "appInstanceUserArn"), kCognitoUser);
  EXPECT_EQ(Label(r2, "endpointId"), kEndpointId);
}

TEST(RouterTest, QueryParametersAreReturnedDecodedInOrder) {
  Route r = RouteRequest("GET", "/channels/" + Enc(kChannel) + "/messages?not-before=2024-08-07T12%3A00%3A00Z&max-results=5");
  EXPECT_EQ(r.op->op, Op::kListChannelMessages);
  ASSERT_EQ(r.query.size(), 2u);
  EXPECT_EQ(r.query[0].first, "not-before");
  EXPECT_EQ(r.query[0].second, "2024-08-07T12:00:00Z");
  EXPECT_EQ(r.query[1].second, "5");
}

}  // namespace
}  // namespace chime::api
