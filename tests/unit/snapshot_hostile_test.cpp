// Hostile snapshots (storage/snapshot_schema.hpp, storage/snapshot_invariants.hpp):
// a file whose schema is not exactly ours is refused before anything runs on
// it (a recursive view that made a migration endless, a table without its
// foreign key), and data the API could never have written is refused naming
// table, column and row. The invariants' ranges and enums are the model's.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include "api/protocol/model.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/snapshot.hpp"
#include "storage/snapshot_invariants.hpp"
#include "storage/snapshot_schema.hpp"

namespace chime::storage {
namespace {

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
const std::string kUser = kApp + "/user/u1";
const std::string kChannel = kApp + "/channel/c1";
const std::string kFlow = kApp + "/channel-flow/f1";
const std::string kProcessors =
    R"([{"Name":"p","Configuration":{"Lambda":{"ResourceArn":"arn:aws:lambda:us-east-1:123456789012:function:f",)"
    R"("InvocationType":"ASYNC"}},"ExecutionOrder":1,"FallbackAction":"CONTINUE"}])";

std::string Image(Database& db) {
  auto bytes = SerializeStore(db);
  return std::string(bytes.begin(), bytes.end());
}

// LoadSnapshot in a thread of its own, waited for at most 60 s: an endless
// validation fails the test instead of hanging it.
std::string RefusalWithin60s(std::string image) {
  auto promise = std::make_shared<std::promise<std::string>>();
  auto result = promise->get_future();
  std::thread([promise, image = std::move(image)] {
    try {
      LoadSnapshot(image);
      promise->set_value("(accepted)");
    } catch (const std::exception& e) {
      promise->set_value(e.what());
    }
  }).detach();
  if (result.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ADD_FAILURE() << "LoadSnapshot still runs after 60 s";
    std::fflush(nullptr);
    std::_Exit(1);  // the validation thread cannot be stopped
  }
  return result.get();
}

// A store with one app instance, user, flow, channel (with the flow) and member.
std::unique_ptr<Database> Populated() {
  auto db = Database::Open(":memory:");
  db->Exec("INSERT INTO app_instances (arn, name, created_ms, updated_ms) VALUES ('" + kApp + "', 'a', 1, 1)");
  db->Exec("INSERT INTO principals (arn, app_instance_arn, kind, created_ms, updated_ms) VALUES ('" + kUser + "', '" +
           kApp + "', 'user', 1, 1)");
  db->Prepare("INSERT INTO channel_flows (arn, app_instance_arn, name, processors, created_ms, updated_ms) "
              "VALUES (?, ?, 'f', ?, 1, 1)")
      .BindAll(kFlow, kApp, kProcessors)
      .Run();
  db->Prepare("INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, "
              "updated_ms, channel_flow_arn) VALUES (?, ?, 'c', 'RESTRICTED', 'PUBLIC', ?, 1, 1, ?)")
      .BindAll(kChannel, kApp, kUser, kFlow)
      .Run();
  db->Prepare("INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, created_ms, "
              "updated_ms) VALUES (?, ?, 'DEFAULT', ?, 1, 1)")
      .BindAll(kChannel, kUser, kUser)
      .Run();
  return db;
}

std::string RefusalAfter(const std::string& sql) {
  auto db = Populated();
  db->Exec("PRAGMA foreign_keys=OFF");
  db->Exec(sql);
  return RefusalWithin60s(Image(*db));
}

TEST(SnapshotHostileTest, APopulatedStoreIsAccepted) {
  auto db = Populated();
  EXPECT_EQ(RefusalWithin60s(Image(*db)), "(accepted)");
}

TEST(SnapshotHostileTest, ARecursiveViewIsRefusedBeforeTheMigrationRuns) {
  // Version 2 with idempotency_tokens an endless view: the v3 migration's
  // INSERT ... SELECT FROM idempotency_tokens would never end.
  auto db = Database::FromImage("");
  ApplyMigrations(*db, 2);
  db->Exec("DROP TABLE idempotency_tokens");
  db->Exec("CREATE VIEW idempotency_tokens AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
           "SELECT 's|' || n AS scope, 't' AS token, '00' AS request_hash, 'r' AS response, n AS created_ms FROM r");
  const auto start = std::chrono::steady_clock::now();
  const std::string refusal = RefusalWithin60s(Image(*db));
  EXPECT_NE(refusal.find("idempotency_tokens"), std::string::npos) << refusal;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SnapshotHostileTest, TriggersAndUnknownIndexesAreRefused) {
  EXPECT_NE(RefusalAfter("CREATE TRIGGER t AFTER INSERT ON tags BEGIN DELETE FROM tags; END").find("trigger t"),
            std::string::npos);
  EXPECT_NE(RefusalAfter("CREATE INDEX extra ON tags(value)").find("index extra"), std::string::npos);
}

TEST(SnapshotHostileTest, OurColumnsWithoutTheForeignKeyAreRefused) {
  // Same columns, no REFERENCES: foreign_key_check has nothing to check, the
  // store's own key would then fail the copy.
  const std::string refusal = RefusalAfter(
      "CREATE TABLE x AS SELECT * FROM channel_moderators; DROP TABLE channel_moderators; "
      "CREATE TABLE channel_moderators (id INTEGER PRIMARY KEY, channel_arn TEXT NOT NULL, moderator_arn TEXT NOT "
      "NULL, created_by_arn TEXT NOT NULL, created_ms INTEGER NOT NULL, UNIQUE (channel_arn, moderator_arn)); "
      "CREATE INDEX moderators_by_member ON channel_moderators(moderator_arn, id); DROP TABLE x; "
      "INSERT INTO channel_moderators (channel_arn, moderator_arn, created_by_arn, created_ms) "
      "VALUES ('" + kChannel + "', '" + kApp + "/user/missing', '" + kUser + "', 1)");
  EXPECT_NE(refusal.find("channel_moderators"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("not defined as in chime-local"), std::string::npos) << refusal;
}

TEST(SnapshotHostileTest, BrokenInvariantsNameTableColumnAndRow) {
  struct Case {
    std::string sql, words;
  };
  const Case cases[] = {
      {"UPDATE app_instances SET retention_days = 4611686018427387904", "app_instances, column retention_days, row id=1"},
      {"UPDATE channels SET expiration_days = 4611686018427387904", "channels, column expiration_days"},
      {"UPDATE principals SET expiration_days = 0", "principals, column expiration_days"},
      {"UPDATE channels SET elastic_min_membership_pct = 41", "elastic_min_membership_pct"},
      {"UPDATE channels SET mode = 'OPEN'", "column mode"},
      {"UPDATE channel_memberships SET type = 'X'", "channel_memberships, column type"},
      {"UPDATE channels SET created_ms = 'yesterday'", "column created_ms"},
      {"UPDATE channels SET updated_ms = -5", "column updated_ms"},
      {"UPDATE channel_flows SET processors = '[]'", "channel_flows, column processors"},
      {"UPDATE channel_flows SET processors = '{'", "channel_flows, column processors"},
      {"UPDATE channel_flows SET processors = '[{\"Name\":\"p\"}]'", "channel_flows, column processors"},
      {"UPDATE channels SET channel_flow_arn = '" + kApp + "/channel-flow/missing'", "channels, column channel_flow_arn"},
      {"UPDATE channels SET created_by_arn = 'nobody'", "channels, column created_by_arn"},
      {"UPDATE principals SET kind = 'bot'", "principals, column arn"},
      {"UPDATE channel_memberships SET preferences = '{oops'", "column preferences"},
  };
  for (const auto& c : cases) {
    const std::string refusal = RefusalAfter(c.sql);
    EXPECT_NE(refusal.find(c.words), std::string::npos) << c.sql << "\n -> " << refusal;
  }
}

TEST(SnapshotHostileTest, NormalizedSqlIgnoresCommentsAndSpacingButNotQuotedText) {
  EXPECT_EQ(NormalizeSchemaSql("CREATE TABLE t (\n  a TEXT, -- note\n  b /* x */ INTEGER\n)"),
            "CREATE TABLE t(a TEXT,b INTEGER)");
  EXPECT_EQ(NormalizeSchemaSql("CHECK (k IN ('user', 'bot'))"), "CHECK(k IN('user','bot'))");
  EXPECT_NE(NormalizeSchemaSql("DEFAULT 'a b'"), NormalizeSchemaSql("DEFAULT 'a  b'"));
  EXPECT_EQ(NormalizeSchemaSql("x '--' y"), "x '--' y");
}

// Each range and enum names the botocore shape it stands for; it must be that shape's.
TEST(SnapshotHostileTest, RangesAndEnumsAreTheModels) {
  auto shapes_named = [](std::string_view name) {
    std::vector<const api::model::ShapeDef*> out;
    for (const auto& s : api::model::Shapes())
      if (s.name == name) out.push_back(&s);
    return out;
  };
  for (const auto& r : SnapshotRanges()) {
    if (r.shape.empty()) continue;
    bool matched = false;
    for (const auto* s : shapes_named(r.shape)) {
      matched = matched || ((s->has_min ? s->min : 0) == r.min && (s->has_max ? s->max : 2147483647) == r.max);
    }
    EXPECT_TRUE(matched) << r.table << "." << r.column << " vs shape " << r.shape;
  }
  for (const auto& e : SnapshotEnums()) {
    if (e.shape.empty()) continue;
    bool matched = false;
    for (const auto* s : shapes_named(e.shape)) {
      auto values = api::model::EnumValues(*s);
      matched = matched || std::equal(values.begin(), values.end(), e.values.begin(), e.values.end());
    }
    EXPECT_TRUE(matched) << e.table << "." << e.column << " vs shape " << e.shape;
  }
}

}  // namespace
}  // namespace chime::storage
