// Channel, membership, moderator and ban rules through Dispatcher::Handle.
#include <set>

#include "tests/unit/api_fixture.hpp"

namespace chime::testing {
namespace {

class ChannelsTest : public ChannelCastFixture {
 protected:
  Reply CreateChannel(const std::string& bearer, json body) {
    if (!body.contains("AppInstanceArn")) body["AppInstanceArn"] = app_;
    if (!body.contains("Name")) body["Name"] = "chan";
    if (!body.contains("ClientRequestToken")) body["ClientRequestToken"] = NextToken();
    return Call("POST", "/channels", body, bearer);
  }
  std::string MakeChannel(json body = json::object(), const std::string& bearer = "") {
    auto r = CreateChannel(bearer.empty() ? owner_ : bearer, std::move(body));
    EXPECT_EQ(r.status, 201) << r.raw_body;
    return r.body.value("ChannelArn", "");
  }
  Reply AddMember(const std::string& channel, const std::string& member, const std::string& bearer,
                  const std::string& type = "DEFAULT") {
    return Call("POST", "/channels/" + Enc(channel) + "/memberships", {{"MemberArn", member}, {"Type", type}},
                bearer);
  }
  Reply Describe(const std::string& channel, const std::string& bearer) {
    return Call("GET", "/channels/" + Enc(channel), nullptr, bearer);
  }
  std::set<std::string> MemberArns(const Reply& r) {
    std::set<std::string> out;
    for (const auto& m : r.body["ChannelMemberships"]) out.insert(m["Member"]["Arn"].get<std::string>());
    return out;
  }

};

// --- CreateChannel / DescribeChannel ----------------------------------------

TEST_F(ChannelsTest, CreateChannelDefaultsAndDescribeShape) {
  auto r = CreateChannel(owner_, {{"Name", "general"}, {"Metadata", "m"}});
  ASSERT_EQ(r.status, 201) << r.raw_body;
  const std::string arn = r.body["ChannelArn"];
  EXPECT_EQ(arn.rfind(app_ + "/channel/", 0), 0u) << arn;
  auto d = Describe(arn, owner_);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  const json& c = d.body["Channel"];
  EXPECT_EQ(c["Name"], "general");
  EXPECT_EQ(c["ChannelArn"], arn);
  EXPECT_EQ(c["Mode"], "UNRESTRICTED");
  EXPECT_EQ(c["Privacy"], "PUBLIC");
  EXPECT_EQ(c["Metadata"], "m");
  EXPECT_EQ(c["CreatedBy"]["Arn"], owner_);
  EXPECT_EQ(c["CreatedBy"]["Name"], "Owner");
  EXPECT_TRUE(c["CreatedTimestamp"].is_number());
  EXPECT_TRUE(c["LastUpdatedTimestamp"].is_number());
  EXPECT_LT(c["CreatedTimestamp"].get<double>(), 1e11);  // seconds, not ms
  EXPECT_FALSE(c.contains("LastMessageTimestamp"));
  EXPECT_FALSE(c.contains("ElasticChannelConfiguration"));
}

TEST_F(ChannelsTest, ChannelIdNamesTheArnAndDuplicateIsConflict) {
  auto r = CreateChannel(owner_, {{"ChannelId", "room-1"}});
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["ChannelArn"], app_ + "/channel/room-1");
  auto dup = CreateChannel(alice_, {{"ChannelId", "room-1"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error, "ConflictException");
}

TEST_F(ChannelsTest, ClientRequestTokenIsIdempotentPerBearer) {
  auto a = CreateChannel(owner_, {{"Name", "x"}, {"ClientRequestToken", "tok-1"}});
  auto b = CreateChannel(owner_, {{"Name", "x"}, {"ClientRequestToken", "tok-1"}});
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  EXPECT_EQ(a.body["ChannelArn"], b.body["ChannelArn"]);
  auto c = CreateChannel(owner_, {{"Name", "y"}, {"ClientRequestToken", "tok-1"}});
  EXPECT_EQ(c.error, "ConflictException");
  // Another bearer has its own token scope.
  auto d = CreateChannel(alice_, {{"Name", "x"}, {"ClientRequestToken", "tok-1"}});
  ASSERT_EQ(d.status, 201);
  EXPECT_NE(d.body["ChannelArn"], a.body["ChannelArn"]);
}

TEST_F(ChannelsTest, CreateChannelBearerOfOtherAppInstanceIsForbidden) {
  auto other_app = CreateAppInstance("other");
  auto stranger = CreateUser(other_app, "stranger");
  auto r = CreateChannel(stranger, {});
  EXPECT_EQ(r.error, "ForbiddenException") << r.raw_body;
}

TEST_F(ChannelsTest, UnknownBearerIsUnauthorized) {
  auto r = CreateChannel(app_ + "/user/ghost", {});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error, "UnauthorizedClientException");
}

TEST_F(ChannelsTest, CreateChannelWithMembersModeratorsTagsElasticExpiration) {
  auto r = CreateChannel(owner_, {{"MemberArns", {alice_, bob_}},
                                  {"ModeratorArns", {carol_}},
                                  {"Tags", {{{"Key", "k"}, {"Value", "v"}}}},
                                  {"ExpirationSettings", {{"ExpirationDays", 7}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}}}});
  ASSERT_EQ(r.status, 201) << r.raw_body;
  const std::string ch = r.body["ChannelArn"];
  auto members = Call("GET", "/channels/" + Enc(ch) + "/memberships", nullptr, alice_);
  EXPECT_EQ(MemberArns(members), (std::set<std::string>{owner_, alice_, bob_}));  // creator is a member
  auto mods = Call("GET", "/channels/" + Enc(ch) + "/moderators", nullptr, carol_);
  ASSERT_EQ(mods.status, 200) << mods.raw_body;
  std::set<std::string> mod_arns;
  for (const auto& m : mods.body["ChannelModerators"]) mod_arns.insert(m["Moderator"]["Arn"].get<std::string>());
  EXPECT_EQ(mod_arns, (std::set<std::string>{owner_, carol_}));  // creator is a moderator
  auto d = Describe(ch, alice_);
  EXPECT_EQ(d.body["Channel"]["ExpirationSettings"]["ExpirationDays"], 7);
  EXPECT_EQ(d.body["Channel"]["ExpirationSettings"]["ExpirationCriterion"], "CREATED_TIMESTAMP");
  auto tags = Call("GET", "/tags?arn=" + Enc(ch));
  ASSERT_EQ(tags.status, 200) << tags.raw_body;
  EXPECT_EQ(tags.body["Tags"][0]["Key"], "k");
}

TEST_F(ChannelsTest, CreateChannelMemberOfOtherAppInstanceFailsAtomically) {
  auto other_app = CreateAppInstance("other");
  auto stranger = CreateUser(other_app, "stranger");
  auto r = CreateChannel(owner_, {{"ChannelId", "atomic"}, {"MemberArns", {alice_, stranger}}});
  EXPECT_EQ(r.error, "ForbiddenException") << r.raw_body;  // NotFound is not modeled for CreateChannel
  EXPECT_EQ(Describe(app_ + "/channel/atomic", owner_).error, "ForbiddenException");  // nothing created
}

TEST_F(ChannelsTest, PrivateChannelDescribeOnlyForMembersModeratorsAdmins) {
  auto ch = MakeChannel({{"Privacy", "PRIVATE"}, {"MemberArns", {alice_}}});
  EXPECT_EQ(Describe(ch, owner_).status, 200);  // moderator (creator)
  EXPECT_EQ(Describe(ch, alice_).status, 200);  // member
  EXPECT_EQ(Describe(ch, admin_).status, 200);  // admin
  EXPECT_EQ(Describe(ch, bob_).error, "ForbiddenException");
  auto pub = MakeChannel();
  EXPECT_EQ(Describe(pub, bob_).status, 200);
}

TEST_F(ChannelsTest, DescribeUnknownChannelIsForbiddenBecauseNotFoundIsNotModeled) {
  auto r = Describe(app_ + "/channel/nope", owner_);
  EXPECT_EQ(r.error, "ForbiddenException");
}

TEST_F(ChannelsTest, ElasticChannelConfigurationEchoedAndSubChannelsAssigned) {
  auto ch = MakeChannel({{"Mode", "RESTRICTED"},
                         {"ElasticChannelConfiguration",
                          {{"MaximumSubChannels", 2}, {"TargetMembershipsPerSubChannel", 2},
                           {"MinimumMembershipPercentage", 10}}}});
  auto d = Describe(ch, owner_);
  EXPECT_EQ(d.body["Channel"]["ElasticChannelConfiguration"]["MaximumSubChannels"], 2);
  EXPECT_EQ(d.body["Channel"]["ElasticChannelConfiguration"]["TargetMembershipsPerSubChannel"], 2);
  EXPECT_EQ(d.body["Channel"]["ElasticChannelConfiguration"]["MinimumMembershipPercentage"], 10);
  // Elastic: the creator is a moderator only (members live in SubChannels).
  EXPECT_EQ(Call("GET", "/channels/" + Enc(ch) + "/memberships/" + Enc(owner_), nullptr, owner_).error,
            "NotFoundException");
  EXPECT_TRUE(MemberArns(Call("GET", "/channels/" + Enc(ch) + "/memberships", nullptr, owner_)).empty());
  EXPECT_EQ(Call("GET", "/channels/" + Enc(ch) + "/moderators/" + Enc(owner_), nullptr, owner_).status, 200);
  auto dave = CreateUser(app_, "dave");
  auto erin = CreateUser(app_, "erin");
  std::vector<std::string> subs;
  for (const auto& u : {alice_, bob_, carol_}) {
    auto r = AddMember(ch, u, owner_);
    ASSERT_EQ(r.status, 201) << r.raw_body;
    subs.push_back(r.body.value("SubChannelId", ""));
  }
  EXPECT_EQ(subs, (std::vector<std::string>{"1", "1", "2"}));
  EXPECT_EQ(AddMember(ch, dave, owner_).body["SubChannelId"], "2");
  auto full = AddMember(ch, erin, owner_);
  EXPECT_EQ(full.error, "ResourceLimitExceededException") << full.raw_body;
  EXPECT_EQ(AddMember(ch, erin, owner_, "HIDDEN").error, "BadRequestException");
  auto d2 = Call("GET", "/channels/" + Enc(ch) + "/memberships/" + Enc(carol_), nullptr, owner_);
  EXPECT_EQ(d2.body["ChannelMembership"]["SubChannelId"], "2");
  auto subs_list = Call("GET", "/channels/" + Enc(ch) + "/subchannels", nullptr, owner_);
  ASSERT_EQ(subs_list.status, 200) << subs_list.raw_body;
  ASSERT_EQ(subs_list.body["SubChannels"].size(), 2u);
  EXPECT_EQ(subs_list.body["SubChannels"][0]["SubChannelId"], "1");
  EXPECT_EQ(subs_list.body["SubChannels"][0]["MembershipCount"], 2);
  EXPECT_EQ(Call("GET", "/channels/" + Enc(ch) + "/subchannels", nullptr, alice_).error, "ForbiddenException");
}

// --- the creator --------------------------------------------------------------------

TEST_F(ChannelsTest, CreatorIsADefaultMemberAndAModeratorAndSendsRightAway) {
  for (const char* mode : {"UNRESTRICTED", "RESTRICTED"}) {
    for (const char* privacy : {"PUBLIC", "PRIVATE"}) {
      SCOPED_TRACE(std::string(mode) + " " + privacy);
      auto ch = MakeChannel({{"Mode", mode}, {"Privacy", privacy}});
      auto send = Call("POST", "/channels/" + Enc(ch) + "/messages",
                       {{"Content", "hi"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
                        {"ClientRequestToken", NextToken()}},
                       owner_);
      EXPECT_EQ(send.status, 201) << send.raw_body;
      auto d = Call("GET", "/channels/" + Enc(ch) + "/memberships/" + Enc(owner_), nullptr, owner_);
      ASSERT_EQ(d.status, 200) << d.raw_body;
      EXPECT_EQ(d.body["ChannelMembership"]["Type"], "DEFAULT");
      EXPECT_EQ(d.body["ChannelMembership"]["InvitedBy"]["Arn"], owner_);
      EXPECT_EQ(d.body["ChannelMembership"]["Member"]["Name"], "Owner");
      EXPECT_EQ(MemberArns(Call("GET", "/channels/" + Enc(ch) + "/memberships", nullptr, owner_)),
                std::set<std::string>{owner_});
      EXPECT_EQ(Call("GET", "/channels/" + Enc(ch) + "/moderators/" + Enc(owner_), nullptr, owner_).status, 200);
      // Adding the creator again: ConflictException ("already a member from creation").
      EXPECT_EQ(AddMember(ch, owner_, owner_).error, "ConflictException");
      EXPECT_EQ(AddMember(ch, owner_, admin_).error, "ConflictException");
    }
  }
  // The creator's memberships appear in its own per-user listing.
  auto mine = Call("GET", "/channels?scope=app-instance-user-memberships", nullptr, owner_);
  ASSERT_EQ(mine.status, 200) << mine.raw_body;
  EXPECT_EQ(mine.body["ChannelMemberships"].size(), 4u);
  for (const auto& m : mine.body["ChannelMemberships"]) {
    EXPECT_EQ(m["AppInstanceUserMembershipSummary"]["Type"], "DEFAULT");
  }
}

TEST_F(ChannelsTest, CreatorNamedInMemberArnsIsAddedOnce) {
  auto ch = MakeChannel({{"MemberArns", {owner_, alice_}}, {"ModeratorArns", {owner_}}});
  EXPECT_EQ(MemberArns(Call("GET", "/channels/" + Enc(ch) + "/memberships", nullptr, owner_)),
            (std::set<std::string>{owner_, alice_}));
  auto count = db_->Prepare("SELECT COUNT(*) FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?");
  count.BindAll(ch, owner_);
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(count.Int(0), 1);
}

TEST_F(ChannelsTest, OtherModeratorsNamedAtCreationAreNotMembers) {
  auto ch = MakeChannel({{"ModeratorArns", {carol_}}});
  EXPECT_EQ(Call("GET", "/channels/" + Enc(ch) + "/memberships/" + Enc(carol_), nullptr, owner_).error,
            "NotFoundException");
  auto send = Call("POST", "/channels/" + Enc(ch) + "/messages",
                   {{"Content", "hi"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
                    {"ClientRequestToken", NextToken()}},
                   carol_);
  EXPECT_EQ(send.error, "ForbiddenException") << send.raw_body;
}

// --- moderator reads are for moderators and admins --------------------------------------

TEST_F(ChannelsTest, ModeratorListAndDescribeDeniedToMembersAndNonMembersOnPublicChannels) {
  auto ch = MakeChannel({{"Privacy", "PUBLIC"}, {"MemberArns", {alice_}}, {"ModeratorArns", {carol_}}});
  const std::string list = "/channels/" + Enc(ch) + "/moderators";
  const std::string one = list + "/" + Enc(owner_);
  for (const auto& who : {alice_, bob_}) {  // plain member, non-member
    SCOPED_TRACE(who);
    auto l = Call("GET", list, nullptr, who);
    EXPECT_EQ(l.status, 403) << l.raw_body;
    EXPECT_EQ(l.error, "ForbiddenException");
    EXPECT_NE(l.body.value("Message", "").find("moderator"), std::string::npos) << l.raw_body;
    EXPECT_EQ(Call("GET", one, nullptr, who).error, "ForbiddenException");
  }
  for (const auto& who : {owner_, carol_, admin_}) {  // creator, moderator, AppInstanceAdmin
    SCOPED_TRACE(who);
    auto l = Call("GET", list, nullptr, who);
    ASSERT_EQ(l.status, 200) << l.raw_body;
    EXPECT_EQ(l.body["ChannelModerators"].size(), 2u);
    EXPECT_EQ(Call("GET", one, nullptr, who).status, 200);
  }
}

// --- bans go with their user or bot ----------------------------------------------------

TEST_F(ChannelsTest, DeletingAUserRemovesItsBansAndARecreatedUserIsNotBanned) {
  auto ch = MakeChannel({{"MemberArns", {bob_}}});
  auto other = MakeChannel();
  const std::string bans = "/channels/" + Enc(ch) + "/bans";
  ASSERT_EQ(Call("POST", bans, {{"MemberArn", bob_}}, owner_).status, 201);
  ASSERT_EQ(Call("POST", "/channels/" + Enc(other) + "/bans", {{"MemberArn", bob_}}, owner_).status, 201);
  ASSERT_EQ(Call("POST", bans, {{"MemberArn", carol_}}, owner_).status, 201);
  ASSERT_EQ(Call("DELETE", "/app-instance-users/" + Enc(bob_)).status, 204);
  auto count = db_->Prepare("SELECT COUNT(*) FROM channel_bans WHERE member_arn = ?");
  count.BindAll(bob_);
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(count.Int(0), 0);
  // Same AppInstanceUserId, same ARN: a new user, not banned anywhere.
  ASSERT_EQ(CreateUser(app_, "bob", "Bob again"), bob_);
  EXPECT_EQ(Call("GET", bans + "/" + Enc(bob_), nullptr, owner_).error, "NotFoundException");
  EXPECT_EQ(AddMember(ch, bob_, owner_).status, 201);
  EXPECT_EQ(AddMember(other, bob_, owner_).status, 201);
  // Other users' bans stay.
  EXPECT_EQ(Call("GET", bans + "/" + Enc(carol_), nullptr, owner_).status, 200);
}

TEST_F(ChannelsTest, DeletingABotRemovesItsBans) {
  auto bot = Call("POST", "/app-instance-bots",
                  {{"AppInstanceArn", app_},
                   {"Name", "bot"},
                   {"ClientRequestToken", NextToken()},
                   {"Configuration",
                    {{"Lex",
                      {{"LexBotAliasArn", "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST"},
                       {"LocaleId", "en_US"},
                       {"InvokedBy", {{"StandardMessages", "AUTO"}, {"TargetedMessages", "ALL"}}}}}}}});
  ASSERT_EQ(bot.status, 201) << bot.raw_body;
  const std::string bot_arn = bot.body["AppInstanceBotArn"];
  auto ch = MakeChannel();
  ASSERT_EQ(Call("POST", "/channels/" + Enc(ch) + "/bans", {{"MemberArn", bot_arn}}, owner_).status, 201);
  ASSERT_EQ(Call("DELETE", "/app-instance-bots/" + Enc(bot_arn)).status, 204);
  auto l = Call("GET", "/channels/" + Enc(ch) + "/bans", nullptr, owner_);
  ASSERT_EQ(l.status, 200) << l.raw_body;
  EXPECT_TRUE(l.body["ChannelBans"].empty()) << l.raw_body;
}

// --- ListChannels -------------------------------------------------------------

TEST_F(ChannelsTest, ListChannelsPrivacyRules) {
  auto pub = MakeChannel({{"Name", "pub"}});
  auto priv = MakeChannel({{"Name", "priv"}, {"Privacy", "PRIVATE"}});
  auto list = [&](const std::string& bearer, const std::string& q) {
    return Call("GET", "/channels?app-instance-arn=" + Enc(app_) + q, nullptr, bearer);
  };
  auto arns = [](const Reply& r) {
    std::set<std::string> s;
    for (const auto& c : r.body["Channels"]) s.insert(c["ChannelArn"].get<std::string>());
    return s;
  };
  EXPECT_EQ(arns(list(alice_, "")), std::set<std::string>{pub});
  EXPECT_EQ(arns(list(alice_, "&privacy=PUBLIC")), std::set<std::string>{pub});
  EXPECT_EQ(list(alice_, "&privacy=PRIVATE").error, "ForbiddenException");
  EXPECT_EQ(arns(list(admin_, "&privacy=PRIVATE")), std::set<std::string>{priv});
  EXPECT_EQ(arns(list(admin_, "")), (std::set<std::string>{pub, priv}));
  auto summary = list(alice_, "").body["Channels"][0];
  EXPECT_EQ(summary["Name"], "pub");
  EXPECT_EQ(summary["Mode"], "UNRESTRICTED");
  EXPECT_EQ(summary["Privacy"], "PUBLIC");
  EXPECT_FALSE(summary.contains("CreatedBy"));
}

TEST_F(ChannelsTest, ListChannelsPaginationStableUnderInserts) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(MakeChannel({{"Name", "c" + std::to_string(i)}}));
  const std::string base = "/channels?app-instance-arn=" + Enc(app_) + "&max-results=2";
  std::vector<std::string> seen;
  auto page = Call("GET", base, nullptr, alice_);
  int pages = 0;
  while (true) {
    ASSERT_EQ(page.status, 200) << page.raw_body;
    ++pages;
    for (const auto& c : page.body["Channels"]) seen.push_back(c["ChannelArn"]);
    if (pages == 1) created.push_back(MakeChannel({{"Name", "late"}}));  // insert mid-listing
    if (!page.body.contains("NextToken")) break;
    page = Call("GET", base + "&next-token=" + Enc(page.body["NextToken"]), nullptr, alice_);
  }
  EXPECT_EQ(seen, created);
  // A token from another listing is refused.
  auto first = Call("GET", base, nullptr, alice_);
  auto other = Call("GET", "/channels?app-instance-arn=" + Enc(app_) + "&privacy=PRIVATE&next-token=" +
                               Enc(first.body["NextToken"]),
                    nullptr, admin_);
  EXPECT_EQ(other.error, "BadRequestException");
}

// --- UpdateChannel / DeleteChannel ---------------------------------------------

TEST_F(ChannelsTest, UpdateAndDeleteOnlyForModeratorsAndAdmins) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  auto upd = Call("PUT", "/channels/" + Enc(ch), {{"Name", "renamed"}, {"Mode", "RESTRICTED"}}, alice_);
  EXPECT_EQ(upd.error, "ForbiddenException");
  upd = Call("PUT", "/channels/" + Enc(ch), {{"Name", "renamed"}, {"Mode", "RESTRICTED"}}, owner_);
  ASSERT_EQ(upd.status, 200) << upd.raw_body;
  EXPECT_EQ(Describe(ch, alice_).body["Channel"]["Name"], "renamed");
  EXPECT_EQ(Describe(ch, alice_).body["Channel"]["Mode"], "RESTRICTED");
  EXPECT_EQ(Call("DELETE", "/channels/" + Enc(ch), nullptr, alice_).error, "ForbiddenException");
  auto del = Call("DELETE", "/channels/" + Enc(ch), nullptr, admin_);
  EXPECT_EQ(del.status, 204) << del.raw_body;
  EXPECT_EQ(Describe(ch, owner_).error, "ForbiddenException");
}

TEST_F(ChannelsTest, DeleteChannelCascadesAndFreesChannelId) {
  auto ch = MakeChannel({{"ChannelId", "again"}, {"MemberArns", {alice_}}});
  ASSERT_EQ(Call("POST", "/channels/" + Enc(ch) + "/bans", {{"MemberArn", bob_}}, owner_).status, 201);
  ASSERT_EQ(Call("DELETE", "/channels/" + Enc(ch), nullptr, owner_).status, 204);
  for (const char* table : {"channel_memberships", "channel_moderators", "channel_bans"}) {
    auto st = db_->Prepare(std::string("SELECT COUNT(*) FROM ") + table + " WHERE channel_arn = ?");
    st.BindAll(ch);
    ASSERT_TRUE(st.Step());
    EXPECT_EQ(st.Int(0), 0) << table;
  }
  EXPECT_EQ(CreateChannel(bob_, {{"ChannelId", "again"}}).status, 201);
}

// --- CreateChannelMembership role matrix ---------------------------------------

TEST_F(ChannelsTest, MembershipRoleMatrixUnrestricted) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}, {"Privacy", "PRIVATE"}});
  EXPECT_EQ(AddMember(ch, bob_, carol_).error, "ForbiddenException");  // non-member
  EXPECT_EQ(AddMember(ch, carol_, carol_).error, "ForbiddenException");  // non-member joining a PRIVATE channel
  auto r = AddMember(ch, bob_, alice_);  // member adds another
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["ChannelArn"], ch);
  EXPECT_EQ(r.body["Member"]["Arn"], bob_);
  EXPECT_EQ(r.body["Member"]["Name"], "Bob");
  EXPECT_FALSE(r.body.contains("SubChannelId"));
  EXPECT_EQ(AddMember(ch, carol_, alice_, "HIDDEN").error, "ForbiddenException");  // HIDDEN: moderators only
  EXPECT_EQ(AddMember(ch, carol_, owner_, "HIDDEN").status, 201);                  // moderator
  EXPECT_EQ(AddMember(ch, admin_, admin_).status, 201);                            // admin adds itself
}

