// AppInstanceUsers, AppInstanceBots and AppInstanceAdmins through the whole
// api/ pipeline (route, bind, validate, handler, encode) on :memory:.
#include <gtest/gtest.h>

#include <string>

#include "api_fixture.hpp"
#include "storage/principal_repo.hpp"
#include "storage/tag_repo.hpp"

namespace chime::testing {
namespace {

constexpr char kLexAlias[] = "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST";

json LexConfig(const std::string& standard = "AUTO") {
  return {{"Lex",
           {{"LexBotAliasArn", kLexAlias},
            {"LocaleId", "en_US"},
            {"InvokedBy", {{"StandardMessages", standard}, {"TargetedMessages", "ALL"}}}}}};
}

class IdentityTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    app_ = CreateAppInstance("app-1");
  }

  static void ExpectError(const Reply& r, int status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.raw_body;
    EXPECT_EQ(r.error.substr(0, type.size()), type) << r.error << " " << r.raw_body;
    EXPECT_FALSE(r.body.value("Message", "").empty()) << r.raw_body;
  }

  Reply CreateUserReq(const std::string& app, const std::string& id, const std::string& token, json extra = {}) {
    json body = {{"AppInstanceArn", app}, {"AppInstanceUserId", id}, {"Name", "n-" + id}, {"ClientRequestToken", token}};
    if (extra.is_object()) body.update(extra);
    return Call("POST", "/app-instance-users", body);
  }
  Reply CreateBotReq(const std::string& app, const std::string& token, json extra = {}) {
    json body = {{"AppInstanceArn", app}, {"Name", "bot"}, {"ClientRequestToken", token}, {"Configuration", LexConfig()}};
    if (extra.is_object()) body.update(extra);
    return Call("POST", "/app-instance-bots", body);
  }
  std::string CreateBot(const std::string& app, const std::string& name = "bot") {
    auto r = CreateBotReq(app, NextToken(), {{"Name", name}});
    EXPECT_EQ(r.status, 201) << r.raw_body;
    return r.body.value("AppInstanceBotArn", "");
  }
  Reply DescribeUser(const std::string& arn) { return Call("GET", "/app-instance-users/" + Enc(arn)); }
  Reply DescribeBot(const std::string& arn) { return Call("GET", "/app-instance-bots/" + Enc(arn)); }
  Reply ListUsers(const std::string& app, const std::string& extra = "") {
    return Call("GET", "/app-instance-users?app-instance-arn=" + Enc(app) + extra);
  }
  Reply ListBots(const std::string& app, const std::string& extra = "") {
    return Call("GET", "/app-instance-bots?app-instance-arn=" + Enc(app) + extra);
  }
  Reply CreateAdmin(const std::string& app, const std::string& who) {
    return Call("POST", "/app-instances/" + Enc(app) + "/admins", {{"AppInstanceAdminArn", who}});
  }
  Reply ListAdmins(const std::string& app, const std::string& query = "") {
    return Call("GET", "/app-instances/" + Enc(app) + "/admins" + query);
  }
  Reply DescribeAdmin(const std::string& app, const std::string& who) {
    return Call("GET", "/app-instances/" + Enc(app) + "/admins/" + Enc(who));
  }
  Reply DeleteAdmin(const std::string& app, const std::string& who) {
    return Call("DELETE", "/app-instances/" + Enc(app) + "/admins/" + Enc(who));
  }
  int64_t CountRows(const std::string& sql_count) {
    auto st = db_->Prepare(sql_count);
    st.Step();
    return st.Int(0);
  }

  std::string app_;
};

// ------------------------------------------------------------ CreateAppInstanceUser

TEST_F(IdentityTest, CreateUserArnIsAppArnSlashUserSlashId) {
  auto r = CreateUserReq(app_, "us-east-1:abc.def@x_y-z", "tok-1");
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["AppInstanceUserArn"], app_ + "/user/us-east-1:abc.def@x_y-z");
}

