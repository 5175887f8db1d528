// AppInstanceUser endpoints, AppInstance retention settings (and their effect
// on message reads), and the in-place upgrade of a schema-v1 file to v2.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "api/common/expiry.hpp"
#include "api_fixture.hpp"
#include "storage/client_token_keys.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/statement.hpp"

namespace chime::testing {
namespace {

constexpr char kPinpoint[] = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef";
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

class EndpointsTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    app_ = CreateAppInstance();
    user_ = CreateUser(app_, "alice");
  }
  std::string Path(const std::string& user, const std::string& id = "") {
    return "/app-instance-users/" + Enc(user) + "/endpoints" + (id.empty() ? "" : "/" + Enc(id));
  }
  Reply Register(json extra = json::object(), const std::string& user = "") {
    json b = {{"Type", "APNS"},
              {"ResourceArn", kPinpoint},
              {"EndpointAttributes", {{"DeviceToken", "device-" + std::to_string(++device_)}}},
              {"ClientRequestToken", NextToken()}};
    b.update(extra);
    return Call("POST", Path(user.empty() ? user_ : user), b);
  }
  std::string RegisterOk(json extra = json::object()) {
    auto r = Register(extra);
    EXPECT_EQ(r.status, 201) << r.raw_body;
    return r.body.value("EndpointId", "");
  }
  Reply Describe(const std::string& id) { return Call("GET", Path(user_, id)); }

  std::string app_, user_;
  int device_ = 0;
};

TEST_F(EndpointsTest, RegisterThenDescribeReturnsEverything) {
  auto r = Register({{"Name", "phone"},
                     {"Type", "APNS_SANDBOX"},
                     {"EndpointAttributes", {{"DeviceToken", "dt"}, {"VoipDeviceToken", "voip"}}}});
  ASSERT_EQ(r.status, 201) << r.raw_body;
  EXPECT_EQ(r.body["AppInstanceUserArn"], user_);
  const std::string id = r.body["EndpointId"];
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << id;

  auto d = Describe(id);
  ASSERT_EQ(d.status, 200) << d.raw_body;
  const json& e = d.body["AppInstanceUserEndpoint"];
  EXPECT_EQ(e["AppInstanceUserArn"], user_);
  EXPECT_EQ(e["EndpointId"], id);
  EXPECT_EQ(e["Name"], "phone");
  EXPECT_EQ(e["Type"], "APNS_SANDBOX");
  EXPECT_EQ(e["ResourceArn"], kPinpoint);
  EXPECT_EQ(e["EndpointAttributes"], json({{"DeviceToken", "dt"}, {"VoipDeviceToken", "voip"}}));
  EXPECT_EQ(e["AllowMessages"], "ALL");  // the default
  EXPECT_EQ(e["EndpointState"], json({{"Status", "ACTIVE"}}));
  EXPECT_TRUE(e["CreatedTimestamp"].is_number());
  EXPECT_EQ(e["CreatedTimestamp"], e["LastUpdatedTimestamp"]);
}

TEST_F(EndpointsTest, NonPinpointResourceArnIsInactive) {
  auto id = RegisterOk({{"ResourceArn", "arn:aws:sns:us-east-1:123456789012:app/GCM/x"}, {"AllowMessages", "NONE"}});
  auto e = Describe(id).body["AppInstanceUserEndpoint"];
  EXPECT_EQ(e["EndpointState"], json({{"Status", "INACTIVE"}, {"StatusReason", "INVALID_PINPOINT_ARN"}}));
  EXPECT_EQ(e["AllowMessages"], "NONE");
  EXPECT_FALSE(e.contains("Name"));
}

TEST_F(EndpointsTest, ClientRequestTokenReplaysAndConflicts) {
  json body = {{"Type", "GCM"}, {"ResourceArn", kPinpoint}, {"EndpointAttributes", {{"DeviceToken", "same"}}},
               {"ClientRequestToken", "tok-1"}};
  auto a = Call("POST", Path(user_), body);
  auto b = Call("POST", Path(user_), body);
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201) << b.raw_body;
  EXPECT_EQ(a.body["EndpointId"], b.body["EndpointId"]);
  auto list = Call("GET", Path(user_));
  EXPECT_EQ(list.body["AppInstanceUserEndpoints"].size(), 1u);
  body["Name"] = "other";
  auto c = Call("POST", Path(user_), body);
  EXPECT_EQ(c.status, 409) << c.raw_body;
  EXPECT_EQ(c.error, "ConflictException");
}