TEST_F(ChannelsTest, MembershipRoleMatrixRestricted) {
  auto ch = MakeChannel({{"Mode", "RESTRICTED"}, {"MemberArns", {alice_}}});
  EXPECT_EQ(AddMember(ch, bob_, alice_).error, "ForbiddenException");  // member
  EXPECT_EQ(AddMember(ch, bob_, carol_).error, "ForbiddenException");  // non-member
  EXPECT_EQ(AddMember(ch, bob_, owner_).status, 201);                   // moderator
  EXPECT_EQ(AddMember(ch, carol_, admin_).status, 201);                 // admin
}

TEST_F(ChannelsTest, MembershipInvitedByTypeTimestampsAndReAddIsConflict) {
  auto ch = MakeChannel();
  ASSERT_EQ(AddMember(ch, alice_, owner_).status, 201);
  auto d = Call("GET", "/channels/" + Enc(ch) + "/memberships/" + Enc(alice_), nullptr, alice_);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  const json& m = d.body["ChannelMembership"];
  EXPECT_EQ(m["InvitedBy"]["Arn"], owner_);
  EXPECT_EQ(m["Type"], "DEFAULT");
  EXPECT_EQ(m["Member"]["Arn"], alice_);
  EXPECT_EQ(m["ChannelArn"], ch);
  EXPECT_TRUE(m["CreatedTimestamp"].is_number());
  EXPECT_TRUE(m["LastUpdatedTimestamp"].is_number());
  // An existing member again is ConflictException, as on AWS, whatever the Type.
  auto again = AddMember(ch, alice_, owner_);
  EXPECT_EQ(again.status, 409) << again.raw_body;
  EXPECT_EQ(again.error, "ConflictException");
  EXPECT_NE(again.body.value("Message", "").find(alice_), std::string::npos) << again.raw_body;
  EXPECT_EQ(AddMember(ch, alice_, owner_, "HIDDEN").error, "ConflictException");
  EXPECT_EQ(AddMember(ch, alice_, alice_).error, "ConflictException");  // a member re-adding itself
}

