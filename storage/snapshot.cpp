#include "storage/snapshot.hpp"

#include <sqlite3.h>

#include <cstring>
#include <string>

#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/snapshot_invariants.hpp"
#include "storage/snapshot_schema.hpp"
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

// The work and memory one untrusted file may cost (docs/testing.md "Snapshots of
// hostile files"): a SQLite instruction budget through the progress handler
// (100 M plus 1,000 per byte of the file), a cap on the growth of SQLite's
// memory while it runs (twice the file plus 256 MiB), a cap on the in-memory
// database's size (twice the file plus 64 MiB: a migration copies a table),
// per-connection limits on value, row and SQL sizes, and no views, triggers
// or untrusted schema functions at all. In place until LoadSnapshot returns;
// the restore then only reads tables already checked.
class UntrustedBounds {
 public:
  static constexpr int kTick = 1000;  // instructions per progress callback

  UntrustedBounds(Database& db, size_t size) : db_(db.handle()) {
    ticks_left_ = 100'000 + static_cast<int64_t>(size);
    budget_ = ticks_left_ * kTick;
    memory_cap_ = sqlite3_memory_used() + 2 * static_cast<int64_t>(size) + (int64_t{256} << 20);
    sqlite3_int64 file_cap = 2 * static_cast<sqlite3_int64>(size) + (sqlite3_int64{64} << 20);
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_SIZE_LIMIT, &file_cap);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
    sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, 1 << 20);  // a value or a row: ours are far smaller
    sqlite3_limit(db_, SQLITE_LIMIT_SQL_LENGTH, 100'000);
    sqlite3_limit(db_, SQLITE_LIMIT_EXPR_DEPTH, 200);
    sqlite3_limit(db_, SQLITE_LIMIT_COMPOUND_SELECT, 10);
    sqlite3_limit(db_, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db_, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
    sqlite3_limit(db_, SQLITE_LIMIT_WORKER_THREADS, 0);
    sqlite3_progress_handler(db_, kTick, &UntrustedBounds::OnProgress, this);
  }
  ~UntrustedBounds() { sqlite3_progress_handler(db_, 0, nullptr, nullptr); }
  UntrustedBounds(const UntrustedBounds&) = delete;
  UntrustedBounds& operator=(const UntrustedBounds&) = delete;

  // After a failed step: a bound that interrupted it is the reason.
  void Explain() const {
    if (out_of_time_) {
      throw InvalidSnapshot("the snapshot needs more work to validate than allowed for its size (" +
                            std::to_string(budget_) + " SQLite instructions); it is not a store chime-local wrote");
    }
    if (out_of_memory_) {
      throw InvalidSnapshot("the snapshot needs more memory to validate than allowed for its size; it is not a store "
                            "chime-local wrote");
    }
  }

 private:
  static int OnProgress(void* self) {
    auto* b = static_cast<UntrustedBounds*>(self);
    if (--b->ticks_left_ < 0) b->out_of_time_ = true;
    if (sqlite3_memory_used() > b->memory_cap_) b->out_of_memory_ = true;
    return b->out_of_time_ || b->out_of_memory_;  // non-zero interrupts the statement
  }

  sqlite3* db_;
  int64_t ticks_left_;
  int64_t memory_cap_;
  int64_t budget_ = 0;
  bool out_of_time_ = false;
  bool out_of_memory_ = false;
};

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
  try {
    db = Database::FromImage(bytes);
  } catch (const Error& e) {
    throw InvalidSnapshot(std::string("the snapshot is not a readable SQLite database: ") + e.what());
  }
  UntrustedBounds bounds(*db, bytes.size());
  int version = 0;
  auto readable = [&](auto step) {
    try {
      step();
    } catch (const Error& e) {
      bounds.Explain();
      throw InvalidSnapshot(std::string("the snapshot is not a readable SQLite database: ") + e.what());
    }
  };
  readable([&] {
    auto uv = db->Prepare("PRAGMA user_version");
    uv.Step();
    version = static_cast<int>(uv.Int(0));
  });
  if (version < 1) {
    throw InvalidSnapshot("the snapshot is not a chime-local database (its schema version, PRAGMA user_version, is " +
                          std::to_string(version) + ")");
  }
  if (version > LatestSchemaVersion()) {
    throw InvalidSnapshot("the snapshot has schema version " + std::to_string(version) +
                          ", newer than this chime-local understands (" + std::to_string(LatestSchemaVersion()) + ")");
  }
  // Before anything reads a table: only our own tables and indexes, as we define them.
  readable([&] { RequireSchemaOfVersion(*db, version); });
  readable([&] {
    std::string integrity = FirstProblem(*db, "PRAGMA integrity_check(1)");
    if (integrity != "ok") throw InvalidSnapshot("the snapshot fails PRAGMA integrity_check: " + integrity);
    auto fk = db->Prepare("PRAGMA foreign_key_check");
    if (fk.Step()) {
      throw InvalidSnapshot("the snapshot violates a foreign key: a row of table " + fk.Text(0) +
                            " references a missing row of " + fk.Text(2));
    }
  });
  try {
    ApplyMigrations(*db);  // no-op at the latest version
  } catch (const Error& e) {
    bounds.Explain();
    throw InvalidSnapshot("the snapshot (schema version " + std::to_string(version) +
                          ") cannot be migrated: " + e.what());
  }
  readable([&] { RequireSnapshotInvariants(*db); });
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
        // Validation makes this unreachable for our own schema; still the snapshot's fault, not the store's.
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
          throw InvalidSnapshot("a row of the snapshot's table " + t.table + " breaks a constraint of the store: " +
                                sqlite3_errmsg(target.handle()));
        }
        Fail(target.handle(), rc, msg);
      }
      sqlite3_reset(insert.stmt);
      ++count.rows;
    }
    if (rc != SQLITE_DONE) {
      throw InvalidSnapshot("the snapshot's table " + t.table + " cannot be read: " + sqlite3_errmsg(snapshot.handle()));
    }
    restored.push_back(std::move(count));
  }
  return restored;
}

}  // namespace chime::storage
