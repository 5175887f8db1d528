// SendChannelMessage and the message history operations through the whole
// api/ pipeline (route, bind, validate, handler, encode) on :memory:. Users,
// channels and memberships are seeded with SQL so these tests depend only on
// the message handlers.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "api_fixture.hpp"
#include "recording_sink.hpp"
#include "storage/statement.hpp"

namespace chime::testing {
namespace {

constexpr char kApp[] = "arn:aws:chime:us-east-1:123456789012:app-instance/11111111-1111-4111-8111-111111111111";
constexpr char kOtherApp[] = "arn:aws:chime:us-east-1:123456789012:app-instance/22222222-2222-4222-8222-222222222222";

class MessagesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    SeedApp(kApp);
    SeedApp(kOtherApp);
    alice_ = SeedPrincipal(kApp, "user", "alice");
    bob_ = SeedPrincipal(kApp, "user", "bob");
    carol_ = SeedPrincipal(kApp, "user", "carol");
    channel_ = SeedChannel(kApp, "general", "PRIVATE");
    SeedMembership(channel_, alice_);
    SeedMembership(channel_, bob_);
    SeedMembership(channel_, carol_);
  }

  // --- seeding with SQL -------------------------------------------------------------------
  void SeedApp(const std::string& arn) {
    db_->Prepare("INSERT INTO app_instances (arn, name, created_ms, updated_ms) VALUES (?, 'app', 1, 1)")
        .BindAll(arn)
        .Run();
  }
  std::string SeedPrincipal(const std::string& app, const std::string& kind, const std::string& id) {
    std::string arn = app + "/" + kind + "/" + id;
    db_->Prepare("INSERT INTO principals (arn, app_instance_arn, kind, name, created_ms, updated_ms) "
                 "VALUES (?, ?, ?, ?, 1, 1)")
        .BindAll(arn, app, kind, "Name of " + id)
        .Run();
    return arn;
  }
  void SeedAdmin(const std::string& app, const std::string& who) {
    db_->Prepare("INSERT INTO app_instance_admins (app_instance_arn, admin_arn, created_ms) VALUES (?, ?, 1)")
        .BindAll(app, who)
        .Run();
  }
  std::string SeedChannel(const std::string& app, const std::string& id, const std::string& privacy,
                          bool elastic = false) {
    std::string arn = app + "/channel/" + id;
    auto st = db_->Prepare(
        "INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, updated_ms, "
        "elastic_max_sub_channels, elastic_target_memberships, elastic_min_membership_pct) "
        "VALUES (?, ?, ?, 'UNRESTRICTED', ?, 'creator', 1, 1, ?, ?, ?)");
    std::optional<int64_t> e = elastic ? std::optional<int64_t>(10) : std::nullopt;
    st.BindAll(arn, app, id, privacy, e, e, e).Run();
    return arn;
  }
  void SeedMembership(const std::string& channel, const std::string& member, const std::string& type = "DEFAULT",
                      std::optional<std::string> sub = std::nullopt) {
    db_->Prepare("INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, sub_channel_id, "
                 "created_ms, updated_ms) VALUES (?, ?, ?, 'x', ?, 1, 1)")
        .BindAll(channel, member, type, sub)
        .Run();
  }
  void SeedModerator(const std::string& channel, const std::string& who) {
    db_->Prepare("INSERT INTO channel_moderators (channel_arn, moderator_arn, created_by_arn, created_ms) "
                 "VALUES (?, ?, 'x', 1)")
        .BindAll(channel, who)
        .Run();
  }
  void SeedBan(const std::string& channel, const std::string& who) {
    db_->Prepare("INSERT INTO channel_bans (channel_arn, member_arn, created_by_arn, created_ms) VALUES (?, ?, 'x', 1)")
        .BindAll(channel, who)
        .Run();
  }
  std::optional<int64_t> LastMessageMs(const std::string& channel) {
    auto st = db_->Prepare("SELECT last_message_ms FROM channels WHERE arn = ?");
    st.BindAll(channel);
    EXPECT_TRUE(st.Step());
    return st.OptInt(0);
  }
  int64_t StoredMessageCount() {
    auto st = db_->Prepare("SELECT count(*) FROM channel_messages");
    st.Step();
    return st.Int(0);
  }
  void SetCreated(const std::string& message_id, int64_t ms) {
    db_->Prepare("UPDATE channel_messages SET created_ms = ? WHERE message_id = ?").BindAll(ms, message_id).Run();
  }

