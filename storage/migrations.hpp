// Numbered schema migrations, applied in order at open. PRAGMA user_version
// records the last one applied; a file newer than this code is refused.
#pragma once

#include <span>
#include <string_view>

namespace chime::storage {

class Database;

struct Migration {
  int version;
  std::string_view sql;
};

std::span<const Migration> AllMigrations();
int LatestSchemaVersion();

// Applies every migration above the file's user_version, each in its own
// transaction. Throws storage::Error on failure or when the file is too new.
void ApplyMigrations(Database& db);
// The same, but only up to version `last` (a reference schema at an older
// version, to compare an older snapshot's schema with).
void ApplyMigrations(Database& db, int last);

}  // namespace chime::storage
