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

// Messages past an app instance's retention period stay stored (and hidden
// from every read) for this long after the period was set or updated, so
// extending it or turning it off restores them (developer guide, "Managing
// message retention"); after it, the sweep deletes them for good.
inline constexpr int64_t kRetentionGraceDays = 30;

struct SweepResult {
  int channels = 0;
  int principals = 0;
  int64_t messages = 0;  // deleted for good: past retention, after the grace period
  std::vector<std::string> principal_arns;  // their messaging sessions close after the commit
};
// Deletes every channel, user and bot expired at `now_ms`, and the messages
// past retention of app instances whose grace period is over.
SweepResult SweepExpired(storage::Database& db, int64_t now_ms);

}  // namespace chime::api