TEST_F(ChannelsTest, MemberMustBeUserOfSameAppInstance) {
  auto ch = MakeChannel();
  auto other_app = CreateAppInstance("other");
  auto stranger = CreateUser(other_app, "stranger");
  EXPECT_EQ(AddMember(ch, stranger, owner_).error, "NotFoundException");
  EXPECT_EQ(AddMember(ch, app_ + "/user/ghost", owner_).error, "NotFoundException");
}

TEST_F(ChannelsTest, DescribeMembershipOfNonMemberIsNotFound) {
  auto ch = MakeChannel();
  auto r = Call("GET", "/channels/" + Enc(ch) + "/memberships/" + Enc(bob_), nullptr, owner_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error, "NotFoundException");
}

TEST_F(ChannelsTest, ListMembershipsTypeFilterAndPrivateVisibility) {
  auto ch = MakeChannel({{"Privacy", "PRIVATE"}, {"MemberArns", {alice_}}});
  ASSERT_EQ(AddMember(ch, bob_, owner_, "HIDDEN").status, 201);
  auto path = "/channels/" + Enc(ch) + "/memberships";
  EXPECT_EQ(MemberArns(Call("GET", path, nullptr, alice_)), (std::set<std::string>{owner_, alice_}));
  EXPECT_EQ(MemberArns(Call("GET", path + "?type=HIDDEN", nullptr, alice_)), std::set<std::string>{bob_});
  EXPECT_EQ(MemberArns(Call("GET", path + "?type=DEFAULT", nullptr, admin_)), (std::set<std::string>{owner_, alice_}));
  EXPECT_EQ(Call("GET", path, nullptr, carol_).error, "ForbiddenException");  // private, non-member
  auto r = Call("GET", path, nullptr, alice_);
  EXPECT_EQ(r.body["ChannelArn"], ch);
  EXPECT_EQ(r.body["ChannelMemberships"][0].size(), 1u);  // only Member
}

