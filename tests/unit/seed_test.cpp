// Seed files (api/control/seed.cpp): the parser's shape checks, a seed run
// through POST /_chime-local/seed, the all-or-nothing rule, fixed ids that only
// a seed can choose, and reset restoring the start seed.
#include <gtest/gtest.h>

#include "api/common/ids.hpp"
#include "api/control/fixture.hpp"
#include "api/control/seed.hpp"
#include "api/protocol/api_error.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::testing {
namespace {

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/00000000-0000-4000-8000-000000000001";
const std::string kAlice = kApp + "/user/alice";
const std::string kBob = kApp + "/user/bob";
const std::string kCarol = kApp + "/user/carol";
const std::string kChannel = kApp + "/channel/general";
const std::string kMsg1(64, '1');
const std::string kMsg2(64, '2');

json ValidSeed() {
  return json::parse(R"({
    "AppInstances": [{"Name": "app", "AppInstanceId": "00000000-0000-4000-8000-000000000001"}],
    "AppInstanceUsers": [
      {"AppInstanceArn": ")" + kApp + R"(", "AppInstanceUserId": "alice", "Name": "Alice"},
      {"AppInstanceArn": ")" + kApp + R"(", "AppInstanceUserId": "bob", "Name": "Bob"},
      {"AppInstanceArn": ")" + kApp + R"(", "AppInstanceUserId": "carol", "Name": "Carol"}],
    "AppInstanceAdmins": [{"AppInstanceArn": ")" + kApp + R"(", "AppInstanceAdminArn": ")" + kCarol + R"("}],
    "Channels": [{"AppInstanceArn": ")" + kApp + R"(", "Name": "General", "ChannelId": "general",
                  "Mode": "RESTRICTED", "ChimeBearer": ")" + kAlice + R"("}],
    "ChannelMemberships": [{"ChannelArn": ")" + kChannel + R"(", "MemberArn": ")" + kBob + R"(",
                            "Type": "DEFAULT", "ChimeBearer": ")" + kAlice + R"("}],
    "ChannelModerators": [{"ChannelArn": ")" + kChannel + R"(", "ChannelModeratorArn": ")" + kBob + R"(",
                           "ChimeBearer": ")" + kAlice + R"("}],
    "ChannelMessages": [
      {"ChannelArn": ")" + kChannel + R"(", "Content": "hello", "Type": "STANDARD", "Persistence": "PERSISTENT",
       "ChimeBearer": ")" + kAlice + R"(", "MessageId": ")" + kMsg1 + R"("},
      {"ChannelArn": ")" + kChannel + R"(", "Content": "hi", "Type": "STANDARD", "Persistence": "PERSISTENT",
       "ChimeBearer": ")" + kBob + R"(", "MessageId": ")" + kMsg2 + R"("}]
  })");
}

std::string ParseError(const std::string& text) {
  try {
    api::ParseSeed(text);
  } catch (const api::ApiError& e) {
    EXPECT_EQ(e.type(), api::ErrorType::kBadRequest);
    return e.what();
  }
  ADD_FAILURE() << "ParseSeed accepted " << text;
  return {};
}

TEST(SeedParseTest, NamesTheEntryAndTheRule) {
  EXPECT_NE(ParseError("{\"AppInstances\": [").find("Seed: malformed JSON"), std::string::npos);
  EXPECT_NE(ParseError("[]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(ParseError(R"({"Chanels": []})").find("unknown key \"Chanels\""), std::string::npos);
  EXPECT_NE(ParseError(R"({"Channels": {}})").find("Seed Channels: must be a list of CreateChannel inputs"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"Channels": [{"Name": "a"}, 3]})").find("Seed Channels[1]: must be a JSON object"),
            std::string::npos);
  // Unknown members, also nested ones, named with their path.
  std::string e = ParseError(R"({"Channels": [{"Name": "a", "Nmae": "b"}]})");
  EXPECT_NE(e.find("Seed Channels[0]: unknown member Nmae"), std::string::npos) << e;
  EXPECT_NE(e.find("CreateChannel takes"), std::string::npos) << e;
  e = ParseError(R"({"AppInstances": [{"Name": "a", "Tags": [{"Key": "k", "Vaule": "v"}]}]})");
  EXPECT_NE(e.find("Seed AppInstances[0]: unknown member Tags[0].Vaule"), std::string::npos) << e;
  // A fixed id only where the section allows one.
  e = ParseError(R"({"Channels": [{"Name": "a", "MessageId": "x"}]})");
  EXPECT_NE(e.find("unknown member MessageId"), std::string::npos) << e;
}