TEST_F(IdentityTest, CreateUserInUnknownAppInstanceIsForbidden) {
  auto r = CreateUserReq(app_ + "0", "alice", "tok-1");
  ExpectError(r, 403, "ForbiddenException");
  EXPECT_NE(r.body.value("Message", "").find(app_ + "0"), std::string::npos);
}

TEST_F(IdentityTest, DuplicateUserIdIsConflict) {
  ASSERT_EQ(CreateUserReq(app_, "alice", "tok-1").status, 201);
  auto r = CreateUserReq(app_, "alice", "tok-2");
  ExpectError(r, 409, "ConflictException");
  EXPECT_NE(r.body.value("Message", "").find("alice"), std::string::npos);
}

TEST_F(IdentityTest, SameUserIdInAnotherAppInstanceIsAllowed) {
  std::string other = CreateAppInstance("app-2");
  EXPECT_EQ(CreateUserReq(app_, "alice", "tok-1").status, 201);
  auto r = CreateUserReq(other, "alice", "tok-1");
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["AppInstanceUserArn"], other + "/user/alice");
}

TEST_F(IdentityTest, CreateUserSameTokenSameParamsReplays) {
  auto a = CreateUserReq(app_, "alice", "tok-1");
  auto b = CreateUserReq(app_, "alice", "tok-1");
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201) << b.raw_body;
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(ListUsers(app_).body["AppInstanceUsers"].size(), 1u);
}

TEST_F(IdentityTest, CreateUserSameTokenOtherParamsIsConflict) {
  ASSERT_EQ(CreateUserReq(app_, "alice", "tok-1").status, 201);
  ExpectError(CreateUserReq(app_, "bob", "tok-1"), 409, "ConflictException");
  EXPECT_EQ(DescribeUser(app_ + "/user/bob").status, 403);
}

TEST_F(IdentityTest, InvalidUserIdIsBadRequest) {
  ExpectError(CreateUserReq(app_, "-alice", "tok-1"), 400, "BadRequestException");
  ExpectError(CreateUserReq(app_, "alice-", "tok-2"), 400, "BadRequestException");
  ExpectError(CreateUserReq(app_, "al/ice", "tok-3"), 400, "BadRequestException");
  ExpectError(CreateUserReq(app_, std::string(65, 'a'), "tok-4"), 400, "BadRequestException");
  EXPECT_EQ(CreateUserReq(app_, std::string(64, 'a'), "tok-5").status, 201);
}

TEST_F(IdentityTest, BlankUserNameIsBadRequest) {
  ExpectError(CreateUserReq(app_, "alice", "tok-1", {{"Name", "   "}}), 400, "BadRequestException");
}

TEST_F(IdentityTest, CreateUserStoresTags) {
  auto r = CreateUserReq(app_, "alice", "tok-1",
                         {{"Tags", json::array({{{"Key", "team"}, {"Value", "blue"}}, {{"Key", "k"}, {"Value", "v"}}})}});
  ASSERT_EQ(r.status, 201) << r.raw_body;
  auto tags = storage::ListTags(*db_, app_ + "/user/alice");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0], (std::pair<std::string, std::string>{"k", "v"}));
  EXPECT_EQ(tags[1], (std::pair<std::string, std::string>{"team", "blue"}));
}

// ------------------------------------------------------------ DescribeAppInstanceUser

TEST_F(IdentityTest, DescribeUserReturnsEveryMember) {
  auto c = CreateUserReq(app_, "alice", "tok-1",
                         {{"Metadata", "meta"},
                          {"ExpirationSettings", {{"ExpirationDays", 7}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}}}});
  ASSERT_EQ(c.status, 201) << c.raw_body;
  auto r = DescribeUser(app_ + "/user/alice");
  ASSERT_EQ(r.status, 200) << r.raw_body;
  const json& u = r.body["AppInstanceUser"];
  EXPECT_EQ(u["AppInstanceUserArn"], app_ + "/user/alice");
  EXPECT_EQ(u["Name"], "n-alice");
  EXPECT_EQ(u["Metadata"], "meta");
  EXPECT_EQ(u["ExpirationSettings"], json({{"ExpirationDays", 7}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}}));
  ASSERT_TRUE(u["CreatedTimestamp"].is_number());
  EXPECT_GT(u["CreatedTimestamp"].get<double>(), 1.6e9);
  EXPECT_EQ(u["CreatedTimestamp"], u["LastUpdatedTimestamp"]);
}