TEST_F(EndpointsTest, SameDeviceTwiceIsConflict) {
  RegisterOk({{"EndpointAttributes", {{"DeviceToken", "d"}}}});
  auto r = Register({{"EndpointAttributes", {{"DeviceToken", "d"}}}});
  EXPECT_EQ(r.status, 409) << r.raw_body;
  EXPECT_EQ(r.error, "ConflictException");
  // Another type for the same device token is another endpoint.
  EXPECT_EQ(Register({{"Type", "GCM"}, {"EndpointAttributes", {{"DeviceToken", "d"}}}}).status, 201);
}

TEST_F(EndpointsTest, TenEndpointsPerUser) {
  for (int i = 0; i < 10; ++i) RegisterOk();
  auto r = Register();
  EXPECT_EQ(r.status, 400) << r.raw_body;
  EXPECT_EQ(r.error, "ResourceLimitExceededException");
  EXPECT_NE(r.body.value("Message", "").find("10"), std::string::npos) << r.raw_body;
  // The limit is per user.
  auto bob = CreateUser(app_, "bob");
  EXPECT_EQ(Register(json::object(), bob).status, 201);
  // Deregistering frees a slot.
  auto first = Call("GET", Path(user_) + "?max-results=1").body["AppInstanceUserEndpoints"][0]["EndpointId"];
  EXPECT_EQ(Call("DELETE", Path(user_, first)).status, 204);
  EXPECT_EQ(Register().status, 201);
}

TEST_F(EndpointsTest, ListPagesInRegistrationOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(RegisterOk({{"Name", "n" + std::to_string(i)}}));
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto r = Call("GET", Path(user_) + "?max-results=2" + (token.empty() ? "" : "&next-token=" + Enc(token)));
    ASSERT_EQ(r.status, 200) << r.raw_body;
    for (const auto& s : r.body["AppInstanceUserEndpoints"]) {
      EXPECT_EQ(s["AppInstanceUserArn"], user_);
      EXPECT_EQ(s["Type"], "APNS");
      EXPECT_EQ(s["AllowMessages"], "ALL");
      EXPECT_EQ(s["EndpointState"]["Status"], "ACTIVE");
      EXPECT_FALSE(s.contains("EndpointAttributes"));  // not in the summary shape
      seen.push_back(s["EndpointId"]);
    }
    token = r.body.value("NextToken", "");
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);
  // A token of another user's listing is refused.
  auto bob = CreateUser(app_, "bob");
  auto r = Call("GET", Path(user_) + "?max-results=2");
  auto other = Call("GET", Path(bob) + "?next-token=" + Enc(r.body["NextToken"].get<std::string>()));
  EXPECT_EQ(other.error, "BadRequestException") << other.raw_body;
}

TEST_F(EndpointsTest, UpdateChangesOnlyGivenMembers) {
  auto id = RegisterOk({{"Name", "old"}});
  auto u = Call("PUT", Path(user_, id), {{"AllowMessages", "NONE"}});
  ASSERT_EQ(u.status, 200) << u.raw_body;
  EXPECT_EQ(u.body, json({{"AppInstanceUserArn", user_}, {"EndpointId", id}}));
  auto e = Describe(id).body["AppInstanceUserEndpoint"];
  EXPECT_EQ(e["Name"], "old");
  EXPECT_EQ(e["AllowMessages"], "NONE");
  EXPECT_EQ(Call("PUT", Path(user_, id), {{"Name", "new"}}).status, 200);
  e = Describe(id).body["AppInstanceUserEndpoint"];
  EXPECT_EQ(e["Name"], "new");
  EXPECT_EQ(e["AllowMessages"], "NONE");
}

TEST_F(EndpointsTest, DeregisterRemovesIt) {
  auto id = RegisterOk();
  auto d = Call("DELETE", Path(user_, id));
  EXPECT_EQ(d.status, 204) << d.raw_body;
  EXPECT_EQ(Describe(id).error, "ForbiddenException");
  EXPECT_EQ(Call("DELETE", Path(user_, id)).error, "ForbiddenException");
}

