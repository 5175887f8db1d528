#include "api/control/fixture.hpp"

#include <string>

namespace chime::api {

void Fixture::SetStartSeed(std::optional<nlohmann::json> seed) {
  std::lock_guard lock(mu_);
  start_seed_ = std::move(seed);
}

std::optional<nlohmann::json> Fixture::StartSeed() const {
  std::lock_guard lock(mu_);
  return start_seed_;
}

void Fixture::RecordStorageError(std::string_view operation, std::string_view message) {
  const int64_t now = clock_.Now();
  std::lock_guard lock(mu_);
  ++health_.error_count;
  health_.last_error = std::string(message);
  health_.last_operation = std::string(operation);
  health_.last_error_ms = now;
}

StorageHealth Fixture::storage_health() const {
  std::lock_guard lock(mu_);
  return health_;
}

}  // namespace chime::api
