// Storage health: what /_chime-local/health reports about the database beyond
// "it was opened". A read-only file, a corrupt table or a full disk only shows
// when a statement fails, so every storage::Error the dispatcher catches is
// recorded here, and health answers "degraded" (HTTP 503) with the last one
// until the process restarts, so container health checks and test fixtures
// notice. (--read-only is the store's: StorageInfo::read_only.)
//
// Process-wide (one server, one database per process). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chime::api {

struct StorageHealth {
  uint64_t error_count = 0;  // storage errors since start
  std::string last_error;    // the storage::Error text
  std::string last_operation;
  int64_t last_error_ms = 0;  // epoch milliseconds

  bool degraded() const { return error_count > 0; }
};

// Called by the dispatcher when it catches a storage::Error.
void RecordStorageError(std::string_view operation, std::string_view message);
StorageHealth CurrentStorageHealth();
// Back to a fresh start (tests).
void ResetStorageHealth();

}  // namespace chime::api
