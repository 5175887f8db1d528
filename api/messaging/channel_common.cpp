#include "api/messaging/channel_common.hpp"

#include <map>

#include "api/messaging/bot_invocations.hpp"
#include "api/messaging/bot_processing.hpp"
#include "api/messaging/channel_events.hpp"
#include "api/messaging/elastic_rebalance.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"
#include "storage/error.hpp"
#include "storage/principal_repo.hpp"
#include "storage/sub_channel_repo.hpp"

namespace chime::api::channels {

json IdentityJson(storage::Database& db, const std::string& arn) {
  json id = {{"Arn", arn}};
  if (auto p = storage::FindPrincipal(db, arn); p && p->name) id["Name"] = *p->name;
  return id;
}

json ChannelSummaryJson(const storage::ChannelRecord& c) {
  json s = {{"Name", c.name}, {"ChannelArn", c.arn}, {"Mode", c.mode}, {"Privacy", c.privacy}};
  if (c.metadata) s["Metadata"] = *c.metadata;
  if (c.last_message_ms) s["LastMessageTimestamp"] = EpochSeconds(*c.last_message_ms);
  return s;
}

json ChannelJson(storage::Database& db, const storage::ChannelRecord& c) {
  json ch = {{"Name", c.name},
             {"ChannelArn", c.arn},
             {"Mode", c.mode},
             {"Privacy", c.privacy},
             {"CreatedBy", IdentityJson(db, c.created_by_arn)},
             {"CreatedTimestamp", EpochSeconds(c.created_ms)},
             {"LastUpdatedTimestamp", EpochSeconds(c.updated_ms)}};
  if (c.metadata) ch["Metadata"] = *c.metadata;
  if (c.last_message_ms) ch["LastMessageTimestamp"] = EpochSeconds(*c.last_message_ms);
  if (c.channel_flow_arn) ch["ChannelFlowArn"] = *c.channel_flow_arn;
  if (c.is_elastic()) {
    ch["ElasticChannelConfiguration"] = {{"MaximumSubChannels", *c.elastic_max_sub_channels},
                                         {"TargetMembershipsPerSubChannel", c.elastic_target_memberships.value_or(0)},
                                         {"MinimumMembershipPercentage", c.elastic_min_membership_pct.value_or(0)}};
  }
  if (c.expiration_days && c.expiration_criterion) {
    ch["ExpirationSettings"] = {{"ExpirationDays", *c.expiration_days},
                                {"ExpirationCriterion", *c.expiration_criterion}};
  }
  return ch;
}

json MembershipJson(storage::Database& db, const storage::MembershipRecord& m) {
  json out = {{"InvitedBy", IdentityJson(db, m.invited_by_arn)},
              {"Type", m.type},
              {"Member", IdentityJson(db, m.member_arn)},
              {"ChannelArn", m.channel_arn},
              {"CreatedTimestamp", EpochSeconds(m.created_ms)},
              {"LastUpdatedTimestamp", EpochSeconds(m.updated_ms)}};
  if (m.sub_channel_id) out["SubChannelId"] = *m.sub_channel_id;
  return out;
}

storage::PrincipalRecord RequireAppInstancePrincipal(RequestContext& ctx, const std::string& app_instance_arn,
                                                     const std::string& arn, const char* member) {
  auto p = storage::FindPrincipal(ctx.db, arn);
  if (!p || p->app_instance_arn != app_instance_arn) {
    throw ResourceMissing(ctx, std::string(member) + " " + arn +
                                   " is not an AppInstanceUser or AppInstanceBot of AppInstance " + app_instance_arn +
                                   ".");
  }
  return *p;
}

void RequireReadable(const ChannelAccess& a, const std::string& what) {
  if (a.is_public() || a.is_member() || a.moderator || a.admin) return;
  throw Forbidden("Channel " + a.channel.arn + " is PRIVATE: only its members, moderators and AppInstanceAdmins can " +
                  what + ".");
}

void RequireModerator(const Caller& caller, const ChannelAccess& a, const std::string& action) {
  if (a.can_moderate()) return;
  throw Forbidden("Only an AppInstanceAdmin or a moderator of channel " + a.channel.arn + " can " + action + "; " +
                  caller.arn() + " is neither.");
}

namespace {
int64_t SubChannelMembers(RequestContext& ctx, const std::string& channel_arn, const std::string& sub_channel_id) {
  for (const auto& sc : storage::CountSubChannelMembers(ctx.db, channel_arn))
    if (sc.sub_channel_id == sub_channel_id) return sc.members;
  return 0;
}
}  // namespace

storage::MembershipRecord AddMembership(RequestContext& ctx, const storage::ChannelRecord& channel,
                                        const std::string& invited_by, const std::string& member_arn,
                                        const std::string& type, const std::optional<std::string>& sub_channel_id) {
  if (storage::IsChannelBanned(ctx.db, channel.arn, member_arn)) {
    throw Forbidden("Member " + member_arn + " is banned from channel " + channel.arn +
                    "; DeleteChannelBan first.");
  }
  std::optional<std::string> sub;
  if (channel.is_elastic()) {
    if (type == "HIDDEN") throw BadRequest("Elastic channels do not support HIDDEN memberships (Type).");
    const bool moderator = storage::IsChannelModerator(ctx.db, channel.arn, member_arn);
    if (moderator) {
      if (!sub_channel_id) {
        throw BadRequest("SubChannelId is required to add moderator " + member_arn + " to a SubChannel of elastic channel " +
                         channel.arn + ".");
      }
      bool in_range = false;
      try {
        size_t used = 0;
        long long n = std::stoll(*sub_channel_id, &used);
        in_range = used == sub_channel_id->size() && n >= 1 && n <= *channel.elastic_max_sub_channels;
      } catch (const std::exception&) {
      }
      if (!in_range) {
        throw BadRequest("SubChannelId " + *sub_channel_id + " is not a SubChannel of elastic channel " + channel.arn +
                         " (1.." + std::to_string(*channel.elastic_max_sub_channels) + ").");
      }
      sub = sub_channel_id;
    } else {
      if (sub_channel_id) {
        throw BadRequest("SubChannelId can only be given for a moderator; the service assigns members of elastic "
                         "channel " + channel.arn + " to SubChannels.");
      }
    }
  } else if (sub_channel_id) {
    throw BadRequest("SubChannelId applies only to elastic channels; " + channel.arn + " is not elastic.");
  }

  // The real service answers ConflictException for an existing member, whatever
  // the Type (apps treat it as "already a member", e.g. the channel's creator).
  // A moderator of an elastic channel is a member once per sub-channel.
  auto existing = sub ? storage::FindMembershipIn(ctx.db, channel.arn, member_arn, *sub)
                      : storage::FindMembership(ctx.db, channel.arn, member_arn);
  if (existing) {
    std::string where = existing->sub_channel_id ? " (SubChannel " + *existing->sub_channel_id + ")" : "";
    throw Conflict("Member " + member_arn + " is already a " + existing->type + " member of channel " + channel.arn +
                   where + ".");
  }
  bool opened = false;
  if (channel.is_elastic() && !sub) sub = elastic::PlaceRegularMember(ctx, channel, opened);
  else if (sub) opened = SubChannelMembers(ctx, channel.arn, *sub) == 0;

  storage::MembershipRecord m;
  m.channel_arn = channel.arn;
  m.member_arn = member_arn;
  m.type = type;
  m.invited_by_arn = invited_by;
  m.sub_channel_id = sub;
  m.created_ms = m.updated_ms = ctx.now_ms;
  storage::InsertMembership(ctx.db, m);
  m.id = ctx.db.LastInsertRowId();
  if (sub && opened) channel_events::EmitSubChannelEvent(ctx, "CREATE_SUB_CHANNEL", channel.arn, *sub, 1);
  if (bots::IsBotArn(member_arn) && !channel.is_elastic()) {  // its WelcomeIntent, if it has one
    ReactionEnv env{ctx.db, ctx.config, ctx.now_ms, ctx.outbox};
    bots::BotJoined(env, channel.arn, member_arn, invited_by);
  }
  return m;
}

bool RemoveMembership(RequestContext& ctx, const storage::ChannelRecord& channel, const std::string& member_arn,
                      const std::optional<std::string>& sub_channel_id) {
  std::vector<storage::MembershipRecord> removed;
  if (sub_channel_id) {
    if (auto m = storage::FindMembershipIn(ctx.db, channel.arn, member_arn, *sub_channel_id)) removed.push_back(*m);
  } else {
    removed = storage::ListMembershipsInChannel(ctx.db, channel.arn, member_arn);
  }
  if (removed.empty()) return false;
  for (const auto& m : removed) storage::DeleteMembershipById(ctx.db, m.id);
  if (channel.is_elastic()) {
    for (const auto& m : removed)
      if (m.sub_channel_id) elastic::AfterSubChannelShrank(ctx, channel, *m.sub_channel_id);
  }
  return true;
}

}  // namespace chime::api::channels
