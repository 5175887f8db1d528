// Storage core: open, migrations, PRAGMAs, statements, transactions, reset.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <string>

#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/statement.hpp"
#include "storage/transaction.hpp"
#include "unit/temp_db_file.hpp"

namespace chime::storage {
namespace {

namespace fs = std::filesystem;

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
const std::string kUser = kApp + "/user/u1";
const std::string kChannel = kApp + "/channel/c1";

int64_t QueryInt(Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  EXPECT_TRUE(st.Step()) << sql;
  return st.Int(0);
}

std::string QueryText(Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  EXPECT_TRUE(st.Step()) << sql;
  return st.Text(0);
}

void InsertApp(Database& db, const std::string& arn = kApp) {
  db.Prepare("INSERT INTO app_instances (arn, name, created_ms, updated_ms) VALUES (?, ?, ?, ?)")
      .BindAll(arn, "app", int64_t{1}, int64_t{1})
      .Run();
}

void InsertPrincipal(Database& db, const std::string& arn, const std::string& app = kApp) {
  db.Prepare("INSERT INTO principals (arn, app_instance_arn, kind, created_ms, updated_ms) VALUES (?, ?, 'user', 1, 1)")
      .BindAll(arn, app)
      .Run();
}

TEST(StorageTest, InMemoryOpensAtTheLatestSchema) {
  auto db = Database::Open(":memory:");
  EXPECT_EQ(QueryInt(*db, "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_GE(LatestSchemaVersion(), 1);
  EXPECT_EQ(AllMigrations().back().version, LatestSchemaVersion());
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='channel_messages'"), 1);
}

TEST(StorageTest, MigrationVersionsAreIncreasing) {
  int last = 0;
  for (const Migration& m : AllMigrations()) {
    EXPECT_GT(m.version, last);
    EXPECT_FALSE(m.sql.empty());
    last = m.version;
  }
}

TEST(StorageTest, FileDatabaseUsesWalAndKeepsDataAcrossReopen) {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    EXPECT_EQ(db->path(), file.path());
    EXPECT_EQ(QueryText(*db, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(QueryInt(*db, "PRAGMA user_version"), LatestSchemaVersion());
    InsertApp(*db);
  }
  ASSERT_TRUE(fs::exists(file.path()));
  // Re-opening must not re-apply migration 1 (CREATE TABLE would fail) nor lose rows.
  auto db = Database::Open(file.path());
  EXPECT_EQ(QueryInt(*db, "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 1);
  EXPECT_EQ(QueryText(*db, "PRAGMA journal_mode"), "wal");
}

TEST(StorageTest, FileWithNewerSchemaIsRefused) {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    db->Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  }
  try {
    Database::Open(file.path());
    FAIL() << "a newer schema was opened";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("newer"), std::string::npos) << msg;
  }
}

TEST(StorageTest, UnopenablePathThrows) {
  EXPECT_THROW(Database::Open("/nonexistent-dir-for-chime-tests/x/y.db"), Error);
}

TEST(StorageTest, ForeignKeysAreEnforced) {
  auto db = Database::Open(":memory:");
  EXPECT_EQ(QueryInt(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_THROW(InsertPrincipal(*db, kUser, kApp + "-missing"), ConstraintError);
  InsertApp(*db);
  EXPECT_NO_THROW(InsertPrincipal(*db, kUser));
  // ON DELETE CASCADE from the app instance.
  db->Prepare("DELETE FROM app_instances WHERE arn = ?").BindAll(kApp).Run();
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM principals"), 0);
}

TEST(StorageTest, UniqueViolationIsConstraintError) {
  auto db = Database::Open(":memory:");
  InsertApp(*db);
  try {
    InsertApp(*db);
    FAIL() << "duplicate accepted";
  } catch (const ConstraintError& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
  }
  // The cached statement is usable again after the failure.
  EXPECT_NO_THROW(InsertApp(*db, kApp + "-2"));
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 2);
}

TEST(StorageTest, CheckConstraintIsConstraintError) {
  auto db = Database::Open(":memory:");
  InsertApp(*db);
  EXPECT_THROW(db->Prepare("INSERT INTO principals (arn, app_instance_arn, kind, created_ms, updated_ms) "
                           "VALUES ('x', ?, 'robot', 1, 1)")
                   .BindAll(kApp)
                   .Run(),
               ConstraintError);
}

TEST(StorageTest, BadSqlIsErrorNotConstraintError) {
  auto db = Database::Open(":memory:");
  try {
    db->Prepare("SELEC nonsense");
    FAIL();
  } catch (const ConstraintError&) {
    FAIL() << "syntax error reported as a constraint";
  } catch (const Error&) {
  }
}

TEST(StorageTest, StatementBindingsAndColumns) {
  auto db = Database::Open(":memory:");
  db->Exec("CREATE TABLE t (a TEXT, b INTEGER, c REAL, d TEXT)");
  std::optional<std::string> none;
  std::optional<int64_t> seven = 7;
  std::string with_nul("x\0y", 3);
  db->Prepare("INSERT INTO t VALUES (?, ?, ?, ?)").BindAll(with_nul, seven, 2.5, none).Run();
  EXPECT_EQ(db->Changes(), 1);
  EXPECT_EQ(db->LastInsertRowId(), 1);
  auto st = db->Prepare("SELECT a, b, c, d FROM t");
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), with_nul);
  EXPECT_EQ(st.Int(1), 7);
  EXPECT_EQ(st.OptInt(1), 7);
  EXPECT_DOUBLE_EQ(st.Double(2), 2.5);
  EXPECT_TRUE(st.IsNull(3));
  EXPECT_EQ(st.OptText(3), std::nullopt);
  EXPECT_EQ(st.OptInt(3), std::nullopt);
  EXPECT_FALSE(st.Step());
}

TEST(StorageTest, CachedStatementComesBackResetAndUnbound) {
  auto db = Database::Open(":memory:");
  db->Exec("CREATE TABLE t (v INTEGER)");
  for (int i = 0; i < 3; ++i) db->Prepare("INSERT INTO t VALUES (?)").BindAll(i).Run();
  {
    auto st = db->Prepare("SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(st.Step());  // abandoned mid-iteration
    EXPECT_EQ(st.Int(0), 0);
  }
  auto st = db->Prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Int(0), 0);  // starts over, not at row 2
  {
    auto ins = db->Prepare("INSERT INTO t VALUES (?)");
    ins.BindAll(42);
  }  // never run: bindings cleared
  db->Prepare("INSERT INTO t VALUES (?)").Run();  // parameter unbound -> NULL
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t WHERE v IS NULL"), 1);
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t WHERE v = 42"), 0);
}

TEST(StorageTest, TransactionRollsBackOnDestruction) {
  auto db = Database::Open(":memory:");
  {
    Transaction txn(*db, Transaction::Mode::kWrite);
    InsertApp(*db);
    EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 1);
  }
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 0);
  {
    Transaction txn(*db, Transaction::Mode::kWrite);
    InsertApp(*db);
    txn.Commit();
  }
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 1);
}

TEST(StorageTest, TransactionRollsBackWhenAnExceptionUnwinds) {
  auto db = Database::Open(":memory:");
  try {
    Transaction txn(*db, Transaction::Mode::kWrite);
    InsertApp(*db);
    InsertApp(*db);  // UNIQUE violation throws
    txn.Commit();
  } catch (const ConstraintError&) {
  }
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 0);
  // The connection is usable for the next transaction.
  Transaction txn(*db, Transaction::Mode::kRead);
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 0);
  txn.Commit();
}

