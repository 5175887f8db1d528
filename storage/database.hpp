// Database: owns the one SQLite connection (WAL mode, foreign keys on), the
// prepared-statement cache, the schema migrations and, for a file database, the
// background WAL checkpointer (storage/checkpointer.hpp). Thread-safety: not
// thread-safe by itself; callers hold Database::mutex() for the length of a
// Transaction (see transaction.hpp), which serialises every statement.
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

class Checkpointer;

class Database {
 public:
  // Opens (creating if needed) the database at `path`, or an in-memory one for
  // ":memory:", applies PRAGMAs and migrations. Throws storage::Error.
  static std::unique_ptr<Database> Open(const std::string& path);
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

  // Deletes every row of every table (the emulator's reset), keeping the schema.
  void DeleteAllData();

 private:
  Database(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
  std::mutex mutex_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
  std::unique_ptr<Checkpointer> checkpointer_;  // null for :memory:
};

}  // namespace chime::storage
