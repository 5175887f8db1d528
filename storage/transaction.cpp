#include "storage/transaction.hpp"

#include "storage/database.hpp"

namespace chime::storage {

Transaction::Transaction(Database& db, Mode mode) : db_(db), lock_(db.mutex()) {
  db_.Exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  open_ = true;
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.Exec("ROLLBACK");
  } catch (...) {
    // A failed rollback leaves SQLite to roll back on the next statement; never throw here.
  }
}

void Transaction::Commit() {
  db_.Exec("COMMIT");
  open_ = false;
}

}  // namespace chime::storage
