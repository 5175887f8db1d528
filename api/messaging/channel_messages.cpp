// Channel messages (chime-sdk-messaging): SendChannelMessage and the history
// reads (GetChannelMessage, ListChannelMessages, GetChannelMessageStatus),
// plus Update/Redact/DeleteChannelMessage.
//
// Rules (docs/aws-parity.md "Messages (SendChannelMessage and history)"):
// - Only members send (DEFAULT members; HIDDEN members and banned users are
//   refused); admins and moderators must first add their own membership.
// - Sizes count UTF-8 bytes: STANDARD content <= 4096 and metadata <= 1024,
//   CONTROL content <= 30 and no metadata.
// - NON_PERSISTENT messages get an id and 201 but are never stored.
// - A targeted message is visible only to its sender and its target; to
//   everyone else it does not exist.
// - Elastic channels: every message operation names the SubChannelId; members
//   act only in their own sub-channel. Non-elastic channels refuse it.
// - ClientRequestToken: scope "SendChannelMessage|<channel arn>|<bearer arn>".
// - AppInstance retention (api/handler_support/retention.hpp): a message older than
//   RetentionDays does not exist for any read or per-message operation.
#include <algorithm>
#include <cmath>

#include "api/auth/authorizer.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler_support/retention.hpp"
#include "api/handler.hpp"
#include "api/messaging/channel_common.hpp"
#include "api/messaging/channel_events.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/messaging/message_reactions.hpp"
#include "api/messaging/message_json.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"
#include "storage/message_repo.hpp"
#include "storage/recipient_repo.hpp"

