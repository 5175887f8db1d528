// Validator: each constraint kind of the models, through real operation shapes.
#include "api/protocol/validator.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/protocol/api_error.hpp"

namespace chime::api {
namespace {

using nlohmann::json;

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/8b0e3d0a-6f4b-4d2c-9b1e-2f7a1c3d5e6f";
const std::string kChannel = kApp + "/channel/c0ffee00";
const std::string kUser = kApp + "/user/alice";

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kE = "\xC3\xA9";              // é: 2 bytes, 1 code point
const std::string kParty = "\xF0\x9F\x8E\x89";  // 🎉: 4 bytes, 1 code point

std::vector<std::string> Violations(Op op, const json& input) {
  return CollectViolations(model::Operation(op).input_shape, input);
}

// The message ValidateInput throws, or "" when the input is valid.
std::string Error(Op op, const json& input) {
  try {
    ValidateInput(model::Operation(op), input);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.type(), ErrorType::kBadRequest);
    return e.what();
  }
  return "";
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

json SendMessage() {
  return {{"ChannelArn", kChannel},   {"Content", "hello"},        {"Type", "STANDARD"},
          {"Persistence", "PERSISTENT"}, {"ClientRequestToken", "tok-1"}, {"ChimeBearer", kUser}};
}

json ListChannels() { return {{"AppInstanceArn", kApp}, {"ChimeBearer", kUser}}; }

TEST(ValidatorTest, ValidInputHasNoViolations) {
  EXPECT_TRUE(Violations(Op::kSendChannelMessage, SendMessage()).empty());
  EXPECT_EQ(Error(Op::kSendChannelMessage, SendMessage()), "");
  json full = SendMessage();
  full["Metadata"] = "m";
  full["PushNotification"] = {{"Title", "t"}, {"Body", "b"}, {"Type", "VOIP"}};
  full["MessageAttributes"] = {{"color", {{"StringValues", {"red", "blue"}}}}};
  full["Target"] = json::array({{{"MemberArn", kUser}}});
  EXPECT_EQ(Error(Op::kSendChannelMessage, full), "");
}

TEST(ValidatorTest, RequiredMemberMissingNamesTheMember) {
  json in = SendMessage();
  in.erase("Content");
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "1 validation error detected")) << msg;
  EXPECT_TRUE(Contains(msg, "'Content'")) << msg;
  EXPECT_TRUE(Contains(msg, "must not be null")) << msg;

  in = SendMessage();
  in.erase("ChimeBearer");
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "ChimeBearer")) << msg;
  EXPECT_TRUE(Contains(msg, "x-amz-chime-bearer")) << msg;

  in = SendMessage();
  in["Type"] = nullptr;  // JSON null counts as absent
  EXPECT_TRUE(Contains(Error(Op::kSendChannelMessage, in), "'Type'"));
}

TEST(ValidatorTest, StringLengthCountsCodePoints) {
  // Metadata: max 1024.
  json in = SendMessage();
  in["Metadata"] = Repeat(kE, 1024);  // 2048 bytes
  EXPECT_EQ(Error(Op::kSendChannelMessage, in), "");
  in["Metadata"] = Repeat(kParty, 1024);  // 4096 bytes
  EXPECT_EQ(Error(Op::kSendChannelMessage, in), "");
  in["Metadata"] = Repeat(kE, 1025);
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "Metadata")) << msg;
  EXPECT_TRUE(Contains(msg, "length less than or equal to 1024")) << msg;

  // ChannelArn (ChimeArn): min 5.
  in = SendMessage();
  in["ChannelArn"] = "arn:";
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "length greater than or equal to 5")) << msg;

  // Content: NonEmptyContent, min 1.
  in = SendMessage();
  in["Content"] = "";
  EXPECT_TRUE(Contains(Error(Op::kSendChannelMessage, in), "length greater than or equal to 1"));
  in["Content"] = kParty;
  EXPECT_EQ(Error(Op::kSendChannelMessage, in), "");
}

TEST(ValidatorTest, InvalidUtf8IsRefused) {
  json in = SendMessage();
  in["Content"] = std::string("bad \xC3 utf8");
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "valid UTF-8")) << msg;
  EXPECT_TRUE(Contains(msg, "Content")) << msg;
}

TEST(ValidatorTest, EnumValues) {
  json in = SendMessage();
  in["Type"] = "BOGUS";
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "enum value set")) << msg;
  EXPECT_TRUE(Contains(msg, "STANDARD")) << msg;
  EXPECT_TRUE(Contains(msg, "CONTROL")) << msg;
  in["Type"] = "standard";  // enums are case-sensitive
  EXPECT_NE(Error(Op::kSendChannelMessage, in), "");
  in["Type"] = "CONTROL";
  EXPECT_EQ(Error(Op::kSendChannelMessage, in), "");
}