TEST(StorageTest, TransactionHoldsTheDatabaseMutex) {
  auto db = Database::Open(":memory:");
  {
    Transaction txn(*db, Transaction::Mode::kRead);
    EXPECT_FALSE(db->mutex().try_lock());
  }
  ASSERT_TRUE(db->mutex().try_lock());
  db->mutex().unlock();
}

TEST(StorageTest, FileTransactionsAreDurableAcrossReopen) {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    {
      Transaction txn(*db, Transaction::Mode::kWrite);
      InsertApp(*db);
      txn.Commit();
    }
    Transaction rolled(*db, Transaction::Mode::kWrite);  // never committed
    InsertApp(*db, kApp + "-rolled-back");
  }
  auto db = Database::Open(file.path());
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM app_instances"), 1);
}

TEST(StorageTest, DeleteAllDataEmptiesEveryTable) {
  auto db = Database::Open(":memory:");
  InsertApp(*db);
  InsertPrincipal(*db, kUser);
  db->Prepare("INSERT INTO app_instance_admins (app_instance_arn, admin_arn, created_ms) VALUES (?, ?, 1)")
      .BindAll(kApp, kUser)
      .Run();
  db->Prepare("INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, created_ms, "
              "updated_ms) VALUES (?, ?, 'c', 'RESTRICTED', 'PRIVATE', ?, 1, 1)")
      .BindAll(kChannel, kApp, kUser)
      .Run();
  db->Prepare("INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, created_ms, "
              "updated_ms) VALUES (?, ?, 'DEFAULT', ?, 1, 1)")
      .BindAll(kChannel, kUser, kUser)
      .Run();
  db->Prepare("INSERT INTO channel_moderators (channel_arn, moderator_arn, created_by_arn, created_ms) "
              "VALUES (?, ?, ?, 1)")
      .BindAll(kChannel, kUser, kUser)
      .Run();
  db->Prepare("INSERT INTO channel_bans (channel_arn, member_arn, created_by_arn, created_ms) VALUES (?, ?, ?, 1)")
      .BindAll(kChannel, kApp + "/user/banned", kUser)
      .Run();
  db->Prepare("INSERT INTO channel_messages (message_id, channel_arn, sender_arn, type, persistence, created_ms, "
              "updated_ms) VALUES ('m1', ?, ?, 'STANDARD', 'PERSISTENT', 1, 1)")
      .BindAll(kChannel, kUser)
      .Run();
  db->Prepare("INSERT INTO app_instance_user_endpoints (user_arn, endpoint_id, type, resource_arn, device_token, "
              "allow_messages, status, created_ms, updated_ms) VALUES (?, 'e1', 'GCM', 'r', 'd', 'ALL', 'ACTIVE', 1, 1)")
      .BindAll(kUser)
      .Run();
  db->Exec("INSERT INTO client_tokens VALUES (1, 'tok', 2, x'00', '{}', 1)");
  db->Prepare("INSERT INTO tags VALUES (?, 'k', 'v')").BindAll(kChannel).Run();
  db->Prepare("INSERT INTO channel_flows (arn, app_instance_arn, name, processors, created_ms, updated_ms) "
              "VALUES (?, ?, 'f', '[]', 1, 1)")
      .BindAll(kApp + "/channel-flow/f1", kApp)
      .Run();
  db->Prepare("INSERT INTO channel_flow_invocations (callback_id, channel_arn, message_id, flow_arn, action, "
              "processor_index, function_arn, event, state, created_ms, deadline_ms) "
              "VALUES ('cb', ?, 'm1', 'f', 'CREATE', 0, 'fn', '{}', 'PENDING', 1, 2)")
      .BindAll(kChannel)
      .Run();
  db->Prepare("INSERT INTO messaging_streaming_configurations VALUES (?, '[]', 1)").BindAll(kApp).Run();
  db->Prepare("INSERT INTO bot_invocations (invocation_id, bot_arn, channel_arn, message_id, sender_arn, targeted, "
              "request, state, created_ms) VALUES ('i1', ?, ?, 'm1', ?, 0, '{}', 'PENDING', 1)")
      .BindAll(kUser, kChannel, kUser)
      .Run();

  const std::set<std::string> seeded = {"app_instances", "principals", "app_instance_admins", "channels",
                                        "channel_memberships", "channel_moderators", "channel_bans",
                                        "channel_messages", "client_tokens", "tags",
                                        "app_instance_user_endpoints", "channel_flows",
                                        "channel_flow_invocations", "messaging_streaming_configurations",
                                        "bot_invocations"};
  std::set<std::string> tables;
  {
    auto st = db->Prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'");
    while (st.Step()) tables.insert(st.Text(0));
  }
  for (const std::string& t : tables) {
    // A table added to the schema must be seeded here and emptied by DeleteAllData.
    EXPECT_TRUE(seeded.count(t)) << "table " << t << " is not covered by this test";
    if (seeded.count(t)) {
      EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM " + t), 1) << t;
    }
  }

  db->DeleteAllData();
  for (const std::string& t : tables) EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM " + t), 0) << t;
  // Schema kept: the database is usable right away.
  EXPECT_EQ(QueryInt(*db, "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_NO_THROW(InsertApp(*db));
}

}  // namespace
}  // namespace chime::storage
