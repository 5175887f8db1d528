#include "storage/snapshot.hpp"

#include <sqlite3.h>

#include <cstring>
#include <string>

#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/table_order.hpp"

namespace chime::storage {

namespace {

constexpr std::string_view kSqliteHeader("SQLite format 3\0", 16);

[[noreturn]] void Fail(sqlite3* db, int rc, const std::string& context) {
  throw Error(rc, context + ": " + sqlite3_errstr(rc) + " (" + sqlite3_errmsg(db) + ")");
}

struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close_v2(db); }
};

struct Prepared {
  sqlite3_stmt* stmt = nullptr;
  Prepared(sqlite3* db, const std::string& sql) {
    int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) Fail(db, rc, "prepare " + sql);
  }
  ~Prepared() { sqlite3_finalize(stmt); }
};

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + QuoteIdentifier(n);
  return out;
}

// The first row of a PRAGMA that reports problems one per row ("ok" = none).
std::string FirstProblem(Database& db, const char* pragma) {
  auto st = db.Prepare(pragma);
  return st.Step() ? st.Text(0) : std::string("ok");
}

}  // namespace

std::vector<uint8_t> SerializeStore(Database& source) {
  Connection copy;
  int rc = sqlite3_open_v2(":memory:", &copy.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) throw Error(rc, std::string("cannot open an in-memory database: ") + sqlite3_errstr(rc));
  sqlite3_backup* backup = sqlite3_backup_init(copy.db, "main", source.handle(), "main");
  if (!backup) Fail(copy.db, sqlite3_errcode(copy.db), "snapshot backup");
  // All pages in one step: one read of one snapshot of the source.
  rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw Error(rc, std::string("snapshot backup: ") + sqlite3_errstr(rc));
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(copy.db, "main", &size, 0);
  if (!bytes) throw Error(SQLITE_NOMEM, "snapshot: cannot serialize the database copy");
  std::vector<uint8_t> out(bytes, bytes + size);
  sqlite3_free(bytes);
  // A WAL-mode source copies its WAL header bytes; mark the file as a
  // rollback-journal one so `sqlite3 file` opens it without a -wal file.
  if (out.size() >= 100) out[18] = out[19] = 1;
  return out;
}

std::unique_ptr<Database> LoadSnapshot(std::string_view bytes) {
  if (bytes.empty()) {
    throw InvalidSnapshot("the snapshot is empty; expected the bytes of a SQLite database file "
                          "(as GET /_chime-local/snapshot returns)");
  }
  if (bytes.size() < 100 || bytes.substr(0, kSqliteHeader.size()) != kSqliteHeader) {
    throw InvalidSnapshot("the snapshot is not a SQLite database file (it does not start with \"SQLite format 3\")");
  }
  std::unique_ptr<Database> db;
  int version = 0;
  try {
    db = Database::FromImage(bytes);
    std::string integrity = FirstProblem(*db, "PRAGMA integrity_check(1)");
    if (integrity != "ok") throw InvalidSnapshot("the snapshot fails PRAGMA integrity_check: " + integrity);
    auto fk = db->Prepare("PRAGMA foreign_key_check");
    if (fk.Step()) {
      throw InvalidSnapshot("the snapshot violates a foreign key: a row of table " + fk.Text(0) +
                            " references a missing row of " + fk.Text(2));
    }
    auto uv = db->Prepare("PRAGMA user_version");
    uv.Step();
    version = static_cast<int>(uv.Int(0));
  } catch (const Error& e) {
    throw InvalidSnapshot(std::string("the snapshot is not a readable SQLite database: ") + e.what());
  }
  if (version < 1) {
    throw InvalidSnapshot("the snapshot is not a chime-local database (its schema version, PRAGMA user_version, is " +
                          std::to_string(version) + ")");
  }
  if (version > LatestSchemaVersion()) {
    throw InvalidSnapshot("the snapshot has schema version " + std::to_string(version) +
                          ", newer than this chime-local understands (" + std::to_string(LatestSchemaVersion()) + ")");
  }
  try {
    ApplyMigrations(*db);  // no-op at the latest version
  } catch (const Error& e) {
    throw InvalidSnapshot("the snapshot (schema version " + std::to_string(version) +
                          ") cannot be migrated: " + e.what());
  }
  // Its tables must be exactly ours: a file that only claims a version is refused here.
  auto reference = Database::Open(":memory:");
  auto mine = DataTablesParentsFirst(*reference);
  auto theirs = DataTablesParentsFirst(*db);
  for (const auto& table : mine) {
    const TableColumns* found = nullptr;
    for (const auto& t : theirs)
      if (t.table == table.table) found = &t;
    if (!found) throw InvalidSnapshot("the snapshot is not a chime-local database: table " + table.table + " is missing");
    if (found->columns != table.columns) {
      throw InvalidSnapshot("the snapshot's table " + table.table + " has columns (" + JoinQuoted(found->columns) +
                            "), expected (" + JoinQuoted(table.columns) + ")");
    }
  }
  if (theirs.size() != mine.size()) {
    for (const auto& t : theirs) {
      bool known = false;
      for (const auto& m : mine) known = known || m.table == t.table;
      if (!known) throw InvalidSnapshot("the snapshot is not a chime-local database: unknown table " + t.table);
    }
  }
  return db;
}

std::vector<RestoredTable> ReplaceData(Database& target, Database& snapshot) {
  const std::vector<TableColumns> tables = DataTablesParentsFirst(target);
  target.DeleteAllData();
  std::vector<RestoredTable> restored;
  for (const auto& t : tables) {
    const std::string columns = JoinQuoted(t.columns);
    std::string params;
    for (size_t i = 0; i < t.columns.size(); ++i) params += i ? ", ?" : "?";
    Prepared select(snapshot.handle(), "SELECT " + columns + " FROM " + QuoteIdentifier(t.table));
    Prepared insert(target.handle(),
                    "INSERT INTO " + QuoteIdentifier(t.table) + " (" + columns + ") VALUES (" + params + ")");
    RestoredTable count{t.table, 0};
    int rc;
    while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
      for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
        rc = sqlite3_bind_value(insert.stmt, i + 1, sqlite3_column_value(select.stmt, i));
        if (rc != SQLITE_OK) Fail(target.handle(), rc, "restore " + t.table);
      }
      rc = sqlite3_step(insert.stmt);
      if (rc != SQLITE_DONE) {
        const std::string msg = "restore " + t.table;
        if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(rc, msg + ": " + sqlite3_errmsg(target.handle()));
        Fail(target.handle(), rc, msg);
      }
      sqlite3_reset(insert.stmt);
      ++count.rows;
    }
    if (rc != SQLITE_DONE) Fail(snapshot.handle(), rc, "read snapshot table " + t.table);
    restored.push_back(std::move(count));
  }
  return restored;
}

}  // namespace chime::storage
