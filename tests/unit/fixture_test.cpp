// Test-fixture state: fault rules (parsing, matching order, count and
// probability) and the bounded request journal.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/control/faults.hpp"
#include "api/control/journal.hpp"
#include "api/generated/operations.hpp"
#include "api/protocol/model.hpp"

namespace chime::api {
namespace {

using nlohmann::json;

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/a1";
const json kSend = {{"ChannelArn", kApp + "/channel/c1"}, {"ChimeBearer", kApp + "/user/u1"}};

TEST(FaultRegistryTest, RejectsUnknownOperationsErrorsAndFields) {
  FaultRegistry f;
  EXPECT_THROW(f.Add({{"operation", "Nope"}, {"error", "ConflictException"}}), std::invalid_argument);
  EXPECT_THROW(f.Add({{"error", "NopeException"}}), std::invalid_argument);
  EXPECT_THROW(f.Add({{"operation", "SendChannelMessage"}}), std::invalid_argument);  // neither error nor latency
  EXPECT_THROW(f.Add({{"error", "ConflictException"}, {"probability", 1.5}}), std::invalid_argument);
  EXPECT_THROW(f.Add({{"error", "ConflictException"}, {"colour", "red"}}), std::invalid_argument);
  EXPECT_THROW(f.AddAll(json::array({{{"error", "ConflictException"}}, {{"error", "Nope"}}})), std::invalid_argument);
  EXPECT_TRUE(f.List().empty());  // all or nothing
}

// Every AWS request scans the rules: their number and size are bounded.
TEST(FaultRegistryTest, HoldsAtMostTheLimitOfRulesAndShortFields) {
  FaultRegistry f;
  const json rule = {{"error", "ConflictException"}, {"operation", "CreateAppInstance"}};
  json too_many = json::array();
  for (size_t i = 0; i <= kMaxFaultRules; ++i) too_many.push_back(rule);
  try {
    f.AddAll(too_many);
    ADD_FAILURE() << "accepted " << too_many.size() << " rules";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("at most 1000 fault rules"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(f.List().empty());
  too_many.erase(too_many.end() - 2, too_many.end());  // 999
  f.AddAll(too_many);
  f.Add(rule);  // the 1000th
  EXPECT_THROW(f.Add(rule), std::invalid_argument);
  EXPECT_THROW(f.AddAll(json::array({rule})), std::invalid_argument);
  EXPECT_EQ(f.List().size(), kMaxFaultRules);
  f.Clear();
  EXPECT_NO_THROW(f.Add(rule));

  EXPECT_THROW(f.Add({{"error", "ConflictException"}, {"message", std::string(kMaxFaultMessageBytes + 1, 'm')}}),
               std::invalid_argument);
  EXPECT_NO_THROW(f.Add({{"error", "ConflictException"}, {"message", std::string(kMaxFaultMessageBytes, 'm')}}));
  for (const char* key : {"bearer", "channelArn", "appInstanceArn"}) {
    EXPECT_THROW(f.Add({{"error", "ConflictException"}, {key, std::string(kMaxFaultArnBytes + 1, 'a')}}),
                 std::invalid_argument)
        << key;
  }
  EXPECT_THROW(f.Add({{"error", "ConflictException"}, {"id", std::string(1000, '7')}}), std::invalid_argument);
  EXPECT_THROW(f.Add({{"error", "ConflictException"}, {"id", json::array({1})}}), std::invalid_argument);
  EXPECT_NO_THROW(f.Add({{"error", "ConflictException"}, {"id", "12"}}));  // a listed rule sent back
}

TEST(FaultRegistryTest, CountRunsOutAndTheFirstMatchingRuleWins) {
  FaultRegistry f;
  f.Add({{"operation", "SendChannelMessage"}, {"error", "ServiceUnavailableException"}, {"count", 2}});
  f.Add({{"error", "ConflictException"}});
  EXPECT_EQ(f.Match("SendChannelMessage", kSend)->error, ErrorType::kServiceUnavailable);
  EXPECT_EQ(f.Match("SendChannelMessage", kSend)->error, ErrorType::kServiceUnavailable);
  EXPECT_EQ(f.Match("SendChannelMessage", kSend)->error, ErrorType::kConflict);  // the first ran out
  EXPECT_EQ(f.List()[0]["fired"], 2);
}

TEST(FaultRegistryTest, ProbabilityZeroNeverFiresButCountsItsMatches) {
  FaultRegistry f;
  f.Add({{"error", "ConflictException"}, {"probability", 0}, {"count", 3}});
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(f.Match("SendChannelMessage", kSend));
  EXPECT_EQ(f.List()[0]["matched"], 3);
  EXPECT_EQ(f.List()[0]["fired"], 0);
  EXPECT_EQ(f.List()[0]["remaining"], 0);
}

TEST(FaultRegistryTest, MatchesByBearerChannelAndAppInstance) {
  FaultRegistry f;
  f.Add({{"bearer", kApp + "/user/other"}, {"error", "ForbiddenException"}});
  f.Add({{"appInstanceArn", kApp}, {"latencyMs", 250}});
  auto hit = f.Match("SendChannelMessage", kSend);
  ASSERT_TRUE(hit);
  EXPECT_FALSE(hit->error);
  EXPECT_EQ(hit->latency_ms, 250);
  EXPECT_FALSE(f.Match("CreateAppInstance", json{{"Name", "x"}}));
  EXPECT_EQ(AppInstanceOfInput(kSend), kApp);
}

TEST(JournalTest, KeepsTheNewestUpToItsCapacityNewestFirst) {
  Journal j(3);
  for (int i = 0; i < 5; ++i) {
    JournalEntry e;
    e.request_id = std::to_string(i);
    e.operation = i % 2 ? "SendChannelMessage" : "ListChannels";
    e.status = i == 4 ? 400 : 200;
    e.time_ms = 1000 * i;
    j.Record(e);
  }
  json all = j.List({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["requestId"], "4");
  EXPECT_EQ(all[2]["requestId"], "2");
  JournalFilter f;
  f.operation = "SendChannelMessage";
  EXPECT_EQ(j.List(f).size(), 1u);
  JournalFilter s;
  s.status = 400;
  EXPECT_EQ(j.List(s)[0]["requestId"], "4");
  JournalFilter since;
  since.since_ms = 3000;
  EXPECT_EQ(j.List(since).size(), 2u);
  j.Clear();
  EXPECT_TRUE(j.List({}).empty());
}

// The journal keeps what a request brought unmasked (recording is on every
// request's path) and masks it when it is read.
TEST(JournalTest, MasksWhenReadAndReadsBearerAndChannelFromTheInput) {
  const auto& op = model::Operation(Op::kSendChannelMessage);
  const std::string user = "arn:aws:chime:us-east-1:123456789012:app-instance/a/user/u";
  const std::string channel = "arn:aws:chime:us-east-1:123456789012:app-instance/a/channel/c";
  Journal j(2);
  JournalEntry e;
  e.request_id = "r";
  e.operation = "SendChannelMessage";
  e.status = 201;
  e.input = std::make_shared<const json>(json{
      {"ChannelArn", channel}, {"ChimeBearer", user}, {"Content", "secret"}, {"Type", "STANDARD"}});
  e.input_shape = op.input_shape;
  e.output = {{"ChannelArn", channel}, {"MessageId", "m"}};
  e.output_shape = op.output_shape;
  j.Record(e);
  JournalFilter by_bearer;
  by_bearer.bearer = user;
  by_bearer.channel_arn = channel;
  json listed = j.List(by_bearer);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["input"]["Content"], "***");
  EXPECT_EQ(listed[0]["input"]["Type"], "STANDARD");
  EXPECT_EQ(listed[0]["bearer"], user);
  EXPECT_EQ(listed[0]["channelArn"], channel);
  EXPECT_EQ(listed[0]["output"]["MessageId"], "m");
  EXPECT_EQ((*e.input)["Content"], "secret");  // the kept input itself is not changed by a read
  JournalFilter other;
  other.bearer = user + "x";
  EXPECT_TRUE(j.List(other).empty());
}

}  // namespace
}  // namespace chime::api
