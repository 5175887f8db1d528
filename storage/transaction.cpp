#include "storage/transaction.hpp"

#include "storage/database.hpp"
#include "storage/statement.hpp"

namespace chime::storage {

// BEGIN/COMMIT/ROLLBACK go through the statement cache: they run on every
// request, and re-parsing them each time is measurable on the hot path.
Transaction::Transaction(Database& db, Mode mode) : db_(db), lock_(db.mutex()) {
  db_.Prepare(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN").Run();
  open_ = true;
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.Prepare("ROLLBACK").Run();
  } catch (...) {
    // A failed rollback leaves SQLite to roll back on the next statement; never throw here.
  }
}

void Transaction::Commit() {
  db_.Prepare("COMMIT").Run();
  open_ = false;
}

}  // namespace chime::storage
