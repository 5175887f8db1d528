// UpdateChannelReadMarker, Put/GetChannelMembershipPreferences,
// PutChannelExpirationSettings and SearchChannels through Dispatcher::Handle.
#include <set>

#include "tests/unit/api_fixture.hpp"

namespace chime::testing {
namespace {

class ChannelPreferencesTest : public ChannelCastFixture {
 protected:
  std::string MakeChannel(json body = json::object(), const std::string& bearer = "") {
    body["AppInstanceArn"] = app_;
    if (!body.contains("Name")) body["Name"] = "chan";
    body["ClientRequestToken"] = NextToken();
    auto r = Call("POST", "/channels", body, bearer.empty() ? owner_ : bearer);
    EXPECT_EQ(r.status, 201) << r.raw_body;
    return r.body.value("ChannelArn", "");
  }
  Reply ReadMarker(const std::string& ch, const std::string& bearer) {
    return Call("PUT", "/channels/" + Enc(ch) + "/readMarker", nullptr, bearer);
  }
  std::string PrefsPath(const std::string& ch, const std::string& member) {
    return "/channels/" + Enc(ch) + "/memberships/" + Enc(member) + "/preferences";
  }
  Reply PutPrefs(const std::string& ch, const std::string& member, const json& prefs, const std::string& bearer) {
    return Call("PUT", PrefsPath(ch, member), {{"Preferences", prefs}}, bearer);
  }
  Reply GetPrefs(const std::string& ch, const std::string& member, const std::string& bearer) {
    return Call("GET", PrefsPath(ch, member), nullptr, bearer);
  }
  Reply PutExpiration(const std::string& ch, const json& body, const std::string& bearer) {
    return Call("PUT", "/channels/" + Enc(ch) + "/expiration-settings", body, bearer);
  }
  Reply Search(const std::vector<json>& fields, const std::string& bearer, const std::string& query = "") {
    return Call("POST", "/channels?operation=search" + query, {{"Fields", json(fields)}}, bearer);
  }
  static json Field(const std::string& op, const std::vector<std::string>& values) {
    return {{"Key", "MEMBERS"}, {"Operator", op}, {"Values", values}};
  }
  static std::set<std::string> Arns(const Reply& r) {
    std::set<std::string> out;
    for (const auto& c : r.body["Channels"]) out.insert(c["ChannelArn"].get<std::string>());
    return out;
  }

};

// --- UpdateChannelReadMarker --------------------------------------------------

TEST_F(ChannelPreferencesTest, ReadMarkerStoredForMemberAndShownInMembershipSummary) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  auto r = ReadMarker(ch, alice_);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body, (json{{"ChannelArn", ch}}));
  auto d = Call("GET", "/channels/" + Enc(ch) + "?scope=app-instance-user-membership&app-instance-user-arn=" +
                           Enc(alice_), nullptr, alice_);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  const json& s = d.body["ChannelMembership"]["AppInstanceUserMembershipSummary"];
  ASSERT_TRUE(s.contains("ReadMarkerTimestamp")) << d.raw_body;
  EXPECT_TRUE(s["ReadMarkerTimestamp"].is_number());
  EXPECT_LT(s["ReadMarkerTimestamp"].get<double>(), 1e11);  // seconds
}

TEST_F(ChannelPreferencesTest, ReadMarkerNeedsOwnMembershipEvenForAdminsAndModerators) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}, {"ModeratorArns", {carol_}}});
  EXPECT_EQ(ReadMarker(ch, carol_).error, "ForbiddenException");  // moderator, not member
  EXPECT_EQ(ReadMarker(ch, owner_).status, 200);                  // the creator is a member
  EXPECT_EQ(ReadMarker(ch, admin_).error, "ForbiddenException");
  EXPECT_EQ(ReadMarker(ch, bob_).error, "ForbiddenException");
  auto add = Call("POST", "/channels/" + Enc(ch) + "/memberships", {{"MemberArn", admin_}, {"Type", "DEFAULT"}}, admin_);
  ASSERT_EQ(add.status, 201) << add.raw_body;
  EXPECT_EQ(ReadMarker(ch, admin_).status, 200);
  EXPECT_EQ(ReadMarker(app_ + "/channel/nope", alice_).error, "ForbiddenException");  // NotFound not modeled
}

