// Reads and writes of channels, memberships, moderators and bans.
// Call under an open Transaction.
#pragma once

#include <optional>
#include <string_view>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace chime::storage {

std::optional<ChannelRecord> FindChannel(Database& db, std::string_view arn);
std::optional<MembershipRecord> FindMembership(Database& db, std::string_view channel_arn,
                                               std::string_view member_arn);
bool IsChannelModerator(Database& db, std::string_view channel_arn, std::string_view principal_arn);
bool IsChannelBanned(Database& db, std::string_view channel_arn, std::string_view principal_arn);

}  // namespace chime::storage
