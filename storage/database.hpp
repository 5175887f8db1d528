// Database: one SQLite connection (WAL mode, foreign keys on) and its
// prepared-statement cache. A writer connection also applies the schema
// migrations at open; a reader connection is query-only. Thread-safety: not
// thread-safe by itself; one thread uses it at a time (the Store gives each
// connection to one thread; InlinePipeline and Transaction hold mutex()).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "storage/statement.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace chime::storage {

struct ResetPlan;  // storage/reset_plan.hpp

class Database {
 public:
  struct Options {
    // A reader connection: query-only, no migrations (the writer applies them).
    bool reader = false;
    // Page cache of this connection in KiB (PRAGMA cache_size=-N).
    int cache_kib = 16384;
    // Opened with SQLITE_OPEN_READONLY (--read-only): SQLite itself refuses
    // every write to the file. Implies `reader`.
    bool read_only = false;
  };
  // Opens (creating if needed) the database at `path`, or an in-memory one for
  // ":memory:", applies PRAGMAs and (writers) migrations. Throws storage::Error.
  static std::unique_ptr<Database> Open(const std::string& path);
  static std::unique_ptr<Database> Open(const std::string& path, const Options& options);
  // A private in-memory connection holding a copy of `image` (the bytes of a
  // SQLite database file, e.g. a snapshot), foreign keys on, WITHOUT
  // migrations: storage/snapshot.cpp validates it before migrating it. A WAL
  // header is turned into a rollback-journal one (an in-memory image has no
  // WAL). Throws storage::Error.
  static std::unique_ptr<Database> FromImage(std::string_view image);
  bool in_memory() const { return path_ == ":memory:" || path_.empty(); }
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A handle on the cached prepared statement for `sql` (compiled on first
  // use, reset when the handle is destroyed).
  Statement Prepare(std::string_view sql);
  // Runs one or more statements without results (schema, PRAGMAs).
  void Exec(std::string_view sql);

  std::mutex& mutex() { return mutex_; }
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }
  int64_t LastInsertRowId() const;
  int Changes() const;

  // Empties every table (the emulator's reset) inside the caller's
  // transaction; large tables are dropped and created again from their own
  // schema text (storage/reset_plan.hpp). The schema stays exactly as it was.
  void DeleteAllData();

 private:
  Database(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
  std::mutex mutex_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
  std::unique_ptr<ResetPlan> reset_plan_;  // DeleteAllData's, made on first use
};

}  // namespace chime::storage