TEST_F(ChannelPreferencesTest, ReadMarkerRefusedOnElasticChannel) {
  auto ch = MakeChannel({{"Mode", "RESTRICTED"},
                         {"ElasticChannelConfiguration",
                          {{"MaximumSubChannels", 2}, {"TargetMembershipsPerSubChannel", 2},
                           {"MinimumMembershipPercentage", 10}}}});
  auto add = Call("POST", "/channels/" + Enc(ch) + "/memberships", {{"MemberArn", alice_}, {"Type", "DEFAULT"}}, owner_);
  ASSERT_EQ(add.status, 201) << add.raw_body;
  auto r = ReadMarker(ch, alice_);
  EXPECT_EQ(r.error, "BadRequestException") << r.raw_body;
}

// --- Put/GetChannelMembershipPreferences -----------------------------------------

TEST_F(ChannelPreferencesTest, PreferencesRoundTripForOwnMembership) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  auto empty = GetPrefs(ch, alice_, alice_);
  ASSERT_EQ(empty.status, 200) << empty.raw_body;
  EXPECT_EQ(empty.body["ChannelArn"], ch);
  EXPECT_EQ(empty.body["Member"], (json{{"Arn", alice_}, {"Name", "Alice"}}));
  EXPECT_FALSE(empty.body.contains("Preferences"));

  json prefs = {{"PushNotifications", {{"AllowNotifications", "FILTERED"}, {"FilterRule", "{\"topic\":[\"a\"]}"}}}};
  auto put = PutPrefs(ch, alice_, prefs, alice_);
  ASSERT_EQ(put.status, 200) << put.raw_body;
  EXPECT_EQ(put.body["Preferences"], prefs);
  EXPECT_EQ(put.body["Member"]["Arn"], alice_);
  auto got = GetPrefs(ch, alice_, alice_);
  EXPECT_EQ(got.body["Preferences"], prefs);

  json none = {{"PushNotifications", {{"AllowNotifications", "NONE"}}}};
  ASSERT_EQ(PutPrefs(ch, alice_, none, alice_).status, 200);
  EXPECT_EQ(GetPrefs(ch, alice_, alice_).body["Preferences"], none);
}

TEST_F(ChannelPreferencesTest, FilteredWithoutFilterRuleOrWithNonObjectRuleIsBadRequest) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  auto r = PutPrefs(ch, alice_, {{"PushNotifications", {{"AllowNotifications", "FILTERED"}}}}, alice_);
  EXPECT_EQ(r.error, "BadRequestException") << r.raw_body;
  r = PutPrefs(ch, alice_, {{"PushNotifications", {{"AllowNotifications", "FILTERED"}, {"FilterRule", "nope"}}}},
               alice_);
  EXPECT_EQ(r.error, "BadRequestException") << r.raw_body;
  r = PutPrefs(ch, alice_, {{"PushNotifications", {{"AllowNotifications", "SOME"}}}}, alice_);
  EXPECT_EQ(r.error, "BadRequestException") << r.raw_body;  // enum, by the validator
  EXPECT_FALSE(GetPrefs(ch, alice_, alice_).body.contains("Preferences"));  // nothing stored
}

TEST_F(ChannelPreferencesTest, OnlyTheMemberItselfMayReadOrSetPreferences) {
  auto ch = MakeChannel({{"MemberArns", {alice_, bob_}}});
  json all = {{"PushNotifications", {{"AllowNotifications", "ALL"}}}};
  EXPECT_EQ(PutPrefs(ch, alice_, all, admin_).error, "ForbiddenException");
  EXPECT_EQ(PutPrefs(ch, alice_, all, owner_).error, "ForbiddenException");  // moderator
  EXPECT_EQ(PutPrefs(ch, alice_, all, bob_).error, "ForbiddenException");
  EXPECT_EQ(GetPrefs(ch, alice_, admin_).error, "ForbiddenException");
  EXPECT_EQ(GetPrefs(ch, alice_, bob_).error, "ForbiddenException");
  // Not a member: Forbidden (NotFound is not modeled for these operations).
  EXPECT_EQ(GetPrefs(ch, carol_, carol_).error, "ForbiddenException");
  EXPECT_EQ(PutPrefs(ch, carol_, all, carol_).error, "ForbiddenException");
}

