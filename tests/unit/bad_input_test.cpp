// Issue 9 defects 1 and 5 at the api/ level: JSON nested deeper than the bound
// is refused before anything recursive sees it, members the model does not
// define are dropped at every level, and timestamps outside the representable
// range are BadRequestException instead of a silently dropped filter.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/protocol/api_error.hpp"
#include "api/protocol/json_body.hpp"
#include "api/protocol/timestamp.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::api {
namespace {

using chime::testing::Enc;
using nlohmann::json;

std::string Nested(size_t depth, std::string_view inner = "1") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

TEST(JsonNestingDepthTest, CountsBracketsOutsideStringsOnly) {
  EXPECT_EQ(JsonNestingDepth("1"), 0u);
  EXPECT_EQ(JsonNestingDepth("{}"), 1u);
  EXPECT_EQ(JsonNestingDepth(R"({"a":[{"b":[]}],"c":{}})"), 4u);
  EXPECT_EQ(JsonNestingDepth(R"({"a":"[[[[{{{{"})"), 1u);
  EXPECT_EQ(JsonNestingDepth(R"({"a":"\"[[[[\\"})"), 1u);  // escaped quote, then an escaped backslash
  EXPECT_EQ(JsonNestingDepth(R"({"a":"\\",  "b":[[1]]})"), 3u);
  EXPECT_EQ(JsonNestingDepth(Nested(64)), 64u);
  EXPECT_EQ(JsonNestingDepth(Nested(65000)), kMaxJsonDepth + 1);  // stops early
  EXPECT_EQ(JsonNestingDepth("]]]][["), 2u);                      // unbalanced: no underflow
}

TEST(JsonBodyTest, RejectsTooDeepMalformedAndNonObjects) {
  auto message_of = [](std::string body) -> std::string {
    try {
      ParseJsonObjectBody(body);
    } catch (const ApiError& e) {
      EXPECT_EQ(e.type(), ErrorType::kBadRequest);
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message_of(R"({"a":)" + Nested(64) + "}").find("deeper than 64"), std::string::npos);
  EXPECT_EQ(message_of(R"({"a":)" + Nested(63) + "}"), "");
  EXPECT_NE(message_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message_of("[1]").find("must be a JSON object"), std::string::npos);
}

// The one bounded parser behind every untrusted JSON text (control-plane
// bodies, seed and faults files): any top-level shape, the same depth bound.
TEST(BoundedJsonTest, RefusesTooDeepAndMalformedTextNamingWhy) {
  EXPECT_EQ(ParseBoundedJson("[1, {\"a\": 2}]").size(), 2u);
  EXPECT_EQ(ParseBoundedJson(Nested(64)).is_array(), true);
  try {
    ParseBoundedJson(Nested(100000));
    ADD_FAILURE() << "accepted nesting 100,000 deep";
  } catch (const JsonTextError& e) {
    EXPECT_TRUE(e.too_deep());
    EXPECT_EQ(std::string(e.what()), "JSON nested deeper than 64 levels of arrays and objects");
  }
  try {
    ParseBoundedJson("{\"a\": ");
    ADD_FAILURE() << "accepted malformed JSON";
  } catch (const JsonTextError& e) {
    EXPECT_FALSE(e.too_deep());
    EXPECT_EQ(std::string(e.what()).rfind("malformed JSON: ", 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find("[json.exception"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseBoundedJson("[1e400]"), JsonTextError);  // out of the double range
}

using BadInputApiTest = chime::testing::ApiFixture;

// Before the fix this crashed the process (stack overflow in the idempotency hash's dump()).
TEST_F(BadInputApiTest, DeeplyNestedTagIsBadRequestNotACrash) {
  std::string body = R"({"Name":"deep","ClientRequestToken":"tok-deep-1","Tags":[{"Key":"k","Value":"v","X":)" +
                     Nested(65000) + "}]}";
  ASSERT_LT(body.size(), 1024u * 1024u);
  HttpRequest req;
  req.method = "POST";
  req.target = "/app-instances";
  req.body = body;
  HttpResponse res = dispatcher_->Handle(req);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("deeper than 64"), std::string::npos) << res.body;
}

TEST_F(BadInputApiTest, NestingWithinTheBoundInAnUnknownMemberIsIgnored) {
  json tag = {{"Key", "k"}, {"Value", "v"}, {"Unknown", json::parse(Nested(40))}};
  auto first = Call("POST", "/app-instances", {{"Name", "n"}, {"ClientRequestToken", "tok-u"}, {"Tags", {tag}}});
  ASSERT_EQ(first.status, 201) << first.raw_body;
  // Unknown members are not part of the request: a retry without them is the same request.
  json plain = {{"Key", "k"}, {"Value", "v"}};
  auto retry = Call("POST", "/app-instances", {{"Name", "n"}, {"ClientRequestToken", "tok-u"}, {"Tags", {plain}}});
  EXPECT_EQ(retry.status, 201) << retry.raw_body;
  EXPECT_EQ(retry.body["AppInstanceArn"], first.body["AppInstanceArn"]);
}

TEST(TimestampRangeTest, EpochSecondsOutsideTheRangeAreFlagged) {
  bool out_of_range = false;
  for (std::string s : {"1e16", "1e300", "1e400", "-1e16", "253402300800", "-62135596801"}) {
    EXPECT_FALSE(ParseTimestampMs(s, &out_of_range).has_value()) << s;
    EXPECT_TRUE(out_of_range) << s;
  }
  EXPECT_EQ(ParseTimestampMs("253402300799", &out_of_range), int64_t{253402300799} * 1000);
  EXPECT_FALSE(out_of_range);
  EXPECT_FALSE(ParseTimestampMs("12x", &out_of_range).has_value());
  EXPECT_FALSE(out_of_range);
}

class TimestampFilterTest : public chime::testing::ChannelCastFixture {};

// Before the fix not-before=1e16 overflowed the millisecond conversion and the filter vanished.
TEST_F(TimestampFilterTest, NotBeforeOutOfRangeIsBadRequest) {
  auto ch = Call("POST", "/channels", {{"AppInstanceArn", app_}, {"Name", "c"}, {"ClientRequestToken", NextToken()}},
                 owner_);
  ASSERT_EQ(ch.status, 201) << ch.raw_body;
  std::string channel = ch.body["ChannelArn"];
  for (std::string v : {"1e16", "1e300", "-1e300"}) {
    auto r = Call("GET", "/channels/" + Enc(channel) + "/messages?not-before=" + v, nullptr, owner_);
    EXPECT_EQ(r.status, 400) << v << " " << r.raw_body;
    EXPECT_EQ(r.error, "BadRequestException");
    EXPECT_NE(r.raw_body.find("out of range"), std::string::npos) << r.raw_body;
    EXPECT_NE(r.raw_body.find("NotBefore"), std::string::npos) << r.raw_body;
  }
}

}  // namespace
}  // namespace chime::api
