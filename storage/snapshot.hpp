// Snapshots of the whole store: GET/PUT /_chime-local/snapshot and
// --snapshot FILE (docs/testing.md "Test-fixture endpoints").
//
//   SerializeStore: the bytes of a SQLite database file holding everything
//     `source` sees. Run it inside a read transaction (a reader's WAL
//     snapshot): sqlite3_backup copies that one consistent state into a fresh
//     in-memory connection, even while the writer commits, and
//     sqlite3_serialize turns it into bytes. Memory: about twice the database
//     size while it runs (the in-memory copy and the bytes).
//   LoadSnapshot: validates untrusted bytes in a private in-memory connection
//     (SQLite header, PRAGMA integrity_check and foreign_key_check, a
//     chime-local schema version no newer than ours) and migrates an older
//     one; then its tables must match our schema exactly. Throws
//     InvalidSnapshot naming the problem; the store is untouched.
//   ReplaceData: inside the caller's transaction (one write unit), deletes
//     every row of our tables and inserts the snapshot's, table by table
//     (parents first) with prepared statements. ATTACH is not allowed inside
//     a transaction, and a backup INTO the live writer connection would not be
//     part of the batch transaction; this is, so the replacement is atomic and
//     crash-safe like any write. Table names come from our own schema.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace chime::storage {

class Database;

// The bytes are not a usable chime-local database; what() says why.
class InvalidSnapshot : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<uint8_t> SerializeStore(Database& source);

std::unique_ptr<Database> LoadSnapshot(std::string_view bytes);

// Rows copied per table (for the answer).
struct RestoredTable {
  std::string table;
  int64_t rows = 0;
};
std::vector<RestoredTable> ReplaceData(Database& target, Database& snapshot);

}  // namespace chime::storage
