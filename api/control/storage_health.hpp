// Storage health: what /_chime-local/health reports about the database beyond
// "it was opened". A read-only file, a corrupt table or a full disk only shows
// when a statement fails, so every storage::Error the dispatcher catches is
// recorded in its emulator's Fixture (api/control/fixture.hpp), and health
// answers "degraded" (HTTP 503) with the last one until the process restarts,
// so container health checks and test fixtures notice. (--read-only is the
// store's: StorageInfo::read_only.)
#pragma once

#include <cstdint>
#include <string>

namespace chime::api {

struct StorageHealth {
  uint64_t error_count = 0;  // storage errors since start
  std::string last_error;    // the storage::Error text
  std::string last_operation;
  int64_t last_error_ms = 0;  // epoch milliseconds, of the emulator's clock

  bool degraded() const { return error_count > 0; }
};

}  // namespace chime::api