TEST_F(ChannelsTest, ListMembershipsPaginates) {
  auto ch = MakeChannel();
  std::vector<std::string> users = {owner_};  // the creator's membership comes first
  for (int i = 0; i < 5; ++i) {
    users.push_back(CreateUser(app_, "u" + std::to_string(i)));
    ASSERT_EQ(AddMember(ch, users.back(), owner_).status, 201);
  }
  std::vector<std::string> seen;
  std::string next;
  do {
    auto r = Call("GET", "/channels/" + Enc(ch) + "/memberships?max-results=2" +
                             (next.empty() ? "" : "&next-token=" + Enc(next)),
                  nullptr, owner_);
    ASSERT_EQ(r.status, 200) << r.raw_body;
    EXPECT_LE(r.body["ChannelMemberships"].size(), 2u);
    for (const auto& m : r.body["ChannelMemberships"]) seen.push_back(m["Member"]["Arn"]);
    next = r.body.value("NextToken", "");
  } while (!next.empty());
  EXPECT_EQ(seen, users);
}

TEST_F(ChannelsTest, DeleteMembershipSelfOrModerator) {
  auto ch = MakeChannel({{"MemberArns", {alice_, bob_}}});
  auto path = [&](const std::string& m) { return "/channels/" + Enc(ch) + "/memberships/" + Enc(m); };
  EXPECT_EQ(Call("DELETE", path(bob_), nullptr, alice_).error, "ForbiddenException");
  EXPECT_EQ(Call("DELETE", path(alice_), nullptr, alice_).status, 204);  // leave
  EXPECT_EQ(Call("DELETE", path(bob_), nullptr, owner_).status, 204);    // moderator kicks
  EXPECT_EQ(Call("GET", path(bob_), nullptr, owner_).error, "NotFoundException");
}