TEST(SeedParseTest, AccountAndRegionAreOptionalAndChecked) {
  EXPECT_NO_THROW(api::ParseSeed(R"({"AccountId": "111122223333", "Region": "eu-west-1", "AppInstances": []})"));
  EXPECT_NE(ParseError(R"({"AccountId": "1111"})").find("AccountId must be a string of 12 digits"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"AccountId": 111122223333})").find("AccountId"), std::string::npos);
  EXPECT_NE(ParseError(R"({"Region": "EU West"})").find("Region must be a region name"), std::string::npos);
}

TEST(SeedParseTest, FixedIdsHaveTheServiceFormatAndAreUnique) {
  std::string e = ParseError(R"({"AppInstances": [{"Name": "a", "AppInstanceId": "my-app"}]})");
  EXPECT_NE(e.find("Seed AppInstances[0]: AppInstanceId must be a lowercase UUID"), std::string::npos) << e;
  e = ParseError(R"({"AppInstances": [{"Name": "a", "AppInstanceId": "00000000-0000-4000-8000-00000000000A"}]})");
  EXPECT_NE(e.find("lowercase UUID"), std::string::npos) << e;
  e = ParseError(R"({"ChannelMessages": [{"MessageId": "abc"}]})");
  EXPECT_NE(e.find("Seed ChannelMessages[0]: MessageId must be 64 lowercase hex digits"), std::string::npos) << e;
  const std::string id(64, 'a');
  e = ParseError(R"({"ChannelMessages": [{"MessageId": ")" + id + R"("}, {"MessageId": ")" + id + R"("}]})");
  EXPECT_NE(e.find("Seed ChannelMessages[1]: MessageId " + id + " appears twice"), std::string::npos) << e;
  EXPECT_NO_THROW(api::ParseSeed(ValidSeed().dump()));
  EXPECT_NO_THROW(api::ParseSeed("{}"));
}

// Before the bound, a seed nested 100,000 deep (400 KB, under the body limit)
// overflowed the stack in the seed's recursive checks: the process died.
TEST(SeedParseTest, NestingDeeperThanTheBodyBoundIsRefusedNamingTheLimit) {
  const std::string deep = R"({"AppInstances": [{"Name": "a", "Tags": )" + std::string(100000, '[') +
                           std::string(100000, ']') + "}]}";
  std::string e = ParseError(deep);
  EXPECT_NE(e.find("Seed: JSON nested deeper than 64 levels of arrays and objects"), std::string::npos) << e;
  // At the bound the usual checks run (Tags must hold Tag objects, but unknown-member
  // checks only see objects): nothing recursive fails.
  const std::string at_bound = R"({"AppInstances": [{"Name": "a", "Tags": )" + std::string(61, '[') +
                               std::string(61, ']') + "}]}";
  EXPECT_NO_THROW(api::ParseSeed(at_bound));
}

class SeedTest : public ApiFixture {
 protected:

  Reply Seed(const std::string& body, const std::string& query = "") {
    api::HttpRequest req;
    req.method = "POST";
    req.target = "/_chime-local/seed" + query;
    req.body = body;
    api::HttpResponse res = dispatcher_->Handle(req);
    Reply r;
    r.status = res.status;
    r.raw_body = res.body;
    r.body = json::parse(res.body, nullptr, false);
    for (const auto& [k, v] : res.headers)
      if (k == "x-amzn-ErrorType") r.error = v;
    return r;
  }
  size_t AppInstanceCount() {
    auto r = Call("GET", "/app-instances");
    EXPECT_EQ(r.status, 200) << r.raw_body;
    return r.body["AppInstances"].size();
  }
  void ExpectSeeded() {
    auto ch = Call("GET", "/channels/" + Enc(kChannel), nullptr, kAlice);
    ASSERT_EQ(ch.status, 200) << ch.raw_body;
    EXPECT_EQ(ch.body["Channel"]["Name"], "General");
    EXPECT_EQ(ch.body["Channel"]["Mode"], "RESTRICTED");
    auto msgs = Call("GET", "/channels/" + Enc(kChannel) + "/messages?sort-order=ASCENDING", nullptr, kAlice);
    ASSERT_EQ(msgs.status, 200) << msgs.raw_body;
    ASSERT_EQ(msgs.body["ChannelMessages"].size(), 2u) << msgs.raw_body;
    EXPECT_EQ(msgs.body["ChannelMessages"][0]["MessageId"], kMsg1);
    EXPECT_EQ(msgs.body["ChannelMessages"][1]["MessageId"], kMsg2);
    auto mod = Call("GET", "/channels/" + Enc(kChannel) + "/moderators/" + Enc(kBob), nullptr, kAlice);
    EXPECT_EQ(mod.status, 200) << mod.raw_body;
  }
};

