// Why a database path cannot be used, in words a user can act on: a missing
// or unwritable directory (naming the uid), a read-only file system, a file
// that is not SQLite, a schema from a newer chime-local. main.cpp asks before
// opening (so a read-only file is refused at start instead of failing every
// write with 500) and again to explain an open that failed anyway.
//
// Beast-free so the unit tests can include it.
#pragma once

#include <optional>
#include <string>

namespace chime::server {

// nullopt when `path` (a file path, not ":memory:") looks usable: with
// read_only, an existing readable SQLite file; otherwise a file that is
// writable or can be created, in a directory where SQLite can create its
// -wal and -shm files. `latest_schema` is the newest schema version this
// build understands.
std::optional<std::string> DiagnoseDatabasePath(const std::string& path, bool read_only, int latest_schema);

// The message for a storage::Database::Open failure (`error` is its what()),
// with the diagnosis when one applies.
std::string ExplainOpenFailure(const std::string& path, const std::string& error, bool read_only,
                               int latest_schema);

}  // namespace chime::server