TEST(ValidatorTest, IntegerRange) {
  json in = ListChannels();
  for (int ok : {1, 25, 50}) {
    in["MaxResults"] = ok;
    EXPECT_EQ(Error(Op::kListChannels, in), "") << ok;
  }
  in["MaxResults"] = 0;
  std::string msg = Error(Op::kListChannels, in);
  EXPECT_TRUE(Contains(msg, "greater than or equal to 1")) << msg;
  EXPECT_TRUE(Contains(msg, "MaxResults")) << msg;
  in["MaxResults"] = 51;
  msg = Error(Op::kListChannels, in);
  EXPECT_TRUE(Contains(msg, "less than or equal to 50")) << msg;
  in["MaxResults"] = -3;
  EXPECT_NE(Error(Op::kListChannels, in), "");
  in["MaxResults"] = 5.0;  // an integral double is an integer
  EXPECT_EQ(Error(Op::kListChannels, in), "");
  in["MaxResults"] = 5.5;
  EXPECT_TRUE(Contains(Error(Op::kListChannels, in), "integer"));
  in["MaxResults"] = 1e300;  // finite but far outside int64
  EXPECT_TRUE(Contains(Error(Op::kListChannels, in), "an integer"));
  in["MaxResults"] = -1e300;
  EXPECT_TRUE(Contains(Error(Op::kListChannels, in), "an integer"));
  in["MaxResults"] = 3e9;  // integral double beyond the model's 32-bit integer
  EXPECT_TRUE(Contains(Error(Op::kListChannels, in), "32-bit integer"));
  in["MaxResults"] = int64_t{1} << 40;  // does not fit the model's 32-bit integer
  EXPECT_NE(Error(Op::kListChannels, in), "");
  in["MaxResults"] = uint64_t{18446744073709551615u};
  EXPECT_NE(Error(Op::kListChannels, in), "");
}

TEST(ValidatorTest, ListSize) {
  json in = SendMessage();
  in["Target"] = json::array();
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "Target")) << msg;
  EXPECT_TRUE(Contains(msg, "at least 1")) << msg;
  in["Target"] = json::array({{{"MemberArn", kUser}}, {{"MemberArn", kUser}}});
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "at most 1")) << msg;

  json batch = {{"ChannelArn", kChannel}, {"ChimeBearer", kUser}, {"MemberArns", json::array()}};
  for (int i = 0; i < 100; ++i) batch["MemberArns"].push_back(kApp + "/user/u" + std::to_string(i));
  EXPECT_EQ(Error(Op::kBatchCreateChannelMembership, batch), "");
  batch["MemberArns"].push_back(kApp + "/user/u100");
  msg = Error(Op::kBatchCreateChannelMembership, batch);
  EXPECT_TRUE(Contains(msg, "MemberArns")) << msg;
  EXPECT_TRUE(Contains(msg, "at most 100")) << msg;
}

TEST(ValidatorTest, ListElementsAreValidated) {
  json batch = {{"ChannelArn", kChannel}, {"ChimeBearer", kUser}, {"MemberArns", {kUser, "nope-not-an-arn", 7}}};
  auto v = Violations(Op::kBatchCreateChannelMembership, batch);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(Contains(v[0], "MemberArns[1]")) << v[0];
  EXPECT_TRUE(Contains(v[1], "MemberArns[2]")) << v[1];
  EXPECT_TRUE(Contains(v[1], "a string")) << v[1];
}

TEST(ValidatorTest, MapKeyLength) {
  json in = SendMessage();
  in["MessageAttributes"] = {{std::string(64, 'k'), {{"StringValues", {"v"}}}}};
  EXPECT_EQ(Error(Op::kSendChannelMessage, in), "");
  in["MessageAttributes"] = {{std::string(65, 'k'), {{"StringValues", {"v"}}}}};
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "MessageAttributes")) << msg;
  EXPECT_TRUE(Contains(msg, "length less than or equal to 64")) << msg;
  in["MessageAttributes"] = {{"", {{"StringValues", {"v"}}}}};
  EXPECT_TRUE(Contains(Error(Op::kSendChannelMessage, in), "length greater than or equal to 1"));
  // Map values are validated too: StringValue min 1.
  in["MessageAttributes"] = {{"k", {{"StringValues", {""}}}}};
  EXPECT_TRUE(Contains(Error(Op::kSendChannelMessage, in), "StringValues[0]"));
}

TEST(ValidatorTest, NestedStructure) {
  json in = SendMessage();
  in["PushNotification"] = {{"Title", std::string(50, 't')}, {"Type", "DEFAULT"}};
  EXPECT_EQ(Error(Op::kSendChannelMessage, in), "");
  in["PushNotification"] = {{"Title", std::string(51, 't')}};
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "PushNotification.Title")) << msg;
  EXPECT_TRUE(Contains(msg, "less than or equal to 50")) << msg;
  in["PushNotification"] = {{"Type", "SMS"}};
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "PushNotification.Type")) << msg;
  EXPECT_TRUE(Contains(msg, "VOIP")) << msg;
  // Title pattern '.*' refuses a newline.
  in["PushNotification"] = {{"Title", "a\nb"}};
  EXPECT_TRUE(Contains(Error(Op::kSendChannelMessage, in), "regular expression"));
}