namespace chime::api {

namespace {

constexpr size_t kStandardContentMax = 4096;
constexpr size_t kStandardMetadataMax = 1024;
constexpr size_t kControlContentMax = 30;

// Size rules of SendChannelMessage/UpdateChannelMessage, in UTF-8 bytes.
void CheckMessageSize(const std::string& type, const std::string& content, const std::optional<std::string>& metadata) {
  if (type == "CONTROL") {
    if (content.size() > kControlContentMax) {
      throw BadRequest("Content of a CONTROL message must be at most " + std::to_string(kControlContentMax) +
                       " bytes of UTF-8; got " + std::to_string(content.size()) + " bytes");
    }
    if (metadata) throw BadRequest("Metadata is not allowed on a CONTROL message");
    return;
  }
  if (content.size() > kStandardContentMax) {
    throw BadRequest("Content of a STANDARD message must be at most " + std::to_string(kStandardContentMax) +
                     " bytes of UTF-8; got " + std::to_string(content.size()) + " bytes");
  }
  if (metadata && metadata->size() > kStandardMetadataMax) {
    throw BadRequest("Metadata of a STANDARD message must be at most " + std::to_string(kStandardMetadataMax) +
                     " bytes of UTF-8; got " + std::to_string(metadata->size()) + " bytes");
  }
}

// The sub-channel an operation acts on: "" for a standard channel (which
// refuses a SubChannelId), the required SubChannelId for an elastic one.
std::string SubChannelOf(const ChannelAccess& a, const json& in) {
  auto sub = OptStr(in, "SubChannelId");
  if (!a.channel.is_elastic()) {
    if (sub) {
      throw BadRequest("SubChannelId " + *sub + " was given but channel " + a.channel.arn +
                       " is not an elastic channel");
    }
    return "";
  }
  if (!sub) throw BadRequest("SubChannelId is required for elastic channel " + a.channel.arn);
  return *sub;
}

// A member (not moderator/admin) of an elastic channel acts only in its own sub-channel.
void RequireOwnSubChannel(const ChannelAccess& a, const Caller& c, const std::string& sub) {
  if (!a.channel.is_elastic() || a.can_moderate() || !a.membership) return;
  if (a.membership->sub_channel_id.value_or("") != sub) {
    throw Forbidden("Member " + c.arn() + " does not belong to sub-channel " + sub + " of channel " + a.channel.arn);
  }
}

// Send/Update/Redact-own: the caller must be a current, non-hidden member.
void RequireSendingMember(const ChannelAccess& a, const Caller& c, const char* action) {
  if (a.banned) throw Forbidden(c.arn() + " is banned from channel " + a.channel.arn);
  if (!a.is_member()) {
    if (a.can_moderate()) {
      throw Forbidden(std::string(a.admin ? "AppInstanceAdmin " : "Channel moderator ") + c.arn() +
                      " is not a member of channel " + a.channel.arn + ": to " + action +
                      " it must first add its own membership with CreateChannelMembership");
    }
    throw Forbidden(c.arn() + " is not a member of channel " + a.channel.arn);
  }
  if (a.is_hidden_member()) {
    throw Forbidden(c.arn() + " is a HIDDEN member of channel " + a.channel.arn + ": hidden members cannot " + action);
  }
}

// Get/List: members, moderators and admins read; others only public channels.
void RequireReader(const ChannelAccess& a, const Caller& c) {
  if (a.banned) throw Forbidden(c.arn() + " is banned from channel " + a.channel.arn);
  if (a.is_member() || a.can_moderate() || a.is_public()) return;
  throw Forbidden("Channel " + a.channel.arn + " is PRIVATE and " + c.arn() + " is not a member of it");
}

bool VisibleTo(const storage::MessageRecord& m, const Caller& c) {
  if (m.persistence != "PERSISTENT") return false;  // a non-persistent one in a channel flow
  // Channel flows: a message not (yet) SENT exists only for its sender.
  if (m.status != "SENT" && m.sender_arn != c.arn()) return false;
  return !m.target_arn || *m.target_arn == c.arn() || m.sender_arn == c.arn();
}

// The message as the caller may see it, or NotFound (unknown, deleted, past
// retention, in another sub-channel, or targeted at someone else).
storage::MessageRecord RequireVisibleMessage(RequestContext& ctx, const ChannelAccess& a, const Caller& c,
                                             const std::string& message_id, const std::string& sub) {
  auto m = storage::FindMessage(ctx.db, a.channel.arn, message_id);
  if (!m || m->sub_channel_id != sub || !VisibleTo(*m, c) ||
      m->created_ms < RetainedSinceMs(ctx, a.channel.app_instance_arn)) {
    throw ResourceMissing(ctx, "Message " + message_id + " does not exist in channel " + a.channel.arn +
                                   (sub.empty() ? "" : " sub-channel " + sub));
  }
  return *m;
}

json StatusOf(const storage::MessageRecord& m) {
  json s = {{"Value", m.status}};
  if (m.status_detail) s["Detail"] = *m.status_detail;
  return s;
}

std::vector<std::string> MessageRecipients(RequestContext& ctx, const storage::MessageRecord& m) {
  return channel_events::MessageRecipients(ctx.db, m);
}

json MessageEventJson(const storage::MessageRecord& m);

// The members ChannelMessage and ChannelMessageSummary share.
json MessageCommon(const storage::MessageRecord& m) {
  json out = {{"MessageId", m.message_id},
              {"Type", m.type},
              {"CreatedTimestamp", EpochSeconds(m.created_ms)},
              {"LastUpdatedTimestamp", EpochSeconds(m.updated_ms)},
              {"Redacted", m.redacted},
              {"Status", StatusOf(m)}};
  if (m.content) out["Content"] = *m.content;
  if (m.metadata) out["Metadata"] = *m.metadata;
  if (m.edited_ms) out["LastEditedTimestamp"] = EpochSeconds(*m.edited_ms);
  json sender = {{"Arn", m.sender_arn}};
  if (m.sender_name) sender["Name"] = *m.sender_name;
  out["Sender"] = std::move(sender);
  if (m.message_attributes) out["MessageAttributes"] = json::parse(*m.message_attributes);
  if (m.content_type) out["ContentType"] = *m.content_type;
  if (m.target_arn) out["Target"] = json::array({{{"MemberArn", *m.target_arn}}});
  return out;
}

// The ChannelMessage shape of message events.
json MessageEventJson(const storage::MessageRecord& m) {
  json msg = MessageCommon(m);
  msg["ChannelArn"] = m.channel_arn;
  msg["Persistence"] = m.persistence;
  if (!m.sub_channel_id.empty()) msg["SubChannelId"] = m.sub_channel_id;
  return msg;
}

json SendChannelMessage(RequestContext& ctx, const json& in) {
  const std::string channel_arn = Str(in, "ChannelArn");
  const std::string type = Str(in, "Type");
  const std::string persistence = Str(in, "Persistence");
  const std::string content = Str(in, "Content");
  const auto metadata = OptStr(in, "Metadata");
  CheckMessageSize(type, content, metadata);

  std::optional<std::string> target;
  if (auto it = in.find("Target"); it != in.end() && it->is_array() && !it->empty()) {
    target = OptStr((*it)[0], "MemberArn");
    if (!target) throw BadRequest("Target[0].MemberArn is required: the target must name a channel member");
  }

  Caller caller = BearerOf(ctx, in);
  ChannelAccess access = LoadChannelAccess(ctx, caller, channel_arn);

  // A retry returns the first answer (also after a restart); the same token
  // with other parameters is a ConflictException.
  const std::string token = Str(in, "ClientRequestToken");
  const std::string scope = "SendChannelMessage|" + channel_arn + "|" + caller.arn();
  const std::string& hash = ctx.input_hash;
  if (auto replay = ReplayIdempotent(ctx, scope, token, hash)) {
    (*replay)["ChannelArn"] = channel_arn;  // not stored: it is in the scope
    return *replay;
  }

  RequireSendingMember(access, caller, "send messages");
  const std::string sub = SubChannelOf(access, in);
  // A moderator may be a member of several sub-channels: any of them.
  if (access.channel.is_elastic() && access.membership->sub_channel_id.value_or("") != sub &&
      !(access.moderator && storage::FindMembershipIn(ctx.db, channel_arn, caller.arn(), sub))) {
    throw Forbidden("Member " + caller.arn() + " does not belong to sub-channel " + sub + " of channel " +
                    channel_arn + " and cannot send messages to it");
  }
  if (target && *target != caller.arn()) {
    auto tm = storage::FindMembership(ctx.db, channel_arn, *target);
    if (!tm) throw BadRequest("Target " + *target + " is not a member of channel " + channel_arn);
    if (access.channel.is_elastic() && !storage::FindMembershipIn(ctx.db, channel_arn, *target, sub)) {
      throw BadRequest("Target " + *target + " is not a member of sub-channel " + sub + " of channel " + channel_arn);
    }
  }

  storage::MessageRecord m;
  m.message_id = OptStr(in, kSeedFixedIdMember).value_or(NewMessageId());  // fixed only by a seed
  m.channel_arn = channel_arn;
  m.sub_channel_id = sub;
  m.sender_arn = caller.arn();
  m.sender_name = caller.principal.name;
  m.type = type;
  m.persistence = persistence;
  m.content = content;
  m.metadata = metadata;
  m.content_type = OptStr(in, "ContentType");
  if (auto it = in.find("MessageAttributes"); it != in.end()) m.message_attributes = it->dump();
  if (auto it = in.find("PushNotification"); it != in.end()) m.push_notification = it->dump();
  m.target_arn = target;
  m.created_ms = m.updated_ms = ctx.now_ms;
  // Channel flow: PENDING until its processors pass it (flow_processing.hpp).
  const bool in_flow = flows::Processes(access.channel, m);
  if (in_flow) m.status = "PENDING";
  // A non-persistent message through a flow is stored while it is processed
  // (invisible to every read), and deleted once it is delivered or refused.
  if (persistence == "PERSISTENT" || in_flow) {
    m.id = storage::InsertMessage(ctx.db, m);
    // Targeted messages are private to two members: they do not move the
    // channel's last-message time that everyone sees.
    if (!target && !in_flow) storage::TouchChannelLastMessage(ctx.db, channel_arn, ctx.now_ms);
  }
  if (in_flow) {
    auto env = flows::EnvOf(ctx);
    flows::StartProcessing(env, *access.channel.channel_flow_arn, m, "CREATE", std::nullopt);
  } else {
    // Published only if this request commits (api/events/outbox.hpp).
    EmitMessageCreated(ctx.db, ctx.outbox, m);
  }
  if (!in_flow) {
    ReactionEnv reactions{ctx.db, ctx.config, ctx.now_ms, ctx.outbox};
    OnNewMessageSent(reactions, m);
  }
  const std::string& message_id = m.message_id;

  json out = {{"ChannelArn", channel_arn}, {"MessageId", message_id}, {"Status", {{"Value", m.status}}}};
  if (!sub.empty()) out["SubChannelId"] = sub;
  json remembered = out;
  remembered.erase("ChannelArn");
  RememberIdempotent(ctx, scope, token, hash, remembered);
  return out;
}

json GetChannelMessage(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess access = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  RequireReader(access, caller);
  const std::string sub = SubChannelOf(access, in);
  RequireOwnSubChannel(access, caller, sub);
  auto m = RequireVisibleMessage(ctx, access, caller, Str(in, "MessageId"), sub);
  json msg = MessageCommon(m);
  msg["ChannelArn"] = m.channel_arn;
  msg["Persistence"] = m.persistence;
  if (!m.sub_channel_id.empty()) msg["SubChannelId"] = m.sub_channel_id;
  return {{"ChannelMessage", std::move(msg)}};
}

int64_t SecondsToMs(double s) { return static_cast<int64_t>(std::llround(s * 1000.0)); }

json ListChannelMessages(RequestContext& ctx, const json& in) {
  const std::string channel_arn = Str(in, "ChannelArn");
  Caller caller = BearerOf(ctx, in);
  ChannelAccess access = LoadChannelAccess(ctx, caller, channel_arn);
  RequireReader(access, caller);
  const std::string sub = SubChannelOf(access, in);
  RequireOwnSubChannel(access, caller, sub);

  storage::MessageQuery q;
  q.channel_arn = channel_arn;
  q.sub_channel_id = sub;
  q.viewer_arn = caller.arn();
  q.ascending = Str(in, "SortOrder") == "ASCENDING";
  if (auto it = in.find("NotBefore"); it != in.end() && it->is_number()) q.not_before_ms = SecondsToMs(it->get<double>());
  if (auto it = in.find("NotAfter"); it != in.end() && it->is_number()) q.not_after_ms = SecondsToMs(it->get<double>());
  if (q.not_before_ms > q.not_after_ms) throw BadRequest("NotBefore must not be later than NotAfter");

  // The token is bound to everything that shapes the listing, the viewer included.
  const std::string scope = "ListChannelMessages|" + channel_arn + "|" + sub + "|" + (q.ascending ? "A" : "D") + "|" +
                            std::to_string(q.not_before_ms) + "|" + std::to_string(q.not_after_ms) + "|" +
                            caller.arn();
  if (auto cursor = NextTokenCursor(in, scope)) q.after = std::make_pair(cursor->key, cursor->tiebreak);
  // Past-retention messages are left out (after the scope: tokens stay valid as the cutoff moves).
  q.not_before_ms = std::max(q.not_before_ms, RetainedSinceMs(ctx, access.channel.app_instance_arn));
  const int limit = MaxResults(in);
  q.limit = limit + 1;
  auto rows = storage::ListMessages(ctx.db, q);

  json list = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) list.push_back(MessageCommon(rows[i]));
  json out = {{"ChannelArn", channel_arn}, {"ChannelMessages", std::move(list)}};
  if (!sub.empty()) out["SubChannelId"] = sub;
  if (rows.size() > static_cast<size_t>(limit)) {
    const auto& last = rows[limit - 1];
    out["NextToken"] = EncodeNextToken(scope, {last.created_ms, last.id});
  }
  return out;
}

json GetChannelMessageStatus(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess access = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  const std::string sub = SubChannelOf(access, in);
  const std::string message_id = Str(in, "MessageId");
  auto m = storage::FindMessage(ctx.db, access.channel.arn, message_id);
  if (!m || m->sub_channel_id != sub || !VisibleTo(*m, caller) ||
      m->created_ms < RetainedSinceMs(ctx, access.channel.app_instance_arn)) {
    throw ResourceMissing(ctx, "Message " + message_id + " does not exist in channel " + access.channel.arn);
  }
  if (m->sender_arn != caller.arn()) {
    throw Forbidden("Only the sender of message " + message_id + " can get its status");
  }
  return {{"Status", StatusOf(*m)}};
}

json UpdateChannelMessage(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess access = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  RequireSendingMember(access, caller, "edit messages");
  const std::string sub = SubChannelOf(access, in);
  RequireOwnSubChannel(access, caller, sub);
  auto m = RequireVisibleMessage(ctx, access, caller, Str(in, "MessageId"), sub);
  if (m.sender_arn != caller.arn()) {
    throw Forbidden("Only the sender can edit message " + m.message_id + "; " + caller.arn() + " is not its sender");
  }
  if (m.redacted) throw Conflict("Message " + m.message_id + " was redacted and can no longer be edited");
  const std::string content = Str(in, "Content");
  const auto metadata = OptStr(in, "Metadata");
  CheckMessageSize(m.type, content, metadata);
  auto content_type = OptStr(in, "ContentType");
  // Channel flow: the edit waits PENDING for the processors (flow_processing.hpp).
  if (flows::Processes(access.channel, m)) {
    if (m.status == "PENDING") {
      throw Conflict("Message " + m.message_id + " is still being processed by the channel flow; edit it once it is " +
                     "SENT or FAILED");
    }
    const storage::MessageRecord before = m;
    m.content = content;
    m.metadata = metadata;
    if (content_type) m.content_type = content_type;
    m.status = "PENDING";
    m.status_detail.reset();
    m.edited_ms = m.updated_ms = ctx.now_ms;
    storage::SaveProcessedMessage(ctx.db, m);
    auto env = flows::EnvOf(ctx);
    flows::StartProcessing(env, *access.channel.channel_flow_arn, m, "UPDATE", before);
  } else {
    storage::UpdateMessageContent(ctx.db, m.id, content, metadata, content_type ? content_type : m.content_type,
                                  ctx.now_ms);
    if (ctx.outbox.events_wanted()) {
      if (auto updated = storage::FindMessage(ctx.db, m.channel_arn, m.message_id)) {
        channel_events::Emit(ctx, "UPDATE_CHANNEL_MESSAGE", m.channel_arn, m.sub_channel_id, MessageEventJson(*updated),
                             MessageRecipients(ctx, *updated), updated->type);
      }
    }
  }
  json out = {{"ChannelArn", m.channel_arn}, {"MessageId", m.message_id}, {"Status", StatusOf(m)}};
  if (!sub.empty()) out["SubChannelId"] = sub;
  return out;
}

json RedactChannelMessage(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess access = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  if (!access.can_moderate()) RequireSendingMember(access, caller, "redact messages");
  const std::string sub = SubChannelOf(access, in);
  RequireOwnSubChannel(access, caller, sub);
  auto m = RequireVisibleMessage(ctx, access, caller, Str(in, "MessageId"), sub);
  if (!access.can_moderate() && m.sender_arn != caller.arn()) {
    throw Forbidden("Only the sender, a channel moderator or an AppInstanceAdmin can redact message " + m.message_id);
  }
  if (!m.redacted) {
    storage::RedactMessage(ctx.db, m.id, ctx.now_ms);
    if (ctx.outbox.events_wanted()) {
      if (auto redacted = storage::FindMessage(ctx.db, m.channel_arn, m.message_id)) {
        channel_events::Emit(ctx, "REDACT_CHANNEL_MESSAGE", m.channel_arn, m.sub_channel_id,
                             MessageEventJson(*redacted), MessageRecipients(ctx, *redacted), redacted->type);
      }
    }
  }
  json out = {{"ChannelArn", m.channel_arn}, {"MessageId", m.message_id}};
  if (!sub.empty()) out["SubChannelId"] = sub;
  return out;
}

json DeleteChannelMessage(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess access = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  if (!access.admin) {
    throw Forbidden("Only an AppInstanceAdmin can delete channel messages; " + caller.arn() + " is not one");
  }
  const std::string sub = SubChannelOf(access, in);
  const std::string message_id = Str(in, "MessageId");
  // Admins may delete targeted messages they cannot see (model doc of Target).
  auto m = storage::FindMessage(ctx.db, access.channel.arn, message_id);
  if (!m || m->sub_channel_id != sub || m->persistence != "PERSISTENT" ||
      m->created_ms < RetainedSinceMs(ctx, access.channel.app_instance_arn)) {
    throw ResourceMissing(ctx, "Message " + message_id + " does not exist in channel " + access.channel.arn);
  }
  if (ctx.outbox.events_wanted()) {
    // The deleted message's identifiers, sender and type; not its content.
    json payload = MessageEventJson(*m);
    payload.erase("Content");
    payload.erase("Metadata");
    payload.erase("MessageAttributes");
    channel_events::Emit(ctx, "DELETE_CHANNEL_MESSAGE", m->channel_arn, m->sub_channel_id, std::move(payload),
                         MessageRecipients(ctx, *m), m->type);
  }
  storage::DeleteMessage(ctx.db, m->id);
  return json::object();
}

}  // namespace