TEST_F(EndpointsTest, UnknownUserOrEndpointIsForbidden) {
  // None of the endpoint operations models NotFoundException: ResourceMissing -> Forbidden.
  const std::string ghost = app_ + "/user/ghost";
  for (const auto& r : {Register(json::object(), ghost), Call("GET", Path(ghost)), Call("GET", Path(ghost, "x")),
                        Call("PUT", Path(ghost, "x"), {{"Name", "n"}}), Call("DELETE", Path(ghost, "x")),
                        Describe("no-such-endpoint"), Call("PUT", Path(user_, "nope"), {{"Name", "n"}}),
                        Call("DELETE", Path(user_, "nope"))}) {
    EXPECT_EQ(r.status, 403) << r.raw_body;
    EXPECT_EQ(r.error, "ForbiddenException") << r.raw_body;
    EXPECT_NE(r.body.value("Message", "").find("does not exist"), std::string::npos) << r.raw_body;
  }
  // An endpoint id is only found under its own user.
  auto id = RegisterOk();
  auto bob = CreateUser(app_, "bob");
  EXPECT_EQ(Call("GET", Path(bob, id)).error, "ForbiddenException");
}

TEST_F(EndpointsTest, BotArnIsNotAUser) {
  auto bot = Call("POST", "/app-instance-bots",
                  {{"AppInstanceArn", app_},
                   {"Configuration", {{"Lex", {{"LexBotAliasArn", "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/ABCDEFGHIJ"},
                                               {"LocaleId", "en_US"},
                                               {"RespondsTo", "STANDARD_MESSAGES"}}}}},
                   {"ClientRequestToken", NextToken()}});
  ASSERT_EQ(bot.status, 201) << bot.raw_body;
  EXPECT_EQ(Register(json::object(), bot.body["AppInstanceBotArn"]).error, "ForbiddenException");
}

TEST_F(EndpointsTest, ModelValidationStillApplies) {
  EXPECT_EQ(Register({{"Type", "SMS"}}).error, "BadRequestException");
  EXPECT_EQ(Register({{"AllowMessages", "SOME"}}).error, "BadRequestException");
  EXPECT_EQ(Register({{"EndpointAttributes", json::object()}}).error, "BadRequestException");
}

TEST_F(EndpointsTest, EndpointsGoWithTheirUserAndAreNotReplayedAfterRecreation) {
  json body = {{"Type", "GCM"}, {"ResourceArn", kPinpoint}, {"EndpointAttributes", {{"DeviceToken", "x"}}},
               {"ClientRequestToken", "reused"}};
  auto first = Call("POST", Path(user_), body);
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(Call("DELETE", "/app-instance-users/" + Enc(user_)).status, 204);
  {
    auto st = db_->Prepare("SELECT count(*) FROM app_instance_user_endpoints");
    ASSERT_TRUE(st.Step());
    EXPECT_EQ(st.Int(0), 0);
  }
  // Same user id again: the old token must not replay the deleted endpoint.
  ASSERT_EQ(CreateUser(app_, "alice"), user_);
  auto again = Call("POST", Path(user_), body);
  ASSERT_EQ(again.status, 201) << again.raw_body;
  EXPECT_NE(again.body["EndpointId"], first.body["EndpointId"]);
  EXPECT_EQ(Describe(again.body["EndpointId"]).status, 200);
  // Same for a deleted and re-created app instance's users (tokens forgotten by prefix).
  auto app2 = CreateAppInstance("second");
  auto u2 = CreateUser(app2, "u");
  auto r1 = Call("POST", Path(u2), body);
  ASSERT_EQ(r1.status, 201);
  ASSERT_EQ(Call("DELETE", "/app-instances/" + Enc(app2)).status, 204);
  auto st = db_->Prepare("SELECT count(*) FROM client_tokens WHERE scope_key = ?");
  st.BindAll(storage::TokenKey("RegisterAppInstanceUserEndpoint|" + u2));
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Int(0), 0);
}

// ----------------------------------------------------------------------------- retention

class RetentionTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    app_ = CreateAppInstance();
    user_ = CreateUser(app_, "alice");
    channel_ = app_ + "/channel/c1";
    db_->Prepare("INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, "
                 "updated_ms) VALUES (?, ?, 'c', 'RESTRICTED', 'PRIVATE', ?, 1, 1)")
        .BindAll(channel_, app_, user_)
        .Run();
    db_->Prepare("INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, created_ms, "
                 "updated_ms) VALUES (?, ?, 'DEFAULT', ?, 1, 1)")
        .BindAll(channel_, user_, user_)
        .Run();
  }
  Reply Put(json settings) {
    return Call("PUT", "/app-instances/" + Enc(app_) + "/retention-settings",
                {{"AppInstanceRetentionSettings", settings}});
  }
  Reply PutDays(int days) { return Put({{"ChannelRetentionSettings", {{"RetentionDays", days}}}}); }
  Reply GetSettings() { return Call("GET", "/app-instances/" + Enc(app_) + "/retention-settings"); }
  // Sends a message and backdates it by `age_ms`.
  std::string SendAged(int64_t age_ms) {
    auto r = Call("POST", "/channels/" + Enc(channel_) + "/messages",
                  {{"Content", "hi"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
                   {"ClientRequestToken", NextToken()}},
                  user_);
    EXPECT_EQ(r.status, 201) << r.raw_body;
    std::string id = r.body.value("MessageId", "");
    db_->Prepare("UPDATE channel_messages SET created_ms = created_ms - ? WHERE message_id = ?")
        .BindAll(age_ms, id)
        .Run();
    return id;
  }
  std::set<std::string> ListIds(const std::string& query = "") {
    auto r = Call("GET", "/channels/" + Enc(channel_) + "/messages" + query, nullptr, user_);
    EXPECT_EQ(r.status, 200) << r.raw_body;
    std::set<std::string> ids;
    for (const auto& m : r.body["ChannelMessages"]) ids.insert(m["MessageId"]);
    return ids;
  }
  Reply GetMessage(const std::string& id) {
    return Call("GET", "/channels/" + Enc(channel_) + "/messages/" + id, nullptr, user_);
  }
  int64_t StoredMessages() {
    auto st = db_->Prepare("SELECT count(*) FROM channel_messages");
    EXPECT_TRUE(st.Step());
    return st.Int(0);
  }
  std::string app_, user_, channel_;
};

TEST_F(RetentionTest, GetBeforeAnyPutIsEmpty) {
  auto r = GetSettings();
  ASSERT_EQ(r.status, 200) << r.raw_body;
  EXPECT_EQ(r.body, json({{"AppInstanceRetentionSettings", json::object()}}));
}

TEST_F(RetentionTest, PutThenGetRoundTrip) {
  auto p = PutDays(30);
  ASSERT_EQ(p.status, 200) << p.raw_body;
  EXPECT_EQ(p.body["AppInstanceRetentionSettings"], json({{"ChannelRetentionSettings", {{"RetentionDays", 30}}}}));
  ASSERT_TRUE(p.body["InitiateDeletionTimestamp"].is_number());
  auto g = GetSettings();
  ASSERT_EQ(g.status, 200) << g.raw_body;
  EXPECT_EQ(g.body["AppInstanceRetentionSettings"], p.body["AppInstanceRetentionSettings"]);
  EXPECT_EQ(g.body["InitiateDeletionTimestamp"], p.body["InitiateDeletionTimestamp"]);
}

TEST_F(RetentionTest, RangeIsValidated) {
  EXPECT_EQ(PutDays(0).error, "BadRequestException");
  EXPECT_EQ(PutDays(5476).error, "BadRequestException");
  EXPECT_EQ(PutDays(5475).status, 200);
  EXPECT_EQ(PutDays(1).status, 200);
}

TEST_F(RetentionTest, UnknownAppInstanceIsForbidden) {
  app_ += "0";
  EXPECT_EQ(PutDays(3).error, "ForbiddenException");
  EXPECT_EQ(GetSettings().error, "ForbiddenException");
}