TEST_F(ChannelsTest, BatchCreateMembershipReportsPerMemberErrors) {
  auto ch = MakeChannel();
  ASSERT_EQ(Call("POST", "/channels/" + Enc(ch) + "/bans", {{"MemberArn", carol_}}, owner_).status, 201);
  auto r = Call("POST", "/channels/" + Enc(ch) + "/memberships?operation=batch-create",
                {{"MemberArns", {alice_, app_ + "/user/ghost", bob_, carol_}}}, owner_);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  const json& b = r.body["BatchChannelMemberships"];
  EXPECT_EQ(b["InvitedBy"]["Arn"], owner_);
  EXPECT_EQ(b["Type"], "DEFAULT");
  EXPECT_EQ(b["ChannelArn"], ch);
  ASSERT_EQ(b["Members"].size(), 2u);
  EXPECT_EQ(b["Members"][0]["Arn"], alice_);
  EXPECT_EQ(b["Members"][1]["Arn"], bob_);
  ASSERT_EQ(r.body["Errors"].size(), 2u);
  EXPECT_EQ(r.body["Errors"][0]["MemberArn"], app_ + "/user/ghost");
  EXPECT_EQ(r.body["Errors"][0]["ErrorCode"], "NotFound");
  EXPECT_EQ(r.body["Errors"][1]["MemberArn"], carol_);
  EXPECT_EQ(r.body["Errors"][1]["ErrorCode"], "Forbidden");
  // Existing members (the creator, alice from the first batch) are Conflict entries.
  auto again = Call("POST", "/channels/" + Enc(ch) + "/memberships?operation=batch-create",
                    {{"MemberArns", {owner_, alice_, admin_}}}, owner_);
  ASSERT_EQ(again.status, 200) << again.raw_body;
  ASSERT_EQ(again.body["BatchChannelMemberships"]["Members"].size(), 1u);
  EXPECT_EQ(again.body["BatchChannelMemberships"]["Members"][0]["Arn"], admin_);
  ASSERT_EQ(again.body["Errors"].size(), 2u);
  EXPECT_EQ(again.body["Errors"][0]["MemberArn"], owner_);
  EXPECT_EQ(again.body["Errors"][0]["ErrorCode"], "Conflict");
  EXPECT_EQ(again.body["Errors"][1]["MemberArn"], alice_);
  EXPECT_EQ(again.body["Errors"][1]["ErrorCode"], "Conflict");
  // A member of a RESTRICTED channel cannot batch-add: the whole call is refused.
  auto restricted = MakeChannel({{"Mode", "RESTRICTED"}, {"MemberArns", {alice_}}});
  auto denied = Call("POST", "/channels/" + Enc(restricted) + "/memberships?operation=batch-create",
                     {{"MemberArns", {bob_}}}, alice_);
  EXPECT_EQ(denied.error, "ForbiddenException");
}

