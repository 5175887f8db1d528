// The schema check of an untrusted snapshot, run before anything else reads
// its tables: every object in its sqlite_schema must be one a fresh store at
// the same schema version has, with the same SQL text (normalized: comments
// dropped, whitespace collapsed, outside quotes). So no view, trigger,
// virtual table or unknown object can run code during the integrity check or
// a migration, and constraints (foreign keys, UNIQUE, CHECK) are exactly ours,
// which the restore relies on.
#pragma once

#include <string>
#include <string_view>

namespace chime::storage {

class Database;

// Comments removed, runs of whitespace made one space, whitespace next to
// ( ) , removed; quoted text ('...', "...", `...`, [...]) kept verbatim.
std::string NormalizeSchemaSql(std::string_view sql);

// Throws InvalidSnapshot naming the first object that differs, is missing,
// or is unknown. `version` is the snapshot's PRAGMA user_version (1..latest).
void RequireSchemaOfVersion(Database& snapshot, int version);

}  // namespace chime::storage