  // --- requests ---------------------------------------------------------------------------
  Reply Send(const std::string& bearer, json body, const std::string& channel = "") {
    json b = {{"Content", "hello"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
              {"ClientRequestToken", NextToken()}};
    b.update(body);
    return Call("POST", "/channels/" + Enc(channel.empty() ? channel_ : channel) + "/messages", b, bearer);
  }
  std::string SendOk(const std::string& bearer, json body = json::object(), const std::string& channel = "") {
    auto r = Send(bearer, body, channel);
    EXPECT_EQ(r.status, 201) << r.raw_body;
    return r.body.value("MessageId", "");
  }
  Reply Get(const std::string& bearer, const std::string& id, const std::string& channel = "",
            const std::string& query = "") {
    return Call("GET", "/channels/" + Enc(channel.empty() ? channel_ : channel) + "/messages/" + id + query, nullptr,
                bearer);
  }
  Reply List(const std::string& bearer, const std::string& query = "", const std::string& channel = "") {
    return Call("GET", "/channels/" + Enc(channel.empty() ? channel_ : channel) + "/messages" + query, nullptr,
                bearer);
  }
  Reply Status(const std::string& bearer, const std::string& id) {
    return Call("GET", "/channels/" + Enc(channel_) + "/messages/" + id + "?scope=message-status", nullptr, bearer);
  }
  std::vector<std::string> ListIds(const std::string& bearer, const std::string& query = "",
                                   const std::string& channel = "") {
    auto r = List(bearer, query, channel);
    EXPECT_EQ(r.status, 200) << r.raw_body;
    std::vector<std::string> ids;
    for (const auto& m : r.body["ChannelMessages"]) ids.push_back(m["MessageId"]);
    return ids;
  }
  // Every page of a listing, following NextToken.
  std::vector<std::string> ListAll(const std::string& bearer, const std::string& query, int* pages = nullptr) {
    std::vector<std::string> ids;
    std::string token;
    int n = 0;
    do {
      std::string q = query + (token.empty() ? "" : "&next-token=" + Enc(token));
      auto r = List(bearer, q);
      EXPECT_EQ(r.status, 200) << r.raw_body;
      if (r.status != 200) break;
      for (const auto& m : r.body["ChannelMessages"]) ids.push_back(m["MessageId"]);
      token = r.body.value("NextToken", "");
      ++n;
    } while (!token.empty() && n < 1000);
    if (pages) *pages = n;
    return ids;
  }

  static void ExpectError(const Reply& r, int status, const std::string& type, const std::string& contains = "") {
    EXPECT_EQ(r.status, status) << r.raw_body;
    EXPECT_EQ(r.error.substr(0, type.size()), type) << r.error << " " << r.raw_body;
    std::string msg = r.body.value("Message", "");
    EXPECT_FALSE(msg.empty()) << r.raw_body;
    if (!contains.empty()) {
      EXPECT_NE(msg.find(contains), std::string::npos) << msg;
    }
  }

  std::string alice_, bob_, carol_, channel_;
};

// ----------------------------------------------------------------------------------------------
// SendChannelMessage: success shape
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, SendReturns201WithChannelArnHexIdAndSentStatus) {
  auto r = Send(alice_, json::object());
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["ChannelArn"], channel_);
  EXPECT_TRUE(std::regex_match(r.body.value("MessageId", ""), std::regex("[0-9a-f]{64}"))) << r.raw_body;
  EXPECT_EQ(r.body["Status"], json({{"Value", "SENT"}}));
  EXPECT_FALSE(r.body.contains("SubChannelId"));
  EXPECT_EQ(StoredMessageCount(), 1);
}

TEST_F(MessagesTest, EveryRequestMemberIsAcceptedAndStored) {
  auto id = SendOk(alice_, {{"Metadata", "meta"},
                            {"ContentType", "text/markdown"},
                            {"PushNotification", {{"Title", "T"}, {"Body", "B"}, {"Type", "VOIP"}}},
                            {"MessageAttributes", {{"color", {{"StringValues", {"red", "blue"}}}}}},
                            {"Target", {{{"MemberArn", bob_}}}}});
  auto r = Get(alice_, id);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  const json& m = r.body["ChannelMessage"];
  EXPECT_EQ(m["ChannelArn"], channel_);
  EXPECT_EQ(m["MessageId"], id);
  EXPECT_EQ(m["Content"], "hello");
  EXPECT_EQ(m["Metadata"], "meta");
  EXPECT_EQ(m["Type"], "STANDARD");
  EXPECT_EQ(m["Persistence"], "PERSISTENT");
  EXPECT_EQ(m["ContentType"], "text/markdown");
  EXPECT_EQ(m["MessageAttributes"], json({{"color", {{"StringValues", {"red", "blue"}}}}}));
  EXPECT_EQ(m["Target"], json::array({{{"MemberArn", bob_}}}));
  EXPECT_EQ(m["Sender"], json({{"Arn", alice_}, {"Name", "Name of alice"}}));
  EXPECT_EQ(m["Redacted"], false);
  EXPECT_EQ(m["Status"], json({{"Value", "SENT"}}));
  EXPECT_TRUE(m["CreatedTimestamp"].is_number());
  EXPECT_TRUE(m["LastUpdatedTimestamp"].is_number());
  EXPECT_FALSE(m.contains("LastEditedTimestamp"));
  EXPECT_FALSE(m.contains("PushNotification"));  // not a member of ChannelMessage
  EXPECT_FALSE(m.contains("SubChannelId"));
}

TEST_F(MessagesTest, BotMemberCanSend) {
  auto bot = SeedPrincipal(kApp, "bot", "b1");
  SeedMembership(channel_, bot);
  auto id = SendOk(bot);
  EXPECT_EQ(Get(alice_, id).body["ChannelMessage"]["Sender"]["Arn"], bot);
}

// ----------------------------------------------------------------------------------------------
// Size rules (UTF-8 bytes)
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, StandardContentAt4096BytesIsAccepted) { SendOk(alice_, {{"Content", std::string(4096, 'a')}}); }

TEST_F(MessagesTest, StandardContentOver4096BytesIsBadRequestNamingLimitAndSize) {
  ExpectError(Send(alice_, {{"Content", std::string(5000, 'a')}}), 400, "BadRequestException",
              "Content of a STANDARD message must be at most 4096 bytes of UTF-8; got 5000 bytes");
  EXPECT_EQ(StoredMessageCount(), 0);
}