// Developer guide, "Managing message retention": within 30 days of setting or
// updating the period, messages past it can be restored; after that they are
// deleted for good.
TEST_F(RetentionTest, MessagesPastRetentionAreHiddenThenDeletedAfterTheGracePeriod) {
  auto old_id = SendAged(3 * kDayMs);
  auto fresh = SendAged(kDayMs - 60'000);
  EXPECT_EQ(StoredMessages(), 2);
  auto put = PutDays(2);
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(StoredMessages(), 2);  // hidden, not deleted
  EXPECT_EQ(ListIds(), std::set<std::string>{fresh});
  EXPECT_EQ(GetMessage(old_id).error, "NotFoundException");
  ASSERT_EQ(PutDays(10).status, 200);  // extended within the grace period: back
  EXPECT_EQ(ListIds(), (std::set<std::string>{old_id, fresh}));
  ASSERT_EQ(PutDays(2).status, 200);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_EQ(api::SweepExpired(*db_, now + 29 * kDayMs).messages, 0);  // still restorable
  EXPECT_EQ(StoredMessages(), 2);
  EXPECT_EQ(api::SweepExpired(*db_, now + 31 * kDayMs).messages, 2);  // both past 2 days by then
  EXPECT_EQ(StoredMessages(), 0);
  // InitiateDeletionTimestamp: when the deletion starts, 30 days after the Put.
  auto got = GetSettings();
  ASSERT_TRUE(got.body["InitiateDeletionTimestamp"].is_number());
  const double start = got.body["InitiateDeletionTimestamp"].get<double>();
  EXPECT_NEAR(start, now / 1000.0 + 30 * 86400.0, 60.0);
}

TEST_F(RetentionTest, MessagesAgingPastRetentionAfterPutAreHiddenFromReads) {
  ASSERT_EQ(PutDays(2).status, 200);
  auto kept = SendAged(kDayMs);
  auto aged = SendAged(0);
  // The message ages past retention after the Put (no purge ran since).
  db_->Prepare("UPDATE channel_messages SET created_ms = created_ms - ? WHERE message_id = ?")
      .BindAll(5 * kDayMs, aged)
      .Run();
  EXPECT_EQ(StoredMessages(), 2);
  EXPECT_EQ(ListIds(), std::set<std::string>{kept});
  EXPECT_EQ(ListIds("?sort-order=ASCENDING"), std::set<std::string>{kept});
  EXPECT_EQ(GetMessage(kept).status, 200);
  auto g = GetMessage(aged);
  EXPECT_EQ(g.error, "NotFoundException") << g.raw_body;
  auto status_of = [&](const std::string& id) {
    return Call("GET", "/channels/" + Enc(channel_) + "/messages/" + id + "?scope=message-status", nullptr, user_);
  };
  EXPECT_EQ(status_of(kept).status, 200);
  auto status = status_of(aged);
  EXPECT_EQ(status.error, "ForbiddenException") << status.raw_body;  // NotFound is not modeled there
  EXPECT_NE(status.body.value("Message", "").find("does not exist"), std::string::npos) << status.raw_body;
  auto edit = Call("PUT", "/channels/" + Enc(channel_) + "/messages/" + aged, {{"Content", "x"}}, user_);
  EXPECT_NE(edit.status, 200) << edit.raw_body;
  EXPECT_NE(edit.body.value("Message", "").find("does not exist"), std::string::npos) << edit.raw_body;
}

// The API holds RetentionDays to 1..5475, but a stored value (a snapshot) can be
// any integer: 2^62 days wrapped `now - days * 86400000` to `now`, which hid
// every message. Huge retention now means "kept": the start saturates.
TEST_F(RetentionTest, HugeStoredRetentionDaysHideNothing) {
  auto old_id = SendAged(400 * kDayMs);
  auto fresh = SendAged(0);
  for (int64_t days : {int64_t{1} << 62, INT64_MAX}) {
    db_->Prepare("UPDATE app_instances SET retention_days = ? WHERE arn = ?").BindAll(days, app_).Run();
    EXPECT_EQ(ListIds(), (std::set<std::string>{old_id, fresh})) << days;
    EXPECT_EQ(GetMessage(old_id).status, 200) << days;
  }
}

TEST_F(RetentionTest, ClearingRetentionKeepsMessagesAgain) {
  ASSERT_EQ(PutDays(2).status, 200);
  auto aged = SendAged(10 * kDayMs);  // older than retention, not yet purged
  EXPECT_TRUE(ListIds().empty());
  auto p = Put(json::object());
  ASSERT_EQ(p.status, 200) << p.raw_body;
  EXPECT_EQ(p.body["AppInstanceRetentionSettings"], json::object());
  EXPECT_EQ(GetSettings().body["AppInstanceRetentionSettings"], json::object());
  EXPECT_EQ(ListIds(), std::set<std::string>{aged});
}

TEST_F(RetentionTest, RetentionIsPerAppInstance) {
  auto other_app = CreateAppInstance("other");
  auto other_user = CreateUser(other_app, "zed");
  const std::string other_channel = other_app + "/channel/c2";
  db_->Prepare("INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, "
               "updated_ms) VALUES (?, ?, 'c', 'RESTRICTED', 'PRIVATE', ?, 1, 1)")
      .BindAll(other_channel, other_app, other_user)
      .Run();
  db_->Prepare("INSERT INTO channel_messages (message_id, channel_arn, sender_arn, type, persistence, content, "
               "created_ms, updated_ms) VALUES ('m-other', ?, ?, 'STANDARD', 'PERSISTENT', 'x', 1, 1)")
      .BindAll(other_channel, other_user)
      .Run();
  ASSERT_EQ(PutDays(1).status, 200);
  EXPECT_EQ(StoredMessages(), 1);  // the other instance's ancient message stays
}

// ----------------------------------------------------------------------------- migration v1 -> v2

TEST(SchemaMigrationTest, VersionOneFileIsUpgradedInPlace) {
  namespace fs = std::filesystem;
  static std::atomic<int> counter{0};
  const std::string path = (fs::temp_directory_path() / ("chime-v1-upgrade-" + std::to_string(getpid()) + "-" +
                                                         std::to_string(counter++) + ".db"))
                               .string();
  auto cleanup = [&] {
    std::error_code ec;
    for (const char* s : {"", "-wal", "-shm", "-journal"}) fs::remove(path + s, ec);
  };
  cleanup();
  const std::string app = "arn:aws:chime:us-east-1:123456789012:app-instance/a";
  const std::string user = app + "/user/u";
  {
    // A file exactly as schema version 1 left it, with data.
    ASSERT_EQ(storage::AllMigrations().front().version, 1);
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    std::string sql(storage::AllMigrations().front().sql);
    sql += "PRAGMA user_version = 1;"
           "INSERT INTO app_instances (arn, name, created_ms, updated_ms, retention_days) VALUES ('" + app +
           "', 'app', 1, 1, 7);"
           "INSERT INTO principals (arn, app_instance_arn, kind, created_ms, updated_ms) VALUES ('" + user + "', '" +
           app + "', 'user', 1, 1);";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(raw);
  }
  {
    auto db = storage::Database::Open(path);
    auto q = [&](const std::string& s) {
      auto st = db->Prepare(s);
      EXPECT_TRUE(st.Step()) << s;
      return st.Int(0);
    };
    EXPECT_GE(storage::LatestSchemaVersion(), 3);
    EXPECT_EQ(q("PRAGMA user_version"), storage::LatestSchemaVersion());
    // Version 4's tables (channel flows, streaming configurations) exist too.
    EXPECT_EQ(q("SELECT count(*) FROM channel_flows"), 0);
    EXPECT_EQ(q("SELECT count(*) FROM messaging_streaming_configurations"), 0);
    EXPECT_EQ(q("SELECT count(*) FROM principals"), 1);
    EXPECT_EQ(q("SELECT retention_days FROM app_instances"), 7);
    EXPECT_EQ(q("SELECT count(*) FROM app_instances WHERE retention_set_ms IS NULL"), 1);
    db->Prepare("INSERT INTO app_instance_user_endpoints (user_arn, endpoint_id, type, resource_arn, device_token, "
                "allow_messages, status, created_ms, updated_ms) VALUES (?, 'e1', 'GCM', 'r', 'd', 'ALL', "
                "'ACTIVE', 1, 1)")
        .BindAll(user)
        .Run();
    // The new table's FK to principals holds and cascades.
    EXPECT_THROW(db->Prepare("INSERT INTO app_instance_user_endpoints (user_arn, endpoint_id, type, resource_arn, "
                             "device_token, allow_messages, status, created_ms, updated_ms) VALUES ('nobody', 'e2', "
                             "'GCM', 'r', 'd', 'ALL', 'ACTIVE', 1, 1)")
                     .Run(),
                 storage::ConstraintError);
    db->Prepare("DELETE FROM principals WHERE arn = ?").BindAll(user).Run();
    EXPECT_EQ(q("SELECT count(*) FROM app_instance_user_endpoints"), 0);
  }
  {
    // Reopening at the latest version applies nothing again.
    auto db = storage::Database::Open(path);
    auto st = db->Prepare("PRAGMA user_version");
    ASSERT_TRUE(st.Step());
    EXPECT_EQ(st.Int(0), storage::LatestSchemaVersion());
  }
  cleanup();
}

}  // namespace
}  // namespace chime::testing
