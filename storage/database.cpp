#include "storage/database.hpp"

#include <sqlite3.h>

#include <cstring>
#include <vector>

#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/reset_plan.hpp"

namespace chime::storage {

namespace {
[[noreturn]] void Throw(sqlite3* db, int rc, const std::string& context) {
  std::string msg = context + ": " + sqlite3_errstr(rc) + (db ? std::string(" (") + sqlite3_errmsg(db) + ")" : "");
  if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(rc, msg);
  throw Error(rc, msg);
}
}  // namespace

std::unique_ptr<Database> Database::Open(const std::string& path) { return Open(path, Options{}); }

std::unique_ptr<Database> Database::Open(const std::string& path, const Options& options) {
  sqlite3* raw = nullptr;
  // NOMUTEX: one thread uses a connection at a time (see the header).
  const bool reader = options.reader || options.read_only;
  int flags = SQLITE_OPEN_NOMUTEX | (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
              (reader ? 0 : SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    throw Error(rc, "cannot open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  std::unique_ptr<Database> db(new Database(raw, path));
  // WAL: readers see a committed snapshot while the writer writes. A commit is
  // in the OS (the WAL file) before COMMIT returns, so a killed server
  // (kill -9) loses nothing it acknowledged; fsyncs happen only in checkpoints.
  if (!reader) db->Exec(db->in_memory() ? "PRAGMA journal_mode=MEMORY" : "PRAGMA journal_mode=WAL");
  db->Exec("PRAGMA synchronous=NORMAL");
  db->Exec("PRAGMA foreign_keys=ON");
  db->Exec("PRAGMA busy_timeout=5000");
  db->Exec("PRAGMA temp_store=MEMORY");
  // Debian builds SQLite with SECURE_DELETE on: every freed page is zeroed
  // and written to the WAL. An emulator's deleted data needs no shredding,
  // and without it the reset's DROP TABLEs write ~200 KB instead of the whole
  // database (docs/performance.md "Performance").
  db->Exec("PRAGMA secure_delete=OFF");
  db->Exec("PRAGMA cache_size=-" + std::to_string(options.cache_kib));
  if (reader) {
    db->Exec("PRAGMA query_only=1");
  } else {
    ApplyMigrations(*db);
  }
  return db;
}

std::unique_ptr<Database> Database::FromImage(std::string_view image) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(raw);
    throw Error(rc, std::string("cannot open an in-memory database: ") + sqlite3_errstr(rc));
  }
  std::unique_ptr<Database> db(new Database(raw, ":memory:"));
  sqlite3_extended_result_codes(raw, 1);
  // SQLite takes ownership of a buffer from its own allocator (FREEONCLOSE).
  const sqlite3_int64 size = static_cast<sqlite3_int64>(image.size());
  auto* buffer = static_cast<unsigned char*>(sqlite3_malloc64(image.empty() ? 1 : image.size()));
  if (!buffer) throw Error(SQLITE_NOMEM, "out of memory for a database image of " + std::to_string(size) + " bytes");
  if (!image.empty()) std::memcpy(buffer, image.data(), image.size());
  // Bytes 18 and 19 of the header: 2 = WAL, 1 = rollback journal.
  if (image.size() >= 100 && buffer[18] == 2 && buffer[19] == 2) buffer[18] = buffer[19] = 1;
  rc = sqlite3_deserialize(raw, "main", buffer, size, size,
                           SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) Throw(raw, rc, "cannot load the database image");
  db->Exec("PRAGMA foreign_keys=ON");
  db->Exec("PRAGMA temp_store=MEMORY");
  db->Exec("PRAGMA secure_delete=OFF");
  return db;
}

Database::Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  // The last connection to close checkpoints the whole WAL into the main file
  // and deletes it (clean shutdown).
  sqlite3_close_v2(db_);
}

Statement Database::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt, nullptr);
    if (rc != SQLITE_OK) Throw(db_, rc, "prepare");
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

void Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    rc = sqlite3_extended_errcode(db_);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(rc, msg);
    throw Error(rc, msg);
  }
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

void Database::DeleteAllData() {
  // Fast, atomic, schema kept: see storage/reset_plan.hpp.
  if (!reset_plan_) reset_plan_ = std::make_unique<ResetPlan>();
  EmptyAllTables(*this, *reset_plan_);
}

}  // namespace chime::storage