// --- moderators -----------------------------------------------------------------

TEST_F(ChannelsTest, ModeratorCreateListDescribeDelete) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  auto path = "/channels/" + Enc(ch) + "/moderators";
  EXPECT_EQ(Call("POST", path, {{"ChannelModeratorArn", bob_}}, alice_).error, "ForbiddenException");  // member
  auto r = Call("POST", path, {{"ChannelModeratorArn", bob_}}, owner_);
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["ChannelArn"], ch);
  EXPECT_EQ(r.body["ChannelModerator"]["Arn"], bob_);
  EXPECT_EQ(r.body["ChannelModerator"]["Name"], "Bob");
  EXPECT_EQ(Call("POST", path, {{"ChannelModeratorArn", bob_}}, owner_).error, "ConflictException");
  // The new moderator can now add members to a RESTRICTED channel.
  ASSERT_EQ(Call("PUT", "/channels/" + Enc(ch), {{"Mode", "RESTRICTED"}}, bob_).status, 200);
  EXPECT_EQ(AddMember(ch, carol_, bob_).status, 201);
  auto d = Call("GET", path + "/" + Enc(bob_), nullptr, owner_);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  EXPECT_EQ(d.body["ChannelModerator"]["Moderator"]["Arn"], bob_);
  EXPECT_EQ(d.body["ChannelModerator"]["CreatedBy"]["Arn"], owner_);
  EXPECT_EQ(d.body["ChannelModerator"]["ChannelArn"], ch);
  EXPECT_EQ(Call("GET", path + "/" + Enc(alice_), nullptr, owner_).error, "NotFoundException");
  auto l = Call("GET", path + "?max-results=1", nullptr, owner_);
  ASSERT_EQ(l.body["ChannelModerators"].size(), 1u);
  EXPECT_TRUE(l.body.contains("NextToken"));
  EXPECT_EQ(Call("DELETE", path + "/" + Enc(bob_), nullptr, alice_).error, "ForbiddenException");
  EXPECT_EQ(Call("DELETE", path + "/" + Enc(bob_), nullptr, admin_).status, 204);
  EXPECT_EQ(AddMember(ch, admin_, bob_).error, "ForbiddenException");  // no longer a moderator
}