TEST_F(ChannelPreferencesTest, BannedMemberCannotUsePreferences) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  ASSERT_EQ(Call("POST", "/channels/" + Enc(ch) + "/bans", {{"MemberArn", alice_}}, owner_).status, 201);
  auto r = GetPrefs(ch, alice_, alice_);
  EXPECT_EQ(r.error, "ForbiddenException");
  EXPECT_NE(r.body.value("Message", "").find("banned"), std::string::npos) << r.raw_body;
}

// --- PutChannelExpirationSettings --------------------------------------------

TEST_F(ChannelPreferencesTest, ExpirationSetByModeratorShownByDescribeAndCleared) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  json settings = {{"ExpirationDays", 30}, {"ExpirationCriterion", "LAST_MESSAGE_TIMESTAMP"}};
  auto r = PutExpiration(ch, {{"ExpirationSettings", settings}}, owner_);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body, (json{{"ChannelArn", ch}, {"ExpirationSettings", settings}}));
  auto d = Call("GET", "/channels/" + Enc(ch), nullptr, alice_);
  EXPECT_EQ(d.body["Channel"]["ExpirationSettings"], settings);

  EXPECT_EQ(PutExpiration(ch, {{"ExpirationSettings", {{"ExpirationDays", 2}, {"ExpirationCriterion",
                                                                                 "CREATED_TIMESTAMP"}}}},
                          admin_).status, 200);
  auto clear = PutExpiration(ch, json::object(), admin_);
  ASSERT_EQ(clear.status, 200) << clear.raw_body;
  EXPECT_EQ(clear.body, (json{{"ChannelArn", ch}}));
  EXPECT_FALSE(Call("GET", "/channels/" + Enc(ch), nullptr, alice_).body["Channel"].contains("ExpirationSettings"));
}

TEST_F(ChannelPreferencesTest, ExpirationRefusedForMembersAndValidated) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  json settings = {{"ExpirationDays", 30}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}};
  EXPECT_EQ(PutExpiration(ch, {{"ExpirationSettings", settings}}, alice_).error, "ForbiddenException");
  EXPECT_EQ(PutExpiration(ch, {{"ExpirationSettings", settings}}, bob_).error, "ForbiddenException");
  EXPECT_EQ(PutExpiration(ch, {{"ExpirationSettings", {{"ExpirationDays", 0}, {"ExpirationCriterion",
                                                                                 "CREATED_TIMESTAMP"}}}},
                          owner_).error, "BadRequestException");
  EXPECT_EQ(PutExpiration(app_ + "/channel/nope", {{"ExpirationSettings", settings}}, owner_).error,
            "ForbiddenException");
}

TEST_F(ChannelPreferencesTest, ExpirationWithoutBearerIsTheAccountLevelCaller) {
  auto ch = MakeChannel();
  json settings = {{"ExpirationDays", 5}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}};
  auto r = PutExpiration(ch, {{"ExpirationSettings", settings}}, "");
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["ExpirationSettings"], settings);
  EXPECT_EQ(PutExpiration(app_ + "/channel/nope", {{"ExpirationSettings", settings}}, "").error,
            "ForbiddenException");
}

// --- SearchChannels ---------------------------------------------------------

TEST_F(ChannelPreferencesTest, SearchIncludesAndEqualsOverMemberships) {
  auto ab = MakeChannel({{"Name", "ab"}, {"MemberArns", {alice_, bob_}}});
  auto abc = MakeChannel({{"Name", "abc"}, {"MemberArns", {alice_, bob_, carol_}}});
  auto a = MakeChannel({{"Name", "a"}, {"MemberArns", {alice_}}});
  auto bc = MakeChannel({{"Name", "bc"}, {"MemberArns", {bob_, carol_}}});

  EXPECT_EQ(Arns(Search({Field("INCLUDES", {alice_, bob_})}, admin_)), (std::set<std::string>{ab, abc}));
  // The creator (owner_) is a member of each channel, so EQUALS counts it.
  EXPECT_EQ(Arns(Search({Field("EQUALS", {bob_, alice_, owner_})}, admin_)), (std::set<std::string>{ab}));
  EXPECT_TRUE(Arns(Search({Field("EQUALS", {bob_, alice_})}, admin_)).empty());
  EXPECT_EQ(Arns(Search({Field("INCLUDES", {alice_})}, admin_)), (std::set<std::string>{ab, abc, a}));
  EXPECT_EQ(Arns(Search({Field("INCLUDES", {owner_})}, admin_)), (std::set<std::string>{ab, abc, a, bc}));
  EXPECT_EQ(Arns(Search({Field("EQUALS", {owner_, alice_})}, admin_)), (std::set<std::string>{a}));
  // Fields are ANDed.
  EXPECT_EQ(Arns(Search({Field("INCLUDES", {alice_}), Field("INCLUDES", {carol_})}, admin_)),
            (std::set<std::string>{abc}));
  EXPECT_EQ(Arns(Search({Field("EQUALS", {owner_, bob_, carol_}), Field("INCLUDES", {carol_})}, admin_)),
            (std::set<std::string>{bc}));
  EXPECT_TRUE(Arns(Search({Field("EQUALS", {bob_, carol_}), Field("INCLUDES", {alice_})}, admin_)).empty());
  EXPECT_TRUE(Arns(Search({Field("EQUALS", {alice_}), Field("EQUALS", {bob_})}, admin_)).empty());
  auto r = Search({Field("INCLUDES", {app_ + "/user/ghost"})}, admin_);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_TRUE(r.body["Channels"].empty());
  // ChannelSummary shape.
  auto one = Search({Field("EQUALS", {owner_, alice_})}, admin_);
  EXPECT_EQ(one.body["Channels"][0], (json{{"Name", "a"}, {"ChannelArn", a}, {"Mode", "UNRESTRICTED"},
                                          {"Privacy", "PUBLIC"}}));
}