namespace channels {
json MessageSummaryJson(const storage::MessageRecord& m) { return MessageCommon(m); }
json ChannelMessageJson(const storage::MessageRecord& m) { return MessageEventJson(m); }
}  // namespace channels
json MessageSummaryJson(const storage::MessageRecord& m) { return MessageCommon(m); }

void EmitMessageCreated(storage::Database& db, Outbox& outbox, const storage::MessageRecord& m) {
  if (!outbox.events_wanted()) return;
  Event e;
  e.type = "CREATE_CHANNEL_MESSAGE";
  e.message_type = m.type;
  e.channel_arn = m.channel_arn;
  e.sub_channel_id = m.sub_channel_id;
  e.make_payload = [m] { return MessageEventJson(m); };
  e.recipients = channel_events::MessageRecipients(db, m);
  outbox.Emit(std::move(e));
}

void RegisterChannelMessageHandlers(HandlerTable& t) {
  t.Add(Op::kSendChannelMessage, SendChannelMessage);
  t.Add(Op::kGetChannelMessage, GetChannelMessage);
  t.Add(Op::kListChannelMessages, ListChannelMessages);
  t.Add(Op::kGetChannelMessageStatus, GetChannelMessageStatus);
  t.Add(Op::kUpdateChannelMessage, UpdateChannelMessage);
  t.Add(Op::kRedactChannelMessage, RedactChannelMessage);
  t.Add(Op::kDeleteChannelMessage, DeleteChannelMessage);
}

}  // namespace chime::api