TEST_F(ChannelsTest, ModeratedChannelsAndMembershipsForAppInstanceUser) {
  auto ch = MakeChannel({{"MemberArns", {alice_}}});
  auto mine = Call("GET", "/channels?scope=app-instance-user-memberships", nullptr, alice_);
  ASSERT_EQ(mine.status, 200) << mine.raw_body;
  ASSERT_EQ(mine.body["ChannelMemberships"].size(), 1u);
  EXPECT_EQ(mine.body["ChannelMemberships"][0]["ChannelSummary"]["ChannelArn"], ch);
  EXPECT_EQ(mine.body["ChannelMemberships"][0]["AppInstanceUserMembershipSummary"]["Type"], "DEFAULT");
  auto other = Call("GET", "/channels?scope=app-instance-user-memberships&app-instance-user-arn=" + Enc(alice_),
                    nullptr, bob_);
  EXPECT_EQ(other.error, "ForbiddenException");
  auto mod = Call("GET", "/channels?scope=app-instance-user-moderated-channels", nullptr, owner_);
  ASSERT_EQ(mod.status, 200) << mod.raw_body;
  ASSERT_EQ(mod.body["Channels"].size(), 1u);
  EXPECT_EQ(mod.body["Channels"][0]["ChannelSummary"]["ChannelArn"], ch);
  auto one = Call("GET", "/channels/" + Enc(ch) + "?scope=app-instance-user-membership&app-instance-user-arn=" +
                             Enc(alice_),
                  nullptr, admin_);
  ASSERT_EQ(one.status, 200) << one.raw_body;
  EXPECT_EQ(one.body["ChannelMembership"]["ChannelSummary"]["ChannelArn"], ch);
}