TEST_F(ChannelPreferencesTest, SearchByPlainUserSeesOnlyChannelsItBelongsTo) {
  auto with_alice = MakeChannel({{"MemberArns", {alice_, bob_}}});
  auto without_alice = MakeChannel({{"MemberArns", {bob_}}});
  auto priv = MakeChannel({{"Privacy", "PRIVATE"}, {"MemberArns", {bob_}}});
  auto moderated = MakeChannel({{"MemberArns", {bob_}}}, alice_);  // alice creates => moderator
  EXPECT_EQ(Arns(Search({Field("INCLUDES", {bob_})}, alice_)), (std::set<std::string>{with_alice, moderated}));
  EXPECT_EQ(Arns(Search({Field("INCLUDES", {bob_})}, admin_)),
            (std::set<std::string>{with_alice, without_alice, priv, moderated}));
  // Another app instance's admin sees none of these.
  auto other = CreateAppInstance("other");
  auto other_admin = CreateUser(other, "oa");
  ASSERT_EQ(Call("POST", "/app-instances/" + Enc(other) + "/admins", {{"AppInstanceAdminArn", other_admin}}).status,
            201);
  EXPECT_TRUE(Arns(Search({Field("INCLUDES", {bob_})}, other_admin)).empty());
}

TEST_F(ChannelPreferencesTest, SearchNeedsAValidBearer) {
  auto r = Search({Field("INCLUDES", {alice_})}, "");
  EXPECT_EQ(r.error, "BadRequestException") << r.raw_body;
  EXPECT_NE(r.body.value("Message", "").find("ChimeBearer"), std::string::npos) << r.raw_body;
  EXPECT_EQ(Search({Field("INCLUDES", {alice_})}, app_ + "/user/ghost").error, "UnauthorizedClientException");
}

TEST_F(ChannelPreferencesTest, SearchPagesWithNextTokenBoundToTheSearch) {
  std::set<std::string> all;
  for (int i = 0; i < 5; ++i) all.insert(MakeChannel({{"MemberArns", {alice_}}}));
  MakeChannel({{"MemberArns", {bob_}}});
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto r = Search({Field("INCLUDES", {alice_})}, admin_, "&max-results=2" + (token.empty() ? "" : "&next-token=" + Enc(token)));
    ASSERT_EQ(r.status, 200) << r.raw_body;
    EXPECT_LE(r.body["Channels"].size(), 2u);
    for (const auto& c : r.body["Channels"]) EXPECT_TRUE(seen.insert(c["ChannelArn"].get<std::string>()).second);
    token = r.body.value("NextToken", "");
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, all);
  EXPECT_EQ(pages, 3);
  auto first = Search({Field("INCLUDES", {alice_})}, admin_, "&max-results=2");
  const std::string t = first.body["NextToken"];
  auto other = Search({Field("INCLUDES", {bob_})}, admin_, "&next-token=" + Enc(t));
  EXPECT_EQ(other.error, "BadRequestException") << other.raw_body;
}

}  // namespace
}  // namespace chime::testing