TEST_F(MessagesTest, ContentSizeCountsUtf8BytesNotCharacters) {
  std::string euro3;  // 1366 x U+20AC (3 bytes each): 1366 characters, 4098 bytes
  for (int i = 0; i < 1366; ++i) euro3 += "\xE2\x82\xAC";
  ExpectError(Send(alice_, {{"Content", euro3}}), 400, "BadRequestException", "got 4098 bytes");
  std::string euro_ok;  // 1365 x 3 = 4095 bytes
  for (int i = 0; i < 1365; ++i) euro_ok += "\xE2\x82\xAC";
  SendOk(alice_, {{"Content", euro_ok}});
}

TEST_F(MessagesTest, StandardMetadataLimitIs1024Bytes) {
  SendOk(alice_, {{"Metadata", std::string(1024, 'm')}});
  std::string meta;  // 400 x 3 bytes = 1200 bytes but only 400 characters: the model allows it, we do not
  for (int i = 0; i < 400; ++i) meta += "\xE2\x82\xAC";
  ExpectError(Send(alice_, {{"Metadata", meta}}), 400, "BadRequestException",
              "Metadata of a STANDARD message must be at most 1024 bytes of UTF-8; got 1200 bytes");
}

TEST_F(MessagesTest, ControlContentLimitIs30Bytes) {
  SendOk(alice_, {{"Type", "CONTROL"}, {"Content", std::string(30, 'c')}});
  ExpectError(Send(alice_, {{"Type", "CONTROL"}, {"Content", std::string(31, 'c')}}), 400, "BadRequestException",
              "Content of a CONTROL message must be at most 30 bytes of UTF-8; got 31 bytes");
}

TEST_F(MessagesTest, ControlMessageWithMetadataIsBadRequest) {
  ExpectError(Send(alice_, {{"Type", "CONTROL"}, {"Content", "c"}, {"Metadata", "m"}}), 400, "BadRequestException",
              "Metadata");
}

TEST_F(MessagesTest, EmptyContentIsBadRequest) {
  ExpectError(Send(alice_, {{"Content", ""}}), 400, "BadRequestException", "Content");
}

TEST_F(MessagesTest, WhitespaceOnlyContentIsAccepted) {
  auto id = SendOk(alice_, {{"Content", " \n\t "}});
  EXPECT_EQ(Get(alice_, id).body["ChannelMessage"]["Content"], " \n\t ");
}

TEST_F(MessagesTest, ModelConstraintsOfOptionalMembersAreEnforced) {
  ExpectError(Send(alice_, {{"PushNotification", {{"Title", std::string(51, 't')}}}}), 400, "BadRequestException");
  ExpectError(Send(alice_, {{"PushNotification", {{"Body", std::string(151, 'b')}}}}), 400, "BadRequestException");
  ExpectError(Send(alice_, {{"PushNotification", {{"Type", "LOUD"}}}}), 400, "BadRequestException");
  ExpectError(Send(alice_, {{"MessageAttributes", {{std::string(65, 'k'), {{"StringValues", {"v"}}}}}}}), 400,
              "BadRequestException");
  ExpectError(Send(alice_, {{"MessageAttributes", {{"k", {{"StringValues", {std::string(513, 'v')}}}}}}}), 400,
              "BadRequestException");
  ExpectError(Send(alice_, {{"ContentType", std::string(46, 'x')}}), 400, "BadRequestException");
  ExpectError(Send(alice_, {{"Target", {{{"MemberArn", bob_}}, {{"MemberArn", carol_}}}}}), 400,
              "BadRequestException");
  ExpectError(Send(alice_, {{"Type", "LOUD"}}), 400, "BadRequestException");
  ExpectError(Send(alice_, {{"Persistence", "SOMETIMES"}}), 400, "BadRequestException");
  EXPECT_EQ(StoredMessageCount(), 0);
}

// ----------------------------------------------------------------------------------------------
// Caller rules
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, UnknownBearerIsUnauthorized) {
  ExpectError(Send(std::string(kApp) + "/user/nobody", json::object()), 401, "UnauthorizedClientException");
}

TEST_F(MessagesTest, UnknownChannelIsForbiddenBecauseNotFoundIsNotModeled) {
  std::string ghost = std::string(kApp) + "/channel/ghost";
  ExpectError(Send(alice_, json::object(), ghost), 403, "ForbiddenException", "Channel " + ghost + " does not exist.");
}

TEST_F(MessagesTest, ChannelOfAnotherAppInstanceIsForbidden) {
  auto other = SeedChannel(kOtherApp, "elsewhere", "PUBLIC");
  ExpectError(Send(alice_, json::object(), other), 403, "ForbiddenException");
}

TEST_F(MessagesTest, NonMemberIsForbidden) {
  auto dave = SeedPrincipal(kApp, "user", "dave");
  ExpectError(Send(dave, json::object()), 403, "ForbiddenException", "not a member");
}

TEST_F(MessagesTest, HiddenMemberCannotSend) {
  auto dave = SeedPrincipal(kApp, "user", "dave");
  SeedMembership(channel_, dave, "HIDDEN");
  ExpectError(Send(dave, json::object()), 403, "ForbiddenException", "hidden members cannot");
}