TEST_F(IdentityTest, DescribeUserLeavesAbsentMembersOut) {
  std::string arn = CreateUser(app_, "bob", "Bob");
  auto r = DescribeUser(arn);
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.body["AppInstanceUser"].contains("Metadata"));
  EXPECT_FALSE(r.body["AppInstanceUser"].contains("ExpirationSettings"));
}

TEST_F(IdentityTest, InvalidExpirationSettingsIsBadRequest) {
  ExpectError(CreateUserReq(app_, "a1", "tok-1",
                            {{"ExpirationSettings", {{"ExpirationDays", 0}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}}}}),
              400, "BadRequestException");
  ExpectError(CreateUserReq(app_, "a2", "tok-2",
                            {{"ExpirationSettings", {{"ExpirationDays", 3}, {"ExpirationCriterion", "LAST_SEEN"}}}}),
              400, "BadRequestException");
}

TEST_F(IdentityTest, DescribeUnknownUserIsForbidden) {
  ExpectError(DescribeUser(app_ + "/user/nobody"), 403, "ForbiddenException");
}

TEST_F(IdentityTest, DescribeUserWithBotArnIsForbidden) {
  std::string bot = CreateBot(app_);
  ExpectError(DescribeUser(bot), 403, "ForbiddenException");
}

TEST_F(IdentityTest, DescribeUserWithNonArnIsBadRequest) {
  ExpectError(DescribeUser("not-an-arn"), 400, "BadRequestException");
}

// ------------------------------------------------------------ ListAppInstanceUsers

TEST_F(IdentityTest, ListUsersPaginatesAndExcludesBots) {
  CreateUser(app_, "u1");
  CreateBot(app_);
  CreateUser(app_, "u2");
  CreateUser(app_, "u3");
  CreateUser(CreateAppInstance("other"), "elsewhere");

  auto p1 = ListUsers(app_, "&max-results=2");
  ASSERT_EQ(p1.status, 200) << p1.raw_body;
  EXPECT_EQ(p1.body["AppInstanceArn"], app_);
  ASSERT_EQ(p1.body["AppInstanceUsers"].size(), 2u);
  EXPECT_EQ(p1.body["AppInstanceUsers"][0]["AppInstanceUserArn"], app_ + "/user/u1");
  EXPECT_EQ(p1.body["AppInstanceUsers"][0]["Name"], "user");
  EXPECT_EQ(p1.body["AppInstanceUsers"][1]["AppInstanceUserArn"], app_ + "/user/u2");
  ASSERT_TRUE(p1.body.contains("NextToken"));

  auto p2 = ListUsers(app_, "&max-results=2&next-token=" + Enc(p1.body["NextToken"]));
  ASSERT_EQ(p2.status, 200) << p2.raw_body;
  ASSERT_EQ(p2.body["AppInstanceUsers"].size(), 1u);
  EXPECT_EQ(p2.body["AppInstanceUsers"][0]["AppInstanceUserArn"], app_ + "/user/u3");
  EXPECT_FALSE(p2.body.contains("NextToken"));
}

TEST_F(IdentityTest, ListUsersTokenOfAnotherListingIsBadRequest) {
  CreateUser(app_, "u1");
  CreateUser(app_, "u2");
  std::string other = CreateAppInstance("other");
  auto p1 = ListUsers(app_, "&max-results=1");
  ASSERT_TRUE(p1.body.contains("NextToken"));
  std::string tok = p1.body["NextToken"];
  ExpectError(ListUsers(other, "&next-token=" + Enc(tok)), 400, "BadRequestException");
  ExpectError(ListBots(app_, "&next-token=" + Enc(tok)), 400, "BadRequestException");
}

