// The ChannelMessage / ChannelMessageSummary members of a stored message and
// the event payload built from them; defined in channel_messages.cpp, shared
// with the channel-flow processing (flow_processing.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include "storage/message_repo.hpp"

namespace chime::api {

// MessageId, Type, timestamps, Redacted, Status, Content, Metadata, Sender, ...
nlohmann::json MessageSummaryJson(const storage::MessageRecord& m);

}  // namespace chime::api