TEST_F(MessagesTest, BannedUserCannotSend) {
  auto dave = SeedPrincipal(kApp, "user", "dave");
  SeedBan(channel_, dave);
  ExpectError(Send(dave, json::object()), 403, "ForbiddenException", "banned");
}

TEST_F(MessagesTest, AdminMustFirstAddOwnMembership) {
  auto admin = SeedPrincipal(kApp, "user", "admin");
  SeedAdmin(kApp, admin);
  ExpectError(Send(admin, json::object()), 403, "ForbiddenException", "CreateChannelMembership");
  SeedMembership(channel_, admin);
  SendOk(admin);
}

TEST_F(MessagesTest, ModeratorMustFirstAddOwnMembership) {
  auto mod = SeedPrincipal(kApp, "user", "mod");
  SeedModerator(channel_, mod);
  ExpectError(Send(mod, json::object()), 403, "ForbiddenException", "CreateChannelMembership");
  SeedMembership(channel_, mod);
  SendOk(mod);
}

// ----------------------------------------------------------------------------------------------
// Targeted messages
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, TargetMustBeAChannelMember) {
  auto dave = SeedPrincipal(kApp, "user", "dave");
  ExpectError(Send(alice_, {{"Target", {{{"MemberArn", dave}}}}}), 400, "BadRequestException", "not a member");
  ExpectError(Send(alice_, {{"Target", {json::object()}}}), 400, "BadRequestException", "MemberArn");
  SendOk(alice_, {{"Target", {{{"MemberArn", alice_}}}}});  // the sender itself
  SendOk(alice_, {{"Target", {{{"MemberArn", bob_}}}}});
}

TEST_F(MessagesTest, TargetedMessageIsVisibleOnlyToSenderAndTarget) {
  auto open = SendOk(alice_);
  auto secret = SendOk(alice_, {{"Target", {{{"MemberArn", bob_}}}}});
  auto admin = SeedPrincipal(kApp, "user", "admin");
  SeedAdmin(kApp, admin);

  EXPECT_EQ(ListIds(alice_), (std::vector<std::string>{secret, open}));
  EXPECT_EQ(ListIds(bob_), (std::vector<std::string>{secret, open}));
  EXPECT_EQ(ListIds(carol_), (std::vector<std::string>{open}));
  EXPECT_EQ(ListIds(admin), (std::vector<std::string>{open}));

  EXPECT_EQ(Get(alice_, secret).status, 200);
  EXPECT_EQ(Get(bob_, secret).status, 200);
  ExpectError(Get(carol_, secret), 404, "NotFoundException", "does not exist");
  ExpectError(Get(admin, secret), 404, "NotFoundException");

  EXPECT_EQ(Status(alice_, secret).status, 200);
  ExpectError(Status(carol_, secret), 403, "ForbiddenException", "does not exist");
}

// ----------------------------------------------------------------------------------------------
// Elastic channels
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, ElasticChannelNeedsTheSendersSubChannel) {
  auto elastic = SeedChannel(kApp, "big", "PRIVATE", /*elastic=*/true);
  SeedMembership(elastic, alice_, "DEFAULT", "sub-a");
  SeedMembership(elastic, bob_, "DEFAULT", "sub-b");
  SeedMembership(elastic, carol_, "DEFAULT", "sub-a");

  ExpectError(Send(alice_, json::object(), elastic), 400, "BadRequestException", "SubChannelId is required");
  ExpectError(Send(alice_, {{"SubChannelId", "sub-b"}}, elastic), 403, "ForbiddenException", "sub-b");

  auto r = Send(alice_, {{"SubChannelId", "sub-a"}}, elastic);
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["SubChannelId"], "sub-a");
  std::string id = r.body["MessageId"];
  auto b = Send(bob_, {{"SubChannelId", "sub-b"}}, elastic);
  ASSERT_EQ(b.status, 201) << b.raw_body;

  // Listed per sub-channel; members read only their own.
  auto l = List(carol_, "?sub-channel-id=sub-a", elastic);
  ASSERT_EQ(l.status, 200) << l.raw_body;
  EXPECT_EQ(l.body["SubChannelId"], "sub-a");
  ASSERT_EQ(l.body["ChannelMessages"].size(), 1u);
  EXPECT_EQ(l.body["ChannelMessages"][0]["MessageId"], id);
  ExpectError(List(carol_, "?sub-channel-id=sub-b", elastic), 403, "ForbiddenException");
  ExpectError(List(carol_, "", elastic), 400, "BadRequestException", "SubChannelId");

  auto g = Get(carol_, id, elastic, "?sub-channel-id=sub-a");
  ASSERT_EQ(g.status, 200) << g.raw_body;
  EXPECT_EQ(g.body["ChannelMessage"]["SubChannelId"], "sub-a");

  // Target must be in the same sub-channel.
  ExpectError(Send(alice_, {{"SubChannelId", "sub-a"}, {"Target", {{{"MemberArn", bob_}}}}}, elastic), 400,
              "BadRequestException", "sub-channel");
  SendOk(alice_, {{"SubChannelId", "sub-a"}, {"Target", {{{"MemberArn", carol_}}}}}, elastic);
}

TEST_F(MessagesTest, SubChannelIdOnAStandardChannelIsBadRequest) {
  ExpectError(Send(alice_, {{"SubChannelId", "sub-a"}}), 400, "BadRequestException", "not an elastic channel");
  ExpectError(List(alice_, "?sub-channel-id=sub-a"), 400, "BadRequestException", "not an elastic channel");
}

