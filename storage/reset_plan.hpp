// How the reset (Database::DeleteAllData) empties every table quickly.
//
// A DELETE removes row by row, with index and foreign-key work per row
// (SQLite skips its truncate optimization on tables in a foreign-key
// relation): ~45 ms of CPU for 10,000 messages. DROP TABLE frees a table's
// pages wholesale instead (with secure_delete off, see Database::Open), and
// the table is created again from sqlite_schema's own text, so the schema
// stays exactly what the migrations built. But each DROP/CREATE costs SQL
// parsing and a schema change, so only tables with more than kDropAbove rows
// are dropped (and every table referencing one of them, so that no dropped
// table is still referenced: SQLite then skips the implicit row-by-row DELETE
// a DROP TABLE does under foreign keys); the others get a plain DELETE.
// Children go first, parents after, all inside the caller's transaction:
// atomic and crash-safe like any write.
//
// The plan (table order, references, schema text) is kept between resets and
// made again whenever PRAGMA schema_version differs from the one it recorded.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace chime::storage {

class Database;

struct ResetPlan {
  static constexpr int kDropAbove = 128;
  int64_t schema_version = -1;
  std::vector<std::string> tables;                                 // parents first
  std::map<std::string, std::vector<std::string>> referenced_by;   // table -> its child tables
  std::map<std::string, std::vector<std::string>> creates;         // CREATE TABLE, then its indexes/triggers
};

// Empties every table of `db` (see above), making or refreshing `plan` as needed.
void EmptyAllTables(Database& db, ResetPlan& plan);

}  // namespace chime::storage
