// Who receives a channel's real-time events: the ARNs of its current members
// (of one sub-channel for elastic channels). Read inside the transaction of
// the change, so the list matches what was committed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace chime::storage {

// Members of `channel_arn`; for a non-empty `sub_channel_id`, only that sub-channel's.
std::vector<std::string> ListChannelMemberArns(Database& db, std::string_view channel_arn,
                                               std::string_view sub_channel_id);

}  // namespace chime::storage