TEST_F(IdentityTest, ListUsersNeedsKnownAppInstance) {
  ExpectError(Call("GET", "/app-instance-users"), 400, "BadRequestException");
  ExpectError(ListUsers(app_ + "0"), 403, "ForbiddenException");
  ExpectError(ListUsers(app_, "&max-results=51"), 400, "BadRequestException");
}

TEST_F(IdentityTest, ListUsersOfEmptyAppInstanceIsEmptyList) {
  auto r = ListUsers(app_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["AppInstanceUsers"], json::array());
  EXPECT_FALSE(r.body.contains("NextToken"));
}

// ------------------------------------------------------------ Update / Delete user

TEST_F(IdentityTest, UpdateUserChangesNameAndMetadata) {
  std::string arn = CreateUser(app_, "alice", "Alice");
  auto r = Call("PUT", "/app-instance-users/" + Enc(arn), {{"Name", "Alice B"}, {"Metadata", "m2"}});
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["AppInstanceUserArn"], arn);
  auto d = DescribeUser(arn).body["AppInstanceUser"];
  EXPECT_EQ(d["Name"], "Alice B");
  EXPECT_EQ(d["Metadata"], "m2");
  ExpectError(Call("PUT", "/app-instance-users/" + Enc(arn + "x"), {{"Name", "x"}, {"Metadata", ""}}), 403,
              "ForbiddenException");
}

TEST_F(IdentityTest, DeleteUserIs204AndCascades) {
  std::string alice = CreateUser(app_, "alice");
  std::string bob = CreateUser(app_, "bob");
  ASSERT_EQ(CreateAdmin(app_, alice).status, 201);
  // A channel with alice as member and moderator, written straight into the store.
  std::string ch = app_ + "/channel/c1";
  db_->Exec("INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, updated_ms) "
            "VALUES ('" + ch + "', '" + app_ + "', 'c', 'UNRESTRICTED', 'PUBLIC', '" + alice + "', 1, 1)");
  for (const auto& who : {alice, bob}) {
    db_->Exec("INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, created_ms, updated_ms) "
              "VALUES ('" + ch + "', '" + who + "', 'DEFAULT', '" + alice + "', 1, 1)");
  }
  db_->Exec("INSERT INTO channel_moderators (channel_arn, moderator_arn, created_by_arn, created_ms) VALUES ('" + ch +
            "', '" + alice + "', '" + alice + "', 1)");
  storage::PutTags(*db_, alice, {{"k", "v"}});

  auto r = Call("DELETE", "/app-instance-users/" + Enc(alice));
  ASSERT_EQ(r.status, 204) << r.raw_body;
  EXPECT_TRUE(r.raw_body.empty());
  ExpectError(DescribeUser(alice), 403, "ForbiddenException");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM channel_memberships"), 1);  // bob's stays
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM channel_moderators"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM app_instance_admins"), 0);
  EXPECT_TRUE(storage::ListTags(*db_, alice).empty());
  EXPECT_EQ(DescribeUser(bob).status, 200);
  // The id is free again.
  EXPECT_EQ(CreateUserReq(app_, "alice", "tok-new").status, 201);
}

TEST_F(IdentityTest, DeleteUnknownUserOrBotArnIsForbidden) {
  std::string bot = CreateBot(app_);
  ExpectError(Call("DELETE", "/app-instance-users/" + Enc(app_ + "/user/ghost")), 403, "ForbiddenException");
  ExpectError(Call("DELETE", "/app-instance-users/" + Enc(bot)), 403, "ForbiddenException");
  EXPECT_EQ(DescribeBot(bot).status, 200);
}

