#include "api/messaging/channel_events.hpp"

#include "api/messaging/channel_common.hpp"
#include "storage/channel_repo.hpp"
#include "storage/recipient_repo.hpp"

namespace chime::api::channel_events {

std::vector<std::string> Members(RequestContext& ctx, const std::string& channel_arn,
                                 const std::string& sub_channel_id) {
  return storage::ListChannelMemberArns(ctx.db, channel_arn, sub_channel_id);
}

std::vector<std::string> MessageRecipients(storage::Database& db, const storage::MessageRecord& m) {
  if (m.target_arn) {
    std::vector<std::string> r{m.sender_arn};
    if (*m.target_arn != m.sender_arn) r.push_back(*m.target_arn);
    return r;
  }
  return storage::ListChannelMemberArns(db, m.channel_arn, m.sub_channel_id);
}

void Emit(RequestContext& ctx, const char* type, const std::string& channel_arn, const std::string& sub_channel_id,
          json payload, std::vector<std::string> recipients, const std::string& message_type,
          const std::string& reason) {
  if (!ctx.outbox.events_wanted() || recipients.empty()) return;
  Event e;
  e.type = type;
  e.message_type = message_type;
  e.channel_arn = channel_arn;
  e.sub_channel_id = sub_channel_id;
  e.reason = reason;
  e.payload = std::move(payload);
  e.recipients = std::move(recipients);
  ctx.outbox.Emit(std::move(e));
}

void EmitMembershipRemoved(RequestContext& ctx, const std::string& channel_arn, const std::string& member_arn,
                           const std::optional<std::string>& sub_channel_id) {
  if (!ctx.outbox.events_wanted()) return;
  std::vector<storage::MembershipRecord> removed;
  if (sub_channel_id) {
    if (auto m = storage::FindMembershipIn(ctx.db, channel_arn, member_arn, *sub_channel_id)) removed.push_back(*m);
  } else {
    removed = storage::ListMembershipsInChannel(ctx.db, channel_arn, member_arn);
  }
  for (const auto& m : removed) {
    const std::string sub = m.sub_channel_id.value_or("");
    Emit(ctx, "DELETE_CHANNEL_MEMBERSHIP", channel_arn, sub, channels::MembershipJson(ctx.db, m),
         Members(ctx, channel_arn, sub));
  }
}

void EmitSubChannelEvent(RequestContext& ctx, const char* type, const std::string& channel_arn,
                         const std::string& sub_channel_id, int64_t members) {
  if (!ctx.outbox.events_wanted()) return;
  Event e;
  e.type = type;
  e.message_type = "SYSTEM";
  e.channel_arn = channel_arn;
  e.sub_channel_id = sub_channel_id;
  e.payload = {{"ChannelArn", channel_arn}, {"SubChannelId", sub_channel_id}, {"MembershipCount", members}};
  ctx.outbox.Emit(std::move(e));  // no recipients: the stream only
}

}  // namespace chime::api::channel_events
