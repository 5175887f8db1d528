#include "api/common/storage_health.hpp"

#include <mutex>

#include "api/protocol/timestamp.hpp"

namespace chime::api {

namespace {
std::mutex& Mutex() {
  static std::mutex mu;
  return mu;
}
StorageHealth& State() {  // guarded by Mutex()
  static StorageHealth state;
  return state;
}
}  // namespace

void RecordStorageError(std::string_view operation, std::string_view message) {
  std::lock_guard lock(Mutex());
  StorageHealth& s = State();
  ++s.error_count;
  s.last_error = std::string(message);
  s.last_operation = std::string(operation);
  s.last_error_ms = NowMs();
}

StorageHealth CurrentStorageHealth() {
  std::lock_guard lock(Mutex());
  return State();
}

void ResetStorageHealth() {
  std::lock_guard lock(Mutex());
  State() = StorageHealth{};
}

}  // namespace chime::api
