// The data tables of the schema, parents before children: the order in which
// rows can be inserted with foreign keys on (and, reversed, deleted without
// cascades). Read from the connection's own schema (sqlite_schema and
// PRAGMA foreign_key_list), so a table added by a later migration is
// included without a list to keep in sync. Used by the reset
// (Database::DeleteAllData) and the snapshot restore (storage/snapshot.hpp).
#pragma once

#include <string>
#include <vector>

namespace chime::storage {

class Database;

struct TableColumns {
  std::string table;
  std::vector<std::string> columns;  // declaration order
  std::vector<std::string> parents;  // tables it references (foreign keys), by name
};

// Every table except SQLite's own (sqlite_*), parents first; ties by name.
std::vector<TableColumns> DataTablesParentsFirst(Database& db);

// "name" with embedded quotes doubled (identifiers from our own schema only).
std::string QuoteIdentifier(const std::string& name);

}  // namespace chime::storage