// ----------------------------------------------------------------------------------------------
// Persistence, idempotency, last message time
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, NonPersistentMessageGetsAnIdButIsNeverRead) {
  auto r = Send(alice_, {{"Persistence", "NON_PERSISTENT"}});
  ASSERT_EQ(r.status, 201) << r.raw_body;
  std::string id = r.body["MessageId"];
  EXPECT_EQ(id.size(), 64u);
  EXPECT_EQ(StoredMessageCount(), 0);
  EXPECT_TRUE(ListIds(alice_).empty());
  ExpectError(Get(alice_, id), 404, "NotFoundException");
}

TEST_F(MessagesTest, SameTokenSameBearerSameChannelReturnsFirstMessageId) {
  json body = {{"ClientRequestToken", "tok-1"}, {"Content", "once"}};
  auto first = SendOk(alice_, body);
  auto again = SendOk(alice_, body);
  EXPECT_EQ(first, again);
  EXPECT_EQ(StoredMessageCount(), 1);
  // Scope = channel + bearer: another bearer or channel with the same token is a new message.
  EXPECT_NE(SendOk(bob_, body), first);
  auto other = SeedChannel(kApp, "other", "PRIVATE");
  SeedMembership(other, alice_);
  EXPECT_NE(SendOk(alice_, body, other), first);
  EXPECT_EQ(StoredMessageCount(), 3);
}

TEST_F(MessagesTest, SameTokenWithDifferentParametersIsConflict) {
  SendOk(alice_, {{"ClientRequestToken", "tok-2"}, {"Content", "a"}});
  ExpectError(Send(alice_, {{"ClientRequestToken", "tok-2"}, {"Content", "b"}}), 409, "ConflictException", "tok-2");
  EXPECT_EQ(StoredMessageCount(), 1);
}

TEST_F(MessagesTest, NonPersistentTokenIsRememberedToo) {
  json body = {{"ClientRequestToken", "tok-np"}, {"Persistence", "NON_PERSISTENT"}};
  EXPECT_EQ(SendOk(alice_, body), SendOk(alice_, body));
}

TEST_F(MessagesTest, LastMessageTimeMovesForNonTargetedPersistentMessagesOnly) {
  EXPECT_FALSE(LastMessageMs(channel_).has_value());
  SendOk(alice_, {{"Persistence", "NON_PERSISTENT"}});
  EXPECT_FALSE(LastMessageMs(channel_).has_value());
  SendOk(alice_, {{"Target", {{{"MemberArn", bob_}}}}});
  EXPECT_FALSE(LastMessageMs(channel_).has_value());
  auto id = SendOk(alice_);
  auto created = Get(alice_, id).body["ChannelMessage"]["CreatedTimestamp"].get<double>();
  ASSERT_TRUE(LastMessageMs(channel_).has_value());
  EXPECT_EQ(*LastMessageMs(channel_), static_cast<int64_t>(std::llround(created * 1000)));
}

// ----------------------------------------------------------------------------------------------
// GetChannelMessage / privacy
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, GetUnknownMessageIsNotFound) {
  ExpectError(Get(alice_, "0123abc"), 404, "NotFoundException", "0123abc");
}

TEST_F(MessagesTest, GetOnUnknownChannelIsNotFound) {
  ExpectError(Get(alice_, "abc", std::string(kApp) + "/channel/ghost"), 404, "NotFoundException");
}

TEST_F(MessagesTest, PrivateChannelHistoryIsForMembersModeratorsAndAdmins) {
  auto id = SendOk(alice_);
  auto dave = SeedPrincipal(kApp, "user", "dave");
  ExpectError(List(dave), 403, "ForbiddenException", "PRIVATE");
  ExpectError(Get(dave, id), 403, "ForbiddenException", "PRIVATE");
  auto mod = SeedPrincipal(kApp, "user", "mod");
  SeedModerator(channel_, mod);
  EXPECT_EQ(ListIds(mod), std::vector<std::string>{id});
  auto admin = SeedPrincipal(kApp, "user", "admin");
  SeedAdmin(kApp, admin);
  EXPECT_EQ(Get(admin, id).status, 200);
  auto hidden = SeedPrincipal(kApp, "user", "hidden");
  SeedMembership(channel_, hidden, "HIDDEN");
  EXPECT_EQ(ListIds(hidden), std::vector<std::string>{id});
}

TEST_F(MessagesTest, PublicChannelHistoryIsReadableByNonMembersButNotBanned) {
  auto pub = SeedChannel(kApp, "lobby", "PUBLIC");
  SeedMembership(pub, alice_);
  auto id = SendOk(alice_, json::object(), pub);
  auto dave = SeedPrincipal(kApp, "user", "dave");
  EXPECT_EQ(ListIds(dave, "", pub), std::vector<std::string>{id});
  EXPECT_EQ(Get(dave, id, pub).status, 200);
  SeedBan(pub, dave);
  ExpectError(List(dave, "", pub), 403, "ForbiddenException", "banned");
}