TEST_F(IdentityTest, PutUserExpirationSettingsSetsAndClears) {
  std::string arn = CreateUser(app_, "alice");
  json settings = {{"ExpirationDays", 3}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}};
  auto r = Call("PUT", "/app-instance-users/" + Enc(arn) + "/expiration-settings", {{"ExpirationSettings", settings}});
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body, json({{"AppInstanceUserArn", arn}, {"ExpirationSettings", settings}}));
  EXPECT_EQ(DescribeUser(arn).body["AppInstanceUser"]["ExpirationSettings"], settings);

  r = Call("PUT", "/app-instance-users/" + Enc(arn) + "/expiration-settings", json::object());
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body, json({{"AppInstanceUserArn", arn}}));
  EXPECT_FALSE(DescribeUser(arn).body["AppInstanceUser"].contains("ExpirationSettings"));

  std::string bot = CreateBot(app_);
  ExpectError(Call("PUT", "/app-instance-users/" + Enc(bot) + "/expiration-settings", {{"ExpirationSettings", settings}}),
              403, "ForbiddenException");
  ExpectError(Call("PUT", "/app-instance-users/" + Enc(arn) + "/expiration-settings",
                   {{"ExpirationSettings", {{"ExpirationDays", 5476}, {"ExpirationCriterion", "CREATED_TIMESTAMP"}}}}),
              400, "BadRequestException");
}

// ------------------------------------------------------------ bots

TEST_F(IdentityTest, CreateBotArnIsUuidAndConfigurationEchoes) {
  auto c = CreateBotReq(app_, "tok-1", {{"Metadata", "bm"}});
  ASSERT_EQ(c.status, 201) << c.raw_body;
  std::string arn = c.body["AppInstanceBotArn"];
  ASSERT_EQ(arn.rfind(app_ + "/bot/", 0), 0u) << arn;
  EXPECT_EQ(arn.size(), app_.size() + 5 + 36) << arn;  // "/bot/" + UUID
  auto d = DescribeBot(arn);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  const json& b = d.body["AppInstanceBot"];
  EXPECT_EQ(b["AppInstanceBotArn"], arn);
  EXPECT_EQ(b["Name"], "bot");
  EXPECT_EQ(b["Metadata"], "bm");
  EXPECT_EQ(b["Configuration"], LexConfig());
  EXPECT_TRUE(b["CreatedTimestamp"].is_number());
  EXPECT_TRUE(b["LastUpdatedTimestamp"].is_number());
}

TEST_F(IdentityTest, CreateBotIsIdempotentOnToken) {
  auto a = CreateBotReq(app_, "tok-1");
  auto b = CreateBotReq(app_, "tok-1");
  ASSERT_EQ(b.status, 201) << b.raw_body;
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(ListBots(app_).body["AppInstanceBots"].size(), 1u);
  ExpectError(CreateBotReq(app_, "tok-1", {{"Name", "other"}}), 409, "ConflictException");
  auto c = CreateBotReq(app_, "tok-2");
  ASSERT_EQ(c.status, 201);
  EXPECT_NE(c.body["AppInstanceBotArn"], a.body["AppInstanceBotArn"]);
}

TEST_F(IdentityTest, CreateBotValidation) {
  ExpectError(CreateBotReq(app_ + "0", "tok-1"), 403, "ForbiddenException");
  json bad = LexConfig();
  bad["Lex"]["LexBotAliasArn"] = "arn:aws:lex:us-east-1:123:bot-alias/x/y";
  ExpectError(CreateBotReq(app_, "tok-2", {{"Configuration", bad}}), 400, "BadRequestException");
  ExpectError(CreateBotReq(app_, "tok-3", {{"Configuration", LexConfig("SOMETIMES")}}), 400, "BadRequestException");
  ExpectError(Call("POST", "/app-instance-bots", {{"AppInstanceArn", app_}, {"ClientRequestToken", "tok-4"}}), 400,
              "BadRequestException");
}

TEST_F(IdentityTest, DescribeBotWithUserArnOrUnknownIsNotFound) {
  std::string user = CreateUser(app_, "alice");
  ExpectError(DescribeBot(user), 404, "NotFoundException");
  ExpectError(DescribeBot(app_ + "/bot/00000000-0000-0000-0000-000000000000"), 404, "NotFoundException");
}

