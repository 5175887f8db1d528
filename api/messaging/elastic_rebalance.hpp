// Applies elastic-channel membership balancing (api/messaging/elastic_balance.hpp)
// inside the write unit of the membership change that triggers it: moves,
// deletions and the events (through ctx.outbox, published only on commit).
//   UPDATE_CHANNEL_MEMBERSHIP  to a moved member only, with its new SubChannelId;
//   DELETE_CHANNEL_MEMBERSHIP  to a moderator whose sub-channel SCALE_IN deleted,
//                              with x-amz-chime-event-reason: subchannel_DELETED;
//   CREATE_SUB_CHANNEL / DELETE_SUB_CHANNEL  to the messaging stream.
#pragma once

#include <string>

#include "api/handler.hpp"
#include "storage/records.hpp"

namespace chime::api::elastic {

// The sub-channel a new regular member of elastic `channel` joins. When every
// sub-channel is full, SCALE_OUT first: a new sub-channel (CREATE_SUB_CHANNEL)
// and the memberships moved into it. `opened`: the returned sub-channel has no
// membership yet (the caller emits its CREATE_SUB_CHANNEL once the member is in).
// MaximumSubChannels full sub-channels -> ResourceLimitExceededException.
std::string PlaceRegularMember(RequestContext& ctx, const storage::ChannelRecord& channel,
                               bool& opened);

// After a membership left `sub_channel_id` of elastic `channel`: SCALE_IN when
// it fell below the minimum and another sub-channel can take its members; a
// sub-channel left with no membership is deleted (DELETE_SUB_CHANNEL), and a
// deleted sub-channel's messages with it.
void AfterSubChannelShrank(RequestContext& ctx, const storage::ChannelRecord& channel,
                           const std::string& sub_channel_id);

}  // namespace chime::api::elastic