// ----------------------------------------------------------------------------------------------
// ListChannelMessages: order, paging, time filters
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, ListIsNewestFirstByDefaultAndAscendingOnRequest) {
  std::vector<std::string> sent;
  // Appended, not "m" + std::string: GCC 12's -Wrestrict false positive.
  for (int i = 0; i < 4; ++i) sent.push_back(SendOk(alice_, {{"Content", std::string("m").append(std::to_string(i))}}));
  std::vector<std::string> desc(sent.rbegin(), sent.rend());
  EXPECT_EQ(ListIds(bob_), desc);
  EXPECT_EQ(ListIds(bob_, "?sort-order=DESCENDING"), desc);
  EXPECT_EQ(ListIds(bob_, "?sort-order=ASCENDING"), sent);
  auto r = List(bob_);
  EXPECT_EQ(r.body["ChannelArn"], channel_);
  EXPECT_FALSE(r.body.contains("NextToken"));
  const json& s = r.body["ChannelMessages"][0];
  // ChannelMessageSummary members only.
  for (const char* absent : {"ChannelArn", "Persistence", "SubChannelId", "PushNotification"})
    EXPECT_FALSE(s.contains(absent)) << absent;
  EXPECT_EQ(s["Content"], "m3");
  EXPECT_EQ(s["Sender"]["Arn"], alice_);
  EXPECT_EQ(s["Redacted"], false);
}

TEST_F(MessagesTest, PagingVisitsEveryMessageOnceInBothOrders) {
  std::vector<std::string> sent;
  for (int i = 0; i < 7; ++i) sent.push_back(SendOk(alice_));
  // Same created_ms for some rows: the id tiebreak keeps the order total.
  SetCreated(sent[2], 5000);
  SetCreated(sent[3], 5000);
  SetCreated(sent[4], 5000);
  int pages = 0;
  auto asc = ListAll(bob_, "?sort-order=ASCENDING&max-results=2", &pages);
  EXPECT_EQ(pages, 4);
  std::set<std::string> unique(asc.begin(), asc.end());
  EXPECT_EQ(asc.size(), 7u);
  EXPECT_EQ(unique.size(), 7u);
  auto desc = ListAll(bob_, "?max-results=3");
  std::vector<std::string> rev(asc.rbegin(), asc.rend());
  EXPECT_EQ(desc, rev);
}

TEST_F(MessagesTest, PagesAreStableWhileMessagesArrive) {
  std::vector<std::string> sent;
  for (int i = 0; i < 4; ++i) sent.push_back(SendOk(alice_));
  auto p1 = List(bob_, "?max-results=2");
  ASSERT_EQ(p1.status, 200);
  std::string token = p1.body["NextToken"];
  auto newer = SendOk(alice_);  // arrives between pages
  auto p2 = List(bob_, "?max-results=2&next-token=" + Enc(token));
  ASSERT_EQ(p2.status, 200) << p2.raw_body;
  std::vector<std::string> ids;
  for (const auto& m : p2.body["ChannelMessages"]) ids.push_back(m["MessageId"]);
  EXPECT_EQ(ids, (std::vector<std::string>{sent[1], sent[0]}));
  EXPECT_FALSE(p2.body.contains("NextToken"));
  EXPECT_EQ(ListIds(bob_)[0], newer);
}

TEST_F(MessagesTest, NextTokenOfAnotherListingIsRefused) {
  for (int i = 0; i < 3; ++i) SendOk(alice_);
  std::string token = List(bob_, "?max-results=1").body["NextToken"];
  ExpectError(List(bob_, "?max-results=1&sort-order=ASCENDING&next-token=" + Enc(token)), 400,
              "BadRequestException", "NextToken");
  ExpectError(List(carol_, "?max-results=1&next-token=" + Enc(token)), 400, "BadRequestException", "NextToken");
  ExpectError(List(bob_, "?next-token=garbage!"), 400, "BadRequestException");
}

TEST_F(MessagesTest, TimeFiltersAreInclusiveAndAcceptBotocoreAndJsForms) {
  // 2024-08-07T12:00:00Z = 1723032000 s.
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(SendOk(alice_));
    SetCreated(ids.back(), 1723032000000 + i * 1000);  // 12:00:00 .. 12:00:04
  }
  auto asc = [&](const std::string& q) { return ListIds(bob_, "?sort-order=ASCENDING" + q); };
  EXPECT_EQ(asc("&not-before=2024-08-07T12%3A00%3A01Z&not-after=2024-08-07T12%3A00%3A03Z"),
            (std::vector<std::string>{ids[1], ids[2], ids[3]}));
  // JS: toISOString(); botocore with microseconds.
  EXPECT_EQ(asc("&not-before=2024-08-07T12%3A00%3A03.000Z"), (std::vector<std::string>{ids[3], ids[4]}));
  EXPECT_EQ(asc("&not-after=2024-08-07T12%3A00%3A00.000000Z"), (std::vector<std::string>{ids[0]}));
  // Filters combine with paging in both orders.
  int pages = 0;
  auto all = ListAll(bob_, "?max-results=1&not-before=2024-08-07T12%3A00%3A01Z&not-after=2024-08-07T12%3A00%3A03Z",
                     &pages);
  EXPECT_EQ(all, (std::vector<std::string>{ids[3], ids[2], ids[1]}));
  EXPECT_EQ(pages, 3);
  ExpectError(List(bob_, "?not-before=2024-08-07T12%3A00%3A03Z&not-after=2024-08-07T12%3A00%3A01Z"), 400,
              "BadRequestException", "NotBefore");
  ExpectError(List(bob_, "?not-before=yesterday"), 400, "BadRequestException");
}

