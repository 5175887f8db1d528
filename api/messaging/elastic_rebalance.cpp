#include "api/messaging/elastic_rebalance.hpp"

#include <map>
#include <optional>
#include <vector>

#include "api/messaging/channel_common.hpp"
#include "api/messaging/channel_events.hpp"
#include "api/messaging/elastic_balance.hpp"
#include "storage/channel_repo.hpp"
#include "storage/sub_channel_repo.hpp"

namespace chime::api::elastic {
namespace {

// "1".."MaximumSubChannels" as a number; nullopt for any other id (never
// assigned by balancing, e.g. one a seed wrote), which balancing leaves alone.
std::optional<int64_t> Number(const std::string& id) {
  if (id.empty() || id.size() > 18 || id[0] == '0') return std::nullopt;
  int64_t n = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

Limits LimitsOf(const storage::ChannelRecord& c) {
  return {*c.elastic_max_sub_channels, c.elastic_target_memberships.value_or(1),
          c.elastic_min_membership_pct.value_or(0)};
}

std::vector<SubChannelCount> Counts(RequestContext& ctx, const std::string& channel_arn) {
  std::vector<SubChannelCount> out;
  for (const auto& sc : storage::CountSubChannelMembers(ctx.db, channel_arn))
    if (auto n = Number(sc.sub_channel_id)) out.push_back({*n, sc.members});
  return out;
}

SubChannel Load(RequestContext& ctx, const std::string& channel_arn, int64_t id,
                std::map<int64_t, storage::MembershipRecord>& records) {
  SubChannel s{id, {}};
  for (auto& m : storage::ListSubChannelMemberships(ctx.db, channel_arn, std::to_string(id))) {
    s.members.push_back({m.id, storage::IsChannelModerator(ctx.db, channel_arn, m.member_arn)});
    records.emplace(m.id, std::move(m));
  }
  return s;
}

void ApplyMoves(RequestContext& ctx, const std::vector<Move>& moves,
                std::map<int64_t, storage::MembershipRecord>& records) {
  for (const auto& mv : moves) {
    auto& m = records.at(mv.membership_id);
    m.sub_channel_id = std::to_string(mv.to);
    m.updated_ms = ctx.now_ms;
    storage::MoveMembership(ctx.db, m.id, *m.sub_channel_id, ctx.now_ms);
    // System messages: "only ... the member that was transferred" receives it.
    channel_events::Emit(ctx, "UPDATE_CHANNEL_MEMBERSHIP", m.channel_arn, *m.sub_channel_id,
                         channels::MembershipJson(ctx.db, m), {m.member_arn});
  }
}

int64_t MembersOf(RequestContext& ctx, const std::string& channel_arn, const std::string& sub) {
  for (const auto& sc : storage::CountSubChannelMembers(ctx.db, channel_arn))
    if (sc.sub_channel_id == sub) return sc.members;
  return 0;
}

void DeleteSubChannel(RequestContext& ctx, const std::string& channel_arn, const std::string& sub) {
  storage::DeleteSubChannelMessages(ctx.db, channel_arn, sub);
  channel_events::EmitSubChannelEvent(ctx, "DELETE_SUB_CHANNEL", channel_arn, sub, 0);
}

}  // namespace

std::string PlaceRegularMember(RequestContext& ctx, const storage::ChannelRecord& channel,
                               bool& opened) {
  const Limits l = LimitsOf(channel);
  const auto counts = Counts(ctx, channel.arn);
  const Placement p = PlaceMember(counts, l);
  if (p.kind == Placement::Kind::kFull) {
    throw ResourceLimitExceeded(
        "Elastic channel " + channel.arn + " is full: all " + std::to_string(l.max_sub_channels) +
        " SubChannels (MaximumSubChannels) hold TargetMembershipsPerSubChannel (" +
        std::to_string(l.target) + ") members.");
  }
  const std::string sub = std::to_string(p.sub_channel);
  if (p.kind == Placement::Kind::kJoin) {
    opened = counts.empty();
    return sub;
  }
  std::map<int64_t, storage::MembershipRecord> records;
  std::vector<SubChannel> existing;
  for (const auto& c : counts) existing.push_back(Load(ctx, channel.arn, c.id, records));
  const auto moves = PlanScaleOut(existing, p.sub_channel);
  opened = moves.empty();
  if (!moves.empty()) {
    // Before the transfers into it; the count is the one after the request (the newcomer joins too).
    channel_events::EmitSubChannelEvent(ctx, "CREATE_SUB_CHANNEL", channel.arn, sub,
                                        static_cast<int64_t>(moves.size()) + 1);
  }
  ApplyMoves(ctx, moves, records);
  return sub;
}

void AfterSubChannelShrank(RequestContext& ctx, const storage::ChannelRecord& channel,
                           const std::string& sub_channel_id) {
  const auto n = Number(sub_channel_id);
  if (!n) {
    if (MembersOf(ctx, channel.arn, sub_channel_id) == 0)
      DeleteSubChannel(ctx, channel.arn, sub_channel_id);
    return;
  }
  std::map<int64_t, storage::MembershipRecord> records;
  const SubChannel shrunk = Load(ctx, channel.arn, *n, records);
  if (!shrunk.members.empty()) {
    auto plan = PlanScaleIn(shrunk, Counts(ctx, channel.arn), LimitsOf(channel));
    if (!plan) return;
    ApplyMoves(ctx, plan->moves, records);
    for (int64_t id : plan->moderator_drops) {
      const auto& m = records.at(id);
      // "Understanding message structures": moderators of a sub-channel that
      // balancing deleted get DELETE_CHANNEL_MEMBERSHIP with this reason.
      channel_events::Emit(ctx, "DELETE_CHANNEL_MEMBERSHIP", m.channel_arn, sub_channel_id,
                           channels::MembershipJson(ctx.db, m), {m.member_arn}, "SYSTEM",
                           "subchannel_DELETED");
      storage::DeleteMembershipById(ctx.db, id);
    }
  }
  DeleteSubChannel(ctx, channel.arn, sub_channel_id);
}

}  // namespace chime::api::elastic
