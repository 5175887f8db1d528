// What the expiry sweep reads: the channels and users/bots that carry
// ExpirationSettings, with the times their criterion counts from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace chime::storage {

struct ExpiringResource {
  std::string arn;
  std::string kind;  // "channel", "user" or "bot"
  int64_t expiration_days = 0;
  std::string criterion;  // CREATED_TIMESTAMP | LAST_MESSAGE_TIMESTAMP
  int64_t created_ms = 0;
  std::optional<int64_t> last_message_ms;  // channels
};

std::vector<ExpiringResource> ListExpiringResources(Database& db);

}  // namespace chime::storage