TEST_F(MessagesTest, ListOnUnknownChannelIsForbidden) {
  ExpectError(List(alice_, "", std::string(kApp) + "/channel/ghost"), 403, "ForbiddenException", "does not exist");
}

// ----------------------------------------------------------------------------------------------
// GetChannelMessageStatus
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, StatusIsForTheSenderOnly) {
  auto id = SendOk(alice_);
  auto r = Status(alice_, id);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body, json({{"Status", {{"Value", "SENT"}}}}));
  ExpectError(Status(bob_, id), 403, "ForbiddenException", "Only the sender");
  ExpectError(Status(alice_, "nope"), 403, "ForbiddenException", "does not exist");
}

// ----------------------------------------------------------------------------------------------
// Update / Redact / Delete
// ----------------------------------------------------------------------------------------------

TEST_F(MessagesTest, UpdateOwnMessageSetsContentAndLastEdited) {
  auto id = SendOk(alice_, {{"Metadata", "m1"}});
  auto path = "/channels/" + Enc(channel_) + "/messages/" + id;
  auto r = Call("PUT", path, {{"Content", "edited"}, {"Metadata", "m2"}}, alice_);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["MessageId"], id);
  EXPECT_EQ(r.body["Status"]["Value"], "SENT");
  auto m = Get(bob_, id).body["ChannelMessage"];
  EXPECT_EQ(m["Content"], "edited");
  EXPECT_EQ(m["Metadata"], "m2");
  EXPECT_TRUE(m["LastEditedTimestamp"].is_number());
  ExpectError(Call("PUT", path, {{"Content", "bob was here"}}, bob_), 403, "ForbiddenException", "sender");
  ExpectError(Call("PUT", path, {{"Content", std::string(4097, 'x')}}, alice_), 400, "BadRequestException", "4096");
  ExpectError(Call("PUT", "/channels/" + Enc(channel_) + "/messages/nope", {{"Content", "x"}}, alice_), 403,
              "ForbiddenException", "does not exist");
}

TEST_F(MessagesTest, RedactOwnOrAsModerator) {
  auto id = SendOk(alice_, {{"Metadata", "m"}});
  auto redact = [&](const std::string& who, const std::string& mid) {
    return Call("POST", "/channels/" + Enc(channel_) + "/messages/" + mid + "?operation=redact", json::object(), who);
  };
  ExpectError(redact(bob_, id), 403, "ForbiddenException");
  auto r = redact(alice_, id);
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["MessageId"], id);
  auto m = Get(bob_, id).body["ChannelMessage"];
  EXPECT_EQ(m["Redacted"], true);
  EXPECT_FALSE(m.contains("Content"));
  EXPECT_FALSE(m.contains("Metadata"));
  EXPECT_EQ(ListIds(bob_), std::vector<std::string>{id});  // still listed, as empty
  ExpectError(Call("PUT", "/channels/" + Enc(channel_) + "/messages/" + id, {{"Content", "x"}}, alice_), 409,
              "ConflictException", "redacted");

  auto id2 = SendOk(bob_);
  auto mod = SeedPrincipal(kApp, "user", "mod");
  SeedModerator(channel_, mod);
  ASSERT_EQ(redact(mod, id2).status, 200);
  EXPECT_EQ(Get(bob_, id2).body["ChannelMessage"]["Redacted"], true);
}

TEST_F(MessagesTest, DeleteIsForAdminsOnlyAndRemovesFromReads) {
  auto id = SendOk(alice_);
  auto secret = SendOk(alice_, {{"Target", {{{"MemberArn", bob_}}}}});
  auto path = [&](const std::string& mid) { return "/channels/" + Enc(channel_) + "/messages/" + mid; };
  ExpectError(Call("DELETE", path(id), nullptr, alice_), 403, "ForbiddenException", "AppInstanceAdmin");
  auto mod = SeedPrincipal(kApp, "user", "mod");
  SeedModerator(channel_, mod);
  ExpectError(Call("DELETE", path(id), nullptr, mod), 403, "ForbiddenException");
  auto admin = SeedPrincipal(kApp, "user", "admin");
  SeedAdmin(kApp, admin);
  EXPECT_EQ(Call("DELETE", path(id), nullptr, admin).status, 204);
  EXPECT_EQ(Call("DELETE", path(secret), nullptr, admin).status, 204);  // can delete what it cannot see
  ExpectError(Get(alice_, id), 404, "NotFoundException");
  EXPECT_TRUE(ListIds(alice_).empty());
  ExpectError(Call("DELETE", path(id), nullptr, admin), 403, "ForbiddenException", "does not exist");
}


// ----------------------------------------------------------------------------------------------
// Paging cost does not grow with history: a page deep inside a large history costs
// O(page) SQLite VM steps (the keyset bound seeks in messages_by_channel_time).
// ----------------------------------------------------------------------------------------------

// Sum of SQLITE_STMTSTATUS_VM_STEP over cached statements whose SQL contains `needle` (and reset).
int64_t VmSteps(sqlite3* db, const std::string& needle) {
  int64_t total = 0;
  for (sqlite3_stmt* st = sqlite3_next_stmt(db, nullptr); st; st = sqlite3_next_stmt(db, st)) {
    if (std::string(sqlite3_sql(st)).find(needle) != std::string::npos) {
      total += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, /*reset=*/1);
    }
  }
  return total;
}