TEST_F(IdentityTest, ListBotsPaginatesAndExcludesUsers) {
  std::string b1 = CreateBot(app_, "b1");
  CreateUser(app_, "u1");
  std::string b2 = CreateBot(app_, "b2");
  auto p1 = ListBots(app_, "&max-results=1");
  ASSERT_EQ(p1.status, 200) << p1.raw_body;
  ASSERT_EQ(p1.body["AppInstanceBots"].size(), 1u);
  EXPECT_EQ(p1.body["AppInstanceBots"][0], json({{"AppInstanceBotArn", b1}, {"Name", "b1"}}));
  auto p2 = ListBots(app_, "&max-results=1&next-token=" + Enc(p1.body["NextToken"]));
  ASSERT_EQ(p2.body["AppInstanceBots"].size(), 1u);
  EXPECT_EQ(p2.body["AppInstanceBots"][0]["AppInstanceBotArn"], b2);
  EXPECT_FALSE(p2.body.contains("NextToken"));
  ExpectError(ListBots(app_ + "0"), 403, "ForbiddenException");
}

TEST_F(IdentityTest, UpdateBotKeepsConfigurationUnlessGiven) {
  std::string bot = CreateBot(app_);
  auto r = Call("PUT", "/app-instance-bots/" + Enc(bot), {{"Name", "renamed"}, {"Metadata", "m"}});
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body["AppInstanceBotArn"], bot);
  auto d = DescribeBot(bot).body["AppInstanceBot"];
  EXPECT_EQ(d["Name"], "renamed");
  EXPECT_EQ(d["Configuration"], LexConfig());
  r = Call("PUT", "/app-instance-bots/" + Enc(bot),
           {{"Name", "renamed"}, {"Metadata", "m"}, {"Configuration", LexConfig("MENTIONS")}});
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(DescribeBot(bot).body["AppInstanceBot"]["Configuration"], LexConfig("MENTIONS"));
  std::string user = CreateUser(app_, "alice");
  ExpectError(Call("PUT", "/app-instance-bots/" + Enc(user), {{"Name", "x"}, {"Metadata", ""}}), 403,
              "ForbiddenException");
}

TEST_F(IdentityTest, DeleteBot) {
  std::string bot = CreateBot(app_);
  ASSERT_EQ(CreateAdmin(app_, bot).status, 201);
  EXPECT_EQ(Call("DELETE", "/app-instance-bots/" + Enc(bot)).status, 204);
  ExpectError(DescribeBot(bot), 404, "NotFoundException");
  EXPECT_EQ(ListAdmins(app_).body["AppInstanceAdmins"], json::array());
  ExpectError(Call("DELETE", "/app-instance-bots/" + Enc(bot)), 403, "ForbiddenException");
}

// ------------------------------------------------------------ admins

TEST_F(IdentityTest, CreateAdminReturnsIdentityAndAppInstance) {
  std::string alice = CreateUser(app_, "alice", "Alice");
  auto r = CreateAdmin(app_, alice);
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body, json({{"AppInstanceAdmin", {{"Arn", alice}, {"Name", "Alice"}}}, {"AppInstanceArn", app_}}));
  EXPECT_TRUE(storage::IsAppInstanceAdmin(*db_, app_, alice));
}

TEST_F(IdentityTest, CreateAdminOfBot) {
  std::string bot = CreateBot(app_, "helper");
  auto r = CreateAdmin(app_, bot);
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["AppInstanceAdmin"]["Name"], "helper");
}

TEST_F(IdentityTest, CreateAdminTwiceIsIdempotent) {
  std::string alice = CreateUser(app_, "alice");
  auto a = CreateAdmin(app_, alice);
  auto b = CreateAdmin(app_, alice);
  ASSERT_EQ(b.status, 201) << b.raw_body;
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(ListAdmins(app_).body["AppInstanceAdmins"].size(), 1u);
}

