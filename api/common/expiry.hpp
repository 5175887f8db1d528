// ExpirationSettings of channels and AppInstanceUsers take effect: a resource
// whose ExpirationDays have passed since its criterion's time
// (CREATED_TIMESTAMP, or LAST_MESSAGE_TIMESTAMP: the channel's last message,
// its creation if it has none) is deleted by the sweep, with everything that
// hangs off it (storage/purge.hpp). The sweep runs every few seconds on the
// writer and at once when the test clock moves (POST /_chime-local/clock), and
// the authorization checks treat an expired channel or bearer as gone in the
// meantime, so an expired resource is gone for every read at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace chime::api {

// When a resource with these settings expires (epoch ms), or nullopt if never.
std::optional<int64_t> ExpiresAtMs(const std::optional<int64_t>& days, const std::optional<std::string>& criterion,
                                   int64_t created_ms, const std::optional<int64_t>& last_message_ms);
bool ChannelExpired(const storage::ChannelRecord& c, int64_t now_ms);
bool PrincipalExpired(const storage::PrincipalRecord& p, int64_t now_ms);

struct SweepResult {
  int channels = 0;
  int principals = 0;
  std::vector<std::string> principal_arns;  // their messaging sessions close after the commit
};
// Deletes every channel, user and bot expired at `now_ms`.
SweepResult SweepExpired(storage::Database& db, int64_t now_ms);

}  // namespace chime::api
