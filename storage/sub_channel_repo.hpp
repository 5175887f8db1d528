// Writes of elastic-channel membership balancing (api/messaging/elastic_rebalance.cpp):
// moving a membership to another sub-channel, dropping one membership, and
// the messages of a deleted sub-channel. Call under an open write Transaction.
#pragma once

#include <cstdint>
#include <string_view>

#include "storage/database.hpp"

namespace chime::storage {

// Sets the sub-channel of membership `id` (and its updated_ms).
void MoveMembership(Database& db, int64_t id, std::string_view sub_channel_id, int64_t updated_ms);
// Deletes the one membership `id`.
void DeleteMembershipById(Database& db, int64_t id);
// Deletes every stored message of one sub-channel of a channel.
void DeleteSubChannelMessages(Database& db, std::string_view channel_arn,
                              std::string_view sub_channel_id);

}  // namespace chime::storage