TEST_F(IdentityTest, CreateAdminRefusals) {
  std::string other = CreateAppInstance("other");
  std::string stranger = CreateUser(other, "stranger");
  ExpectError(CreateAdmin(app_ + "0", stranger), 403, "ForbiddenException");         // unknown app instance
  ExpectError(CreateAdmin(app_, app_ + "/user/ghost"), 403, "ForbiddenException");    // unknown user
  ExpectError(CreateAdmin(app_, stranger), 403, "ForbiddenException");                // other app instance
  ExpectError(CreateAdmin(app_, app_ + "/channel/c1"), 400, "BadRequestException");   // not a user or bot
  ExpectError(CreateAdmin(app_, app_), 400, "BadRequestException");                   // the app instance itself
  ExpectError(CreateAdmin(app_, "nope"), 400, "BadRequestException");                 // not an ARN
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM app_instance_admins"), 0);
}

TEST_F(IdentityTest, ListAdminsPaginates) {
  std::string a = CreateUser(app_, "a", "A");
  std::string b = CreateBot(app_, "B");
  std::string c = CreateUser(app_, "c", "C");
  CreateUser(app_, "not-admin");
  for (const auto& who : {a, b, c}) ASSERT_EQ(CreateAdmin(app_, who).status, 201);
  auto p1 = ListAdmins(app_, "?max-results=2");
  ASSERT_EQ(p1.status, 200) << p1.raw_body;
  EXPECT_EQ(p1.body["AppInstanceArn"], app_);
  EXPECT_EQ(p1.body["AppInstanceAdmins"], json::array({{{"Admin", {{"Arn", a}, {"Name", "A"}}}},
                                                       {{"Admin", {{"Arn", b}, {"Name", "B"}}}}}));
  ASSERT_TRUE(p1.body.contains("NextToken"));
  auto p2 = ListAdmins(app_, "?max-results=2&next-token=" + Enc(p1.body["NextToken"]));
  ASSERT_EQ(p2.status, 200) << p2.raw_body;
  EXPECT_EQ(p2.body["AppInstanceAdmins"], json::array({{{"Admin", {{"Arn", c}, {"Name", "C"}}}}}));
  EXPECT_FALSE(p2.body.contains("NextToken"));
  ExpectError(ListUsers(app_, "&next-token=" + Enc(p1.body["NextToken"])), 400, "BadRequestException");
  ExpectError(ListAdmins(app_ + "0"), 403, "ForbiddenException");
}

TEST_F(IdentityTest, DescribeAndDeleteAdmin) {
  std::string alice = CreateUser(app_, "alice", "Alice");
  std::string bob = CreateUser(app_, "bob");
  ASSERT_EQ(CreateAdmin(app_, alice).status, 201);
  auto d = DescribeAdmin(app_, alice);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  const json& adm = d.body["AppInstanceAdmin"];
  EXPECT_EQ(adm["Admin"], json({{"Arn", alice}, {"Name", "Alice"}}));
  EXPECT_EQ(adm["AppInstanceArn"], app_);
  EXPECT_TRUE(adm["CreatedTimestamp"].is_number());
  ExpectError(DescribeAdmin(app_, bob), 403, "ForbiddenException");
  ExpectError(DeleteAdmin(app_, bob), 403, "ForbiddenException");

  auto del = DeleteAdmin(app_, alice);
  ASSERT_EQ(del.status, 204) << del.raw_body;
  EXPECT_FALSE(storage::IsAppInstanceAdmin(*db_, app_, alice));
  EXPECT_EQ(DescribeUser(alice).status, 200);  // demoted, not deleted
  ExpectError(DescribeAdmin(app_, alice), 403, "ForbiddenException");
  ExpectError(DeleteAdmin(app_, alice), 403, "ForbiddenException");
}

TEST_F(IdentityTest, DeleteAppInstanceRemovesUsersBotsAndAdmins) {
  std::string alice = CreateUser(app_, "alice");
  std::string bot = CreateBot(app_);
  ASSERT_EQ(CreateAdmin(app_, alice).status, 201);
  ASSERT_EQ(Call("DELETE", "/app-instances/" + Enc(app_)).status, 204);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM principals"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM app_instance_admins"), 0);
  ExpectError(DescribeBot(bot), 404, "NotFoundException");
}

}  // namespace
}  // namespace chime::testing
