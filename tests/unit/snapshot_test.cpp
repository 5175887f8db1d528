// Snapshots at the storage level (storage/snapshot.hpp, storage/table_order.hpp):
// serialize -> validate -> replace round trips, every refusal names its
// problem and leaves the target untouched, an older schema is migrated, and
// the reset deletes every table derived from the schema.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <string>

#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/snapshot.hpp"
#include "storage/table_order.hpp"
#include "storage/transaction.hpp"
#include "unit/temp_db_file.hpp"

namespace chime::storage {
namespace {

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";

int64_t Count(Database& db, const std::string& table) {
  auto st = db.Prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(st.Step());
  return st.Int(0);
}

void InsertApp(Database& db, const std::string& arn, const std::string& name) {
  db.Prepare("INSERT INTO app_instances (arn, name, created_ms, updated_ms) VALUES (?, ?, 1, 1)")
      .BindAll(arn, name)
      .Run();
}

void InsertChannelWithMessages(Database& db, const std::string& app, int messages) {
  const std::string channel = app + "/channel/c1";
  db.Prepare(
        "INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, updated_ms) "
        "VALUES (?, ?, 'c', 'RESTRICTED', 'PUBLIC', ?, 1, 1)")
      .BindAll(channel, app, app + "/user/u1")
      .Run();
  for (int i = 0; i < messages; ++i) {
    db.Prepare(
          "INSERT INTO channel_messages (message_id, channel_arn, sender_arn, type, persistence, content, created_ms, "
          "updated_ms) VALUES (?, ?, ?, 'STANDARD', 'PERSISTENT', ?, ?, ?)")
        .BindAll(std::string("m").append(std::to_string(i)), channel, app + "/user/u1", std::string(i % 7, 'x'), int64_t{i},
                 int64_t{i})
        .Run();
  }
}

std::string Image(Database& db) {
  auto bytes = SerializeStore(db);
  return std::string(bytes.begin(), bytes.end());
}

std::string RefusalOf(std::string_view bytes) {
  try {
    LoadSnapshot(bytes);
  } catch (const InvalidSnapshot& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(TableOrderTest, ParentsComeBeforeChildrenAndEveryTableIsListed) {
  auto db = Database::Open(":memory:");
  auto tables = DataTablesParentsFirst(*db);
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.table);
  auto pos = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  EXPECT_LT(pos("app_instances"), pos("channels"));
  EXPECT_LT(pos("channels"), pos("channel_messages"));
  EXPECT_LT(pos("principals"), pos("app_instance_user_endpoints"));
  EXPECT_LT(pos("channel_messages"), static_cast<long>(names.size()));
  auto st = db->Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  st.Step();
  EXPECT_EQ(static_cast<int64_t>(names.size()), st.Int(0));
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
}

TEST(SnapshotTest, RoundTripReplacesEverythingAtomically) {
  auto source = Database::Open(":memory:");
  InsertApp(*source, kApp, "kept");
  InsertChannelWithMessages(*source, kApp, 50);
  const std::string image = Image(*source);
  ASSERT_GT(image.size(), 100u);
  EXPECT_EQ(image.substr(0, 15), "SQLite format 3");

  TempDbFile file;
  auto target = Database::Open(file.path());  // a WAL file database
  InsertApp(*target, kApp + "-other", "replaced");
  auto snapshot = LoadSnapshot(image);
  {
    Transaction txn(*target, Transaction::Mode::kWrite);
    auto restored = ReplaceData(*target, *snapshot);
    int64_t messages = -1;
    for (const auto& t : restored)
      if (t.table == "channel_messages") messages = t.rows;
    EXPECT_EQ(messages, 50);
    txn.Commit();
  }
  EXPECT_EQ(Count(*target, "app_instances"), 1);
  EXPECT_EQ(Count(*target, "app_instances WHERE name = 'kept'"), 1);
  EXPECT_EQ(Count(*target, "channel_messages"), 50);

  // A WAL source serializes to a rollback-journal header (opens without a -wal file).
  const std::string from_wal = Image(*target);
  EXPECT_EQ(from_wal[18], 1);
  EXPECT_EQ(from_wal[19], 1);
  EXPECT_EQ(Count(*LoadSnapshot(from_wal), "channel_messages"), 50);

  // Rolled back: the old data stays.
  InsertApp(*source, kApp + "-2", "second");
  auto second = LoadSnapshot(Image(*source));
  {
    Transaction txn(*target, Transaction::Mode::kWrite);
    ReplaceData(*target, *second);
    EXPECT_EQ(Count(*target, "app_instances"), 2);
  }  // no Commit
  EXPECT_EQ(Count(*target, "app_instances"), 1);
}

TEST(SnapshotTest, RefusalsNameTheProblem) {
  EXPECT_NE(RefusalOf("").find("empty"), std::string::npos);
  EXPECT_NE(RefusalOf(std::string(200, 'x')).find("not a SQLite database file"), std::string::npos);

  // A SQLite file that is not ours.
  auto other = Database::FromImage("");
  other->Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY)");
  EXPECT_NE(RefusalOf(Image(*other)).find("not a chime-local database"), std::string::npos) << RefusalOf(Image(*other));
  // Claims a version but lacks our tables.
  other->Exec("PRAGMA user_version = 4");
  EXPECT_NE(RefusalOf(Image(*other)).find("is missing"), std::string::npos) << RefusalOf(Image(*other));

  auto ours = Database::Open(":memory:");
  InsertApp(*ours, kApp, "a");
  ours->Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  EXPECT_NE(RefusalOf(Image(*ours)).find("newer"), std::string::npos);
  ours->Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion()));