TEST_F(SeedTest, ValidSeedCreatesEverythingWithItsFixedIds) {
  auto r = Seed(ValidSeed().dump());
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["AppInstances"], json::array({kApp}));
  EXPECT_EQ(r.body["Channels"], json::array({kChannel}));
  EXPECT_EQ(r.body["ChannelMessages"][1], (json{{"ChannelArn", kChannel}, {"MessageId", kMsg2}}));
  ExpectSeeded();
  // ?ifEmpty=true leaves a store that holds data alone.
  r = Seed(ValidSeed().dump(), "?ifEmpty=true");
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body, (json{{"skipped", true}}));
}

TEST_F(SeedTest, ChannelFlowsAndTheirAssociationsAreSeeded) {
  const std::string flow = kApp + "/channel-flow/00000000-0000-4000-8000-0000000000f1";
  json seed = ValidSeed();
  seed.erase("ChannelMessages");  // a message in a channel with a flow would wait for its processor
  seed["ChannelFlows"] = json::array({{{"AppInstanceArn", kApp}, {"Name", "moderation"},
                                       {"ChannelFlowId", "00000000-0000-4000-8000-0000000000f1"},
                                       {"Processors", json::array({{{"Name", "p1"},
                                                                    {"Configuration",
                                                                     {{"Lambda",
                                                                       {{"ResourceArn",
                                                                         "arn:aws:lambda:us-east-1:123456789012:function:p1"},
                                                                        {"InvocationType", "ASYNC"}}}}},
                                                                    {"ExecutionOrder", 1},
                                                                    {"FallbackAction", "ABORT"}}})}}});
  seed["ChannelFlowAssociations"] =
      json::array({{{"ChannelArn", kChannel}, {"ChannelFlowArn", flow}, {"ChimeBearer", kAlice}}});
  auto r = Seed(seed.dump());
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["ChannelFlows"], json::array({flow}));
  EXPECT_EQ(r.body["ChannelFlowAssociations"][0], (json{{"ChannelArn", kChannel}, {"ChannelFlowArn", flow}}));
  auto ch = Call("GET", "/channels/" + Enc(kChannel), nullptr, kAlice);
  ASSERT_EQ(ch.status, 200) << ch.raw_body;
  EXPECT_EQ(ch.body["Channel"]["ChannelFlowArn"], flow);
  // A fixed ChannelFlowId is the seed's own: the same id again conflicts.
  seed.erase("AppInstances");
  for (const char* k : {"AppInstanceUsers", "AppInstanceAdmins", "Channels", "ChannelMemberships",
                        "ChannelModerators", "ChannelFlowAssociations"})
    seed.erase(k);
  r = Seed(seed.dump());
  EXPECT_EQ(r.status, 400) << r.raw_body;
  EXPECT_NE(r.raw_body.find("ChannelFlowId 00000000-0000-4000-8000-0000000000f1 already exists"), std::string::npos)
      << r.raw_body;
}

