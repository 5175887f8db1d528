// The compact ClientRequestToken memory (schema v3): keys and containers, and
// a token remembered by a schema-v2 file still replays after the upgrade.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "api/handler_support/idempotency.hpp"
#include "api/dispatcher.hpp"
#include "storage/client_token_keys.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/statement.hpp"
#include "unit/api_fixture.hpp"
#include "unit/temp_db_file.hpp"

namespace chime::storage {
namespace {

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/11111111-1111-4111-8111-111111111111";
const std::string kChannel = kApp + "/channel/c1";
const std::string kUser = kApp + "/user/u1";

TEST(ClientTokenKeysTest, ContainersAreTheChannelForSendsAndTheAppInstanceOtherwise) {
  EXPECT_EQ(TokenContainer("SendChannelMessage|" + kChannel + "|" + kUser), kChannel);
  EXPECT_EQ(TokenContainer("CreateChannel|" + kApp + "|" + kUser), kApp);
  EXPECT_EQ(TokenContainer("CreateAppInstanceUser|" + kApp), kApp);
  EXPECT_EQ(TokenContainer("RegisterAppInstanceUserEndpoint|" + kUser), kApp);
  EXPECT_EQ(TokenContainer("CreateAppInstance|123456789012"), "123456789012");
}

TEST(ClientTokenKeysTest, KeysAreStableAcrossVersions) {
  // On disk: these values must never change.
  EXPECT_EQ(TokenKey(""), static_cast<int64_t>(14695981039346656037ULL));
  EXPECT_EQ(TokenKey("a"), static_cast<int64_t>(0xaf63dc4c8601ec8cULL));
  EXPECT_NE(TokenKey("SendChannelMessage|a|b"), TokenKey("SendChannelMessage|a|c"));
}

TEST(ClientTokenMigrationTest, AVersionTwoTokenStillReplaysAfterTheUpgrade) {
  TempDbFile file;
  const nlohmann::json input = {{"ChannelArn", kChannel}, {"ChimeBearer", kUser},      {"Content", "hi"},
                                {"Type", "STANDARD"},     {"Persistence", "PERSISTENT"}, {"ClientRequestToken", "tok-1"}};
  {
    // A file as schema version 2 left it: the sender, its channel, one message and its token.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file.path().c_str(), &raw), SQLITE_OK);
    std::string sql;
    for (const Migration& m : AllMigrations())
      if (m.version <= 2) sql += std::string(m.sql);
    sql += "PRAGMA user_version = 2;";
    sql += "INSERT INTO app_instances (arn, name, created_ms, updated_ms) VALUES ('" + kApp + "', 'a', 1, 1);";
    sql += "INSERT INTO principals (arn, app_instance_arn, kind, created_ms, updated_ms) VALUES ('" + kUser + "', '" +
           kApp + "', 'user', 1, 1);";
    sql += "INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, updated_ms)"
           " VALUES ('" + kChannel + "', '" + kApp + "', 'c', 'UNRESTRICTED', 'PUBLIC', '" + kUser + "', 1, 1);";
    sql += "INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, created_ms, updated_ms)"
           " VALUES ('" + kChannel + "', '" + kUser + "', 'DEFAULT', 'x', 1, 1);";
    sql += "INSERT INTO idempotency_tokens (scope, token, request_hash, response, created_ms) VALUES ('"
           "SendChannelMessage|" + kChannel + "|" + kUser + "', 'tok-1', '" + api::RequestHash(input) +
           "', '{\"ChannelArn\":\"" + kChannel + "\",\"MessageId\":\"m-old\",\"Status\":{\"Value\":\"SENT\"}}', 1);";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(raw);
  }
  auto db = Database::Open(file.path());
  api::Dispatcher dispatcher(api::ServiceConfig{}, *db);
  api::HttpRequest req;
  req.method = "POST";
  req.target = "/channels/" + testing::Enc(kChannel) + "/messages";
  req.headers = {{"x-amz-chime-bearer", kUser}, {"Content-Type", "application/json"}};
  req.body = nlohmann::json{{"Content", "hi"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
                            {"ClientRequestToken", "tok-1"}}
                 .dump();
  api::HttpResponse res = dispatcher.Handle(req);
  ASSERT_EQ(res.status, 201) << res.body;
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["MessageId"], "m-old");  // replayed, not sent again
  EXPECT_EQ(body["ChannelArn"], kChannel);
  // A new token is remembered compactly and replays the same way.
  req.body = nlohmann::json{{"Content", "again"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
                            {"ClientRequestToken", "tok-2"}}
                 .dump();
  auto first = nlohmann::json::parse(dispatcher.Handle(req).body);
  auto second = nlohmann::json::parse(dispatcher.Handle(req).body);
  EXPECT_EQ(first, second);
  EXPECT_EQ(second["ChannelArn"], kChannel);
}

}  // namespace
}  // namespace chime::storage