TEST(ValidatorTest, RequiredMembersOfNestedStructures) {
  json in = {{"AppInstanceArn", kApp}, {"Name", "c"}, {"ClientRequestToken", "tok-1"}, {"ChimeBearer", kUser},
             {"Tags", {{{"Key", "k"}}}}};
  std::string msg = Error(Op::kCreateChannel, in);
  EXPECT_TRUE(Contains(msg, "Tags[0].Value")) << msg;
  EXPECT_TRUE(Contains(msg, "must not be null")) << msg;
}

TEST(ValidatorTest, WrongJsonTypes) {
  struct Case {
    const char* member;
    json value;
    const char* expected;
  };
  std::vector<Case> cases = {
      {"Content", 5, "a string"},
      {"Content", json::array({"x"}), "a string"},
      {"Target", json::object({{"MemberArn", kUser}}), "a list"},
      {"PushNotification", "x", "a structure"},
      {"MessageAttributes", json::array(), "a map"},
      {"Type", true, "a string"},
  };
  for (const Case& c : cases) {
    json in = SendMessage();
    in[c.member] = c.value;
    std::string msg = Error(Op::kSendChannelMessage, in);
    EXPECT_TRUE(Contains(msg, c.member)) << msg;
    EXPECT_TRUE(Contains(msg, c.expected)) << c.member << ": " << msg;
  }
  json list = ListChannels();
  list["MaxResults"] = "5";
  EXPECT_TRUE(Contains(Error(Op::kListChannels, list), "an integer"));
  // The whole input must be an object.
  EXPECT_FALSE(Violations(Op::kSendChannelMessage, json::array()).empty());
}

TEST(ValidatorTest, PatternsThroughRealShapes) {
  json in = SendMessage();
  in["ChannelArn"] = "not-an-arn-at-all";
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "regular expression pattern: arn:")) << msg;
  EXPECT_TRUE(Contains(msg, "ChannelArn")) << msg;
  EXPECT_TRUE(Contains(msg, "not-an-arn-at-all")) << msg;  // not sensitive: echoed

  in = SendMessage();
  in["ClientRequestToken"] = "bad token!";
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "ClientRequestToken")) << msg;
  EXPECT_TRUE(Contains(msg, "[-_a-zA-Z0-9]*")) << msg;

  in = SendMessage();
  in["ChimeBearer"] = kApp + "/user/x\n";
  EXPECT_NE(Error(Op::kSendChannelMessage, in), "");
}

TEST(ValidatorTest, MultipleViolationsAreCounted) {
  json in = SendMessage();
  in.erase("Content");
  in["Type"] = "NOPE";
  in["ClientRequestToken"] = "x";  // min 2
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_EQ(msg.rfind("3 validation errors detected: ", 0), 0u) << msg;
  EXPECT_EQ(Violations(Op::kSendChannelMessage, in).size(), 3u);
}

TEST(ValidatorTest, SensitiveValuesAreNotEchoed) {
  json in = SendMessage();
  in["ClientRequestToken"] = "secret token";  // sensitive, fails the pattern
  in["Metadata"] = "secret-meta\nline";        // sensitive, fails '.*'
  in["Content"] = "";                          // sensitive
  std::string msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "3 validation errors")) << msg;
  EXPECT_FALSE(Contains(msg, "secret")) << msg;

  in = SendMessage();
  in["PushNotification"] = {{"Title", "secret-title\n"}};
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "PushNotification.Title")) << msg;
  EXPECT_FALSE(Contains(msg, "secret")) << msg;

  // Map keys (MessageAttributeName) are sensitive too, also as part of a path.
  in = SendMessage();
  in["MessageAttributes"] = {{"secret-key-" + std::string(60, 'k'), {{"StringValues", {"v"}}}}};
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_FALSE(Contains(msg, "secret")) << msg;
  in["MessageAttributes"] = {{"secret-key", {{"StringValues", {""}}}}};
  msg = Error(Op::kSendChannelMessage, in);
  EXPECT_TRUE(Contains(msg, "MessageAttributes")) << msg;
  EXPECT_FALSE(Contains(msg, "secret")) << msg;
}

TEST(ValidatorTest, OperationWithoutInputAcceptsAnything) {
  for (const model::OperationDef& op : model::Operations()) {
    if (op.input_shape != model::kNoShape) continue;
    EXPECT_NO_THROW(ValidateInput(op, json::object())) << op.name;
  }
}

}  // namespace
}  // namespace chime::api