TEST_F(SeedTest, AFailingEntryLeavesNothingBehind) {
  json seed = ValidSeed();
  seed["ChannelMessages"][1]["ChimeBearer"] = kApp + "/user/nobody";
  auto r = Seed(seed.dump());
  EXPECT_EQ(r.status, 400) << r.raw_body;
  EXPECT_EQ(r.error, "BadRequestException");
  EXPECT_NE(r.raw_body.find("Seed ChannelMessages[1]: "), std::string::npos) << r.raw_body;
  EXPECT_EQ(AppInstanceCount(), 0u);

  // The API's validation applies: a channel name the model refuses.
  seed = ValidSeed();
  seed["Channels"][0]["Name"] = "";
  r = Seed(seed.dump());
  EXPECT_EQ(r.status, 400) << r.raw_body;
  EXPECT_NE(r.raw_body.find("Seed Channels[0]: BadRequestException: "), std::string::npos) << r.raw_body;
  EXPECT_EQ(AppInstanceCount(), 0u);

  // A fixed id that already exists in the store is a conflict, and the second
  // seed adds nothing to the first.
  ASSERT_EQ(Seed(ValidSeed().dump()).status, 200);
  json again = json::parse(R"({"AppInstances": [{"Name": "other"},
                                {"Name": "dup", "AppInstanceId": "00000000-0000-4000-8000-000000000001"}]})");
  r = Seed(again.dump());
  EXPECT_EQ(r.status, 400) << r.raw_body;
  EXPECT_NE(r.raw_body.find("Seed AppInstances[1]: ConflictException: "), std::string::npos) << r.raw_body;
  EXPECT_EQ(AppInstanceCount(), 1u);
  // The same for a message id used by another channel's message.
  json msg = json::parse(R"({"ChannelMessages": [{"ChannelArn": ")" + kChannel + R"(", "Content": "x",
      "Type": "STANDARD", "Persistence": "PERSISTENT", "ChimeBearer": ")" + kAlice + R"(",
      "MessageId": ")" + kMsg1 + R"("}]})");
  r = Seed(msg.dump());
  EXPECT_NE(r.raw_body.find("Seed ChannelMessages[0]: ConflictException: "), std::string::npos) << r.raw_body;
}

// Seeds go through the API's validator: the models bound ExpirationDays to
// 1..5475, so no seed stores 2^62 days (which overflowed the expiry arithmetic).
TEST_F(SeedTest, ValuesOutsideTheModelRangesAreRefused) {
  ASSERT_EQ(Seed(ValidSeed().dump()).status, 200);
  const std::string huge = "4611686018427387904";  // 2^62
  for (const std::string& bad :
       {R"({"Channels": [{"AppInstanceArn": ")" + kApp + R"(", "Name": "x", "ChimeBearer": ")" + kAlice +
            R"(", "ExpirationSettings": {"ExpirationDays": )" + huge +
            R"(, "ExpirationCriterion": "CREATED_TIMESTAMP"}}]})",
        R"({"AppInstanceUsers": [{"AppInstanceArn": ")" + kApp + R"(", "AppInstanceUserId": "x", "Name": "x",
            "ExpirationSettings": {"ExpirationDays": 5476, "ExpirationCriterion": "CREATED_TIMESTAMP"}}]})",
        R"({"Channels": [{"AppInstanceArn": ")" + kApp + R"(", "Name": "x", "ChimeBearer": ")" + kAlice +
            R"(", "ExpirationSettings": {"ExpirationDays": 0, "ExpirationCriterion": "CREATED_TIMESTAMP"}}]})"}) {
    auto r = Seed(bad);
    EXPECT_EQ(r.status, 400) << r.raw_body;
    EXPECT_NE(r.raw_body.find("ExpirationDays"), std::string::npos) << r.raw_body;
  }
}

TEST_F(SeedTest, TheApiCannotChooseIds) {
  auto r = Call("POST", "/app-instances",
                {{"Name", "a"}, {"ClientRequestToken", "t1"}, {"AppInstanceId", "00000000-0000-4000-8000-000000000001"},
                 {api::kSeedFixedIdMember, "00000000-0000-4000-8000-000000000001"}});
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_NE(r.body["AppInstanceArn"], kApp);
}

TEST_F(SeedTest, ResetRestoresTheStartSeed) {
  ASSERT_EQ(Seed(ValidSeed().dump()).status, 200);
  dispatcher_->fixture().SetStartSeed(api::ParseSeed(ValidSeed().dump()));
  CreateAppInstance("extra");
  ASSERT_EQ(AppInstanceCount(), 2u);
  auto r = Call("POST", "/_chime-local/reset");
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["seeded"]["AppInstances"], json::array({kApp}));
  EXPECT_EQ(AppInstanceCount(), 1u);
  ExpectSeeded();
  r = Call("POST", "/_chime-local/reset?seed=false");
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(AppInstanceCount(), 0u);
  EXPECT_EQ(Call("POST", "/_chime-local/reset?seed=maybe").status, 400);
}

}  // namespace
}  // namespace chime::testing
