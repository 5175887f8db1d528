// The ChannelMessage / ChannelMessageSummary members of a stored message and
// the event payload built from them; defined in channel_messages.cpp, shared
// with the channel-flow processing (flow_processing.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include "api/events/outbox.hpp"
#include "storage/message_repo.hpp"

namespace chime::api {

// MessageId, Type, timestamps, Redacted, Status, Content, Metadata, Sender, ...
nlohmann::json MessageSummaryJson(const storage::MessageRecord& m);

// CREATE_CHANNEL_MESSAGE of the new SENT message `m` to its recipients (the
// members, or the sender and target of a targeted message), when `outbox`
// wants events: SendChannelMessage's and a bot reply's (bot_processing.cpp).
void EmitMessageCreated(storage::Database& db, Outbox& outbox, const storage::MessageRecord& m);

}  // namespace chime::api
