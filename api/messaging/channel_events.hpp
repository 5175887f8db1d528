// Real-time events of channel changes (docs/browser-and-tls.md "Real-time messaging"), emitted
// into the request's outbox: they reach the SessionHub only if the change
// commits. Recipients are read here, inside the change's transaction, so a
// DeleteChannel or DeleteChannelMembership still reaches the members it
// removes when they are read before the delete.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/handler.hpp"
#include "storage/message_repo.hpp"

namespace chime::api::channel_events {

// The channel's members (of `sub_channel_id` only, when non-empty).
std::vector<std::string> Members(RequestContext& ctx, const std::string& channel_arn,
                                 const std::string& sub_channel_id);

// Who receives a message's events: the sender and the target of a targeted
// message, else the members (of its sub-channel). The one rule for the send,
// update, redact and delete events and for a channel flow's outcome.
std::vector<std::string> MessageRecipients(storage::Database& db, const storage::MessageRecord& m);

// Emits a SYSTEM event (or `message_type` for message events) to `recipients`;
// `reason`, when set, is its x-amz-chime-event-reason header.
void Emit(RequestContext& ctx, const char* type, const std::string& channel_arn, const std::string& sub_channel_id,
          json payload, std::vector<std::string> recipients, const std::string& message_type = "SYSTEM",
          const std::string& reason = "");

// DELETE_CHANNEL_MEMBERSHIP for each membership of `member_arn` (only the one
// in `sub_channel_id` when given), to the members of its sub-channel, the
// removed member included. Call before the delete.
void EmitMembershipRemoved(RequestContext& ctx, const std::string& channel_arn, const std::string& member_arn,
                           const std::optional<std::string>& sub_channel_id = std::nullopt);

// CREATE_SUB_CHANNEL / DELETE_SUB_CHANNEL of an elastic channel, emitted when
// membership balancing opens a sub-channel (its first member) or empties one.
// AWS documents them for the messaging stream only (developer guide "Using
// Kinesis streams to receive system messages"), so they have no session
// recipients and reach only StreamingEventSink. Payload: ChannelArn,
// SubChannelId and MembershipCount (after the change).
void EmitSubChannelEvent(RequestContext& ctx, const char* type, const std::string& channel_arn,
                         const std::string& sub_channel_id, int64_t members);

}  // namespace chime::api::channel_events