// --- bans -------------------------------------------------------------------------

TEST_F(ChannelsTest, BanKicksRefusesReAddAndProtectsModeratorsAndAdmins) {
  auto ch = MakeChannel({{"MemberArns", {alice_, bob_}}});
  auto bans = "/channels/" + Enc(ch) + "/bans";
  EXPECT_EQ(Call("POST", bans, {{"MemberArn", bob_}}, alice_).error, "ForbiddenException");  // member
  auto r = Call("POST", bans, {{"MemberArn", bob_}}, owner_);
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["Member"]["Arn"], bob_);
  EXPECT_EQ(Call("GET", "/channels/" + Enc(ch) + "/memberships/" + Enc(bob_), nullptr, owner_).error,
            "NotFoundException");  // kicked
  EXPECT_EQ(AddMember(ch, bob_, owner_).error, "ForbiddenException");       // banned
  EXPECT_EQ(Call("POST", bans, {{"MemberArn", bob_}}, owner_).error, "ConflictException");
  EXPECT_EQ(Call("POST", bans, {{"MemberArn", owner_}}, admin_).error, "ForbiddenException");  // moderator
  EXPECT_EQ(Call("POST", bans, {{"MemberArn", admin_}}, owner_).error, "ForbiddenException");  // admin
  auto d = Call("GET", bans + "/" + Enc(bob_), nullptr, owner_);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  EXPECT_EQ(d.body["ChannelBan"]["Member"]["Arn"], bob_);
  EXPECT_EQ(d.body["ChannelBan"]["CreatedBy"]["Arn"], owner_);
  EXPECT_EQ(Call("GET", bans + "/" + Enc(alice_), nullptr, owner_).error, "NotFoundException");
  auto l = Call("GET", bans, nullptr, owner_);
  ASSERT_EQ(l.body["ChannelBans"].size(), 1u);
  EXPECT_EQ(l.body["ChannelBans"][0]["Member"]["Arn"], bob_);
  EXPECT_EQ(Call("DELETE", bans + "/" + Enc(bob_), nullptr, owner_).status, 204);
  EXPECT_EQ(AddMember(ch, bob_, owner_).status, 201);
}

}  // namespace
}  // namespace chime::testing