TEST_F(MessagesTest, DeepPagesCostTheSameAsTheFirstInBothOrders) {
  // 20,000 messages, several per millisecond, inserted directly.
  db_->Prepare(
         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
         "INSERT INTO channel_messages (message_id, channel_arn, sender_arn, type, persistence, content, "
         "created_ms, updated_ms) SELECT printf('m%05d', i), ?, ?, 'STANDARD', 'PERSISTENT', 'x', 1000000 + i / 4, "
         "1000000 + i / 4 FROM n")
      .BindAll(channel_, alice_)
      .Run();
  for (const char* order : {"ASCENDING", "DESCENDING"}) {
    SCOPED_TRACE(order);
    const std::string base = std::string("?max-results=10&sort-order=") + order;
    const std::string needle = std::string("ORDER BY created_ms ") + (order[0] == 'A' ? "ASC" : "DESC");
    VmSteps(db_->handle(), needle);
    auto first = List(bob_, base);
    ASSERT_EQ(first.status, 200) << first.raw_body;
    const int64_t first_cost = VmSteps(db_->handle(), needle);
    // Walk to the middle of history, then measure one more page there.
    std::string token = first.body["NextToken"];
    for (int i = 0; i < 1000; ++i) {
      auto r = List(bob_, base + "&next-token=" + Enc(token));
      ASSERT_EQ(r.status, 200) << r.raw_body;
      token = r.body["NextToken"];
    }
    VmSteps(db_->handle(), needle);
    auto deep = List(bob_, base + "&next-token=" + Enc(token));
    ASSERT_EQ(deep.status, 200);
    ASSERT_EQ(deep.body["ChannelMessages"].size(), 10u);
    const int64_t deep_cost = VmSteps(db_->handle(), needle);
    EXPECT_GT(first_cost, 0);
    EXPECT_LT(deep_cost, 2 * first_cost + 50) << "first page " << first_cost << " steps, page 1002 " << deep_cost;
    // With a NotBefore/NotAfter filter too (the bound that does not start the walk must not be used to seek).
    VmSteps(db_->handle(), needle);
    auto filtered = List(bob_, base + "&not-before=1970-01-01T00%3A16%3A40Z&not-after=1970-01-01T01%3A00%3A00Z" +
                                   "&next-token=" + Enc(token));
    EXPECT_EQ(filtered.status, 400);  // the token belongs to the unfiltered listing
    std::string ftoken;
    auto f1 = List(bob_, base + "&not-before=1970-01-01T00%3A16%3A40Z&not-after=1970-01-01T01%3A00%3A00Z");
    ASSERT_EQ(f1.status, 200) << f1.raw_body;
    ftoken = f1.body["NextToken"];
    for (int i = 0; i < 1000; ++i) {
      auto r = List(bob_, base + "&not-before=1970-01-01T00%3A16%3A40Z&not-after=1970-01-01T01%3A00%3A00Z" +
                              "&next-token=" + Enc(ftoken));
      ASSERT_EQ(r.status, 200) << r.raw_body;
      ftoken = r.body["NextToken"];
    }
    VmSteps(db_->handle(), needle);
    auto fdeep = List(bob_, base + "&not-before=1970-01-01T00%3A16%3A40Z&not-after=1970-01-01T01%3A00%3A00Z" +
                                "&next-token=" + Enc(ftoken));
    ASSERT_EQ(fdeep.status, 200);
    EXPECT_LT(VmSteps(db_->handle(), needle), 2 * first_cost + 50);
  }
}

// --- events after commit (api/events/outbox.hpp) ------------------------------------------

class MessageEventsTest : public MessagesTest {
 protected:
  void SetUp() override {
    MessagesTest::SetUp();
    dispatcher_ = std::make_unique<api::Dispatcher>(api::ServiceConfig{}, *db_, &sink_);
  }
  RecordingSink sink_;
};

TEST_F(MessageEventsTest, ACommittedSendPublishesOneEventForEveryMember) {
  SendOk(alice_, {{"Content", "hi all"}});
  ASSERT_EQ(sink_.published.size(), 1u);
  const api::Event& e = sink_.published[0];
  EXPECT_EQ(e.type, "CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(e.message_type, "STANDARD");
  EXPECT_EQ(e.channel_arn, channel_);
  EXPECT_EQ(e.Payload().value("Content", ""), "hi all");
  EXPECT_EQ(std::set<std::string>(e.recipients.begin(), e.recipients.end()),
            (std::set<std::string>{alice_, bob_, carol_}));
}

TEST_F(MessageEventsTest, ARefusedSendPublishesNothing) {
  std::string dave = SeedPrincipal(kApp, "user", "dave");  // not a member
  ExpectError(Send(dave, json::object()), 403, "ForbiddenException", "not a member");
  // Refused after its idempotency lookup and authorization ran inside the unit.
  ExpectError(Send(alice_, {{"Content", std::string(5000, 'x')}}), 400, "BadRequestException", "4096");
  EXPECT_TRUE(sink_.published.empty());
}

TEST_F(MessageEventsTest, ATargetedMessageGoesToSenderAndTargetOnly) {
  SendOk(alice_, {{"Target", json::array({{{"MemberArn", bob_}}})}});
  ASSERT_EQ(sink_.published.size(), 1u);
  EXPECT_EQ(std::set<std::string>(sink_.published[0].recipients.begin(), sink_.published[0].recipients.end()),
            (std::set<std::string>{alice_, bob_}));
}

}  // namespace
}  // namespace chime::testing
