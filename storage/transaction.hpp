// Transaction: holds the Database mutex and one SQLite transaction for its
// lifetime. Writes use BEGIN IMMEDIATE so the write lock is taken up front;
// the destructor rolls back unless Commit() was called. Commit() returns only
// after SQLite has committed, which is what lets a handler acknowledge a write.
#pragma once

#include <mutex>

namespace chime::storage {

class Database;

class Transaction {
 public:
  enum class Mode { kRead, kWrite };
  Transaction(Database& db, Mode mode);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit();
  Database& db() { return db_; }

 private:
  Database& db_;
  std::unique_lock<std::mutex> lock_;
  bool open_ = false;
};

}  // namespace chime::storage