  // An extra column is not our schema.
  auto extra = Database::Open(":memory:");
  extra->Exec("ALTER TABLE tags ADD COLUMN surprise TEXT");
  EXPECT_NE(RefusalOf(Image(*extra)).find("tags"), std::string::npos);

  // Corrupt pages: integrity_check (or the reader) refuses it.
  InsertChannelWithMessages(*ours, kApp, 400);
  std::string image = Image(*ours);
  for (size_t i = 4096 * 2; i < image.size(); i += 97) image[i] = static_cast<char>(image[i] ^ 0x5a);
  EXPECT_NE(RefusalOf(image), "(accepted)");
  // Cut short.
  std::string whole = Image(*ours);
  EXPECT_NE(RefusalOf(std::string_view(whole).substr(0, whole.size() / 2)), "(accepted)");
}

TEST(SnapshotTest, AnOlderSchemaIsMigrated) {
  // A version-1 database: only the first migration applied.
  auto old = Database::FromImage("");
  old->Exec(AllMigrations()[0].sql);
  old->Exec("PRAGMA user_version = 1");
  InsertApp(*old, kApp, "from v1");
  auto snapshot = LoadSnapshot(Image(*old));
  auto st = snapshot->Prepare("PRAGMA user_version");
  st.Step();
  EXPECT_EQ(st.Int(0), LatestSchemaVersion());
  EXPECT_EQ(Count(*snapshot, "app_instances WHERE name = 'from v1'"), 1);
}

std::multiset<std::string> SchemaText(Database& db) {
  std::multiset<std::string> out;
  auto st = db.Prepare("SELECT type || ' ' || name || ' ' || tbl_name || ' ' || ifnull(sql, '') FROM sqlite_schema");
  while (st.Step()) out.insert(st.Text(0));
  return out;
}

TEST(ResetTest, DeleteAllDataEmptiesEveryTableAndKeepsTheSchema) {
  TempDbFile file;
  auto db = Database::Open(file.path());
  const auto schema = SchemaText(*db);
  InsertApp(*db, kApp, "a");
  InsertChannelWithMessages(*db, kApp, 500);
  {
    Transaction txn(*db, Transaction::Mode::kWrite);
    db->DeleteAllData();
    txn.Commit();
  }
  for (const auto& t : DataTablesParentsFirst(*db)) EXPECT_EQ(Count(*db, QuoteIdentifier(t.table)), 0) << t.table;
  EXPECT_EQ(SchemaText(*db), schema);
  auto check = db->Prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.Step());
  EXPECT_EQ(check.Text(0), "ok");
  // Usable at once, foreign keys included; a rolled-back reset keeps the data.
  InsertApp(*db, kApp, "again");
  InsertChannelWithMessages(*db, kApp, 3);
  EXPECT_THROW(InsertChannelWithMessages(*db, kApp + "-missing", 1), ConstraintError);
  {
    Transaction txn(*db, Transaction::Mode::kWrite);
    db->DeleteAllData();
  }
  EXPECT_EQ(Count(*db, "channel_messages"), 3);
}

}  // namespace
}  // namespace chime::storage
