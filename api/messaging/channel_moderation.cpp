// Channel moderators and bans (chime-sdk-messaging).
//
// Create/Delete/Describe/ListChannelModerator(s) and
// Create/Delete/Describe/ListChannelBan(s): AppInstanceAdmins and channel
// moderators only, on PUBLIC channels too (the developer guide's role tables
// deny all of them to members and non-members; docs/aws-parity.md "Identity
// and authorization").
// Elastic channels ([DG:manage-elastic-members]): promoting a member to
// moderator, or demoting a moderator, removes that principal's memberships.
// A ban removes the member's membership; admins and moderators cannot be
// banned (ForbiddenException).
#include "api/auth/authorizer.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler.hpp"
#include "api/messaging/channel_common.hpp"
#include "api/messaging/channel_events.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"
#include "storage/principal_repo.hpp"

namespace chime::api {

namespace {

using channels::IdentityJson;

json CreateChannelModerator(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "add moderators");
  const std::string mod = Str(in, "ChannelModeratorArn");
  channels::RequireAppInstancePrincipal(ctx, a.channel.app_instance_arn, mod, "ChannelModeratorArn");
  if (storage::IsChannelModerator(ctx.db, a.channel.arn, mod)) {
    throw Conflict(mod + " is already a moderator of channel " + a.channel.arn + ".");
  }
  if (storage::IsChannelBanned(ctx.db, a.channel.arn, mod)) {
    throw Forbidden(mod + " is banned from channel " + a.channel.arn + " and cannot be a moderator.");
  }
  if (a.channel.is_elastic()) channels::RemoveMembership(ctx, a.channel, mod);
  storage::ModeratorRecord r;
  r.channel_arn = a.channel.arn;
  r.moderator_arn = mod;
  r.created_by_arn = caller.arn();
  r.created_ms = ctx.now_ms;
  storage::InsertModerator(ctx.db, r);
  return {{"ChannelArn", a.channel.arn}, {"ChannelModerator", IdentityJson(ctx.db, mod)}};
}

json DescribeChannelModerator(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "read its moderators");
  const std::string mod = Str(in, "ChannelModeratorArn");
  auto r = storage::FindModerator(ctx.db, a.channel.arn, mod);
  if (!r) throw NotFound(mod + " is not a moderator of channel " + a.channel.arn + ".");
  return {{"ChannelModerator",
           {{"Moderator", IdentityJson(ctx.db, r->moderator_arn)},
            {"ChannelArn", r->channel_arn},
            {"CreatedTimestamp", EpochSeconds(r->created_ms)},
            {"CreatedBy", IdentityJson(ctx.db, r->created_by_arn)}}}};
}

json ListChannelModerators(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "list its moderators");
  const std::string scope = "ListChannelModerators|" + a.channel.arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListModeratorsPage(ctx.db, a.channel.arn, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = {{"ChannelArn", a.channel.arn}};
  channels::EmitPage(
      out, "ChannelModerators", rows, limit, scope,
      [&](const storage::ModeratorRecord& r) { return json{{"Moderator", IdentityJson(ctx.db, r.moderator_arn)}}; },
      [](const storage::ModeratorRecord& r) { return PageCursor{0, r.id}; });
  return out;
}

json DeleteChannelModerator(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "remove moderators");
  const std::string mod = Str(in, "ChannelModeratorArn");
  if (!storage::DeleteModerator(ctx.db, a.channel.arn, mod)) {
    throw ResourceMissing(ctx, mod + " is not a moderator of channel " + a.channel.arn + ".");
  }
  if (a.channel.is_elastic()) channels::RemoveMembership(ctx, a.channel, mod);
  return json::object();
}

// --- bans ------------------------------------------------------------------

json CreateChannelBan(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "ban members");
  const std::string member = Str(in, "MemberArn");
  channels::RequireAppInstancePrincipal(ctx, a.channel.app_instance_arn, member, "MemberArn");
  if (storage::IsAppInstanceAdmin(ctx.db, a.channel.app_instance_arn, member)) {
    throw Forbidden(member + " is an AppInstanceAdmin and cannot be banned.");
  }
  if (storage::IsChannelModerator(ctx.db, a.channel.arn, member)) {
    throw Forbidden(member + " is a moderator of channel " + a.channel.arn + " and cannot be banned.");
  }
  if (storage::IsChannelBanned(ctx.db, a.channel.arn, member)) {
    throw Conflict(member + " is already banned from channel " + a.channel.arn + ".");
  }
  storage::BanRecord r;
  r.channel_arn = a.channel.arn;
  r.member_arn = member;
  r.created_by_arn = caller.arn();
  r.created_ms = ctx.now_ms;
  storage::InsertBan(ctx.db, r);
  channel_events::EmitMembershipRemoved(ctx, a.channel.arn, member);
  channels::RemoveMembership(ctx, a.channel, member);  // a ban kicks the member
  return {{"ChannelArn", a.channel.arn}, {"Member", IdentityJson(ctx.db, member)}};
}

json DescribeChannelBan(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "read its bans");
  const std::string member = Str(in, "MemberArn");
  auto r = storage::FindBan(ctx.db, a.channel.arn, member);
  if (!r) throw NotFound(member + " is not banned from channel " + a.channel.arn + ".");
  return {{"ChannelBan",
           {{"Member", IdentityJson(ctx.db, r->member_arn)},
            {"ChannelArn", r->channel_arn},
            {"CreatedTimestamp", EpochSeconds(r->created_ms)},
            {"CreatedBy", IdentityJson(ctx.db, r->created_by_arn)}}}};
}

json ListChannelBans(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "list its bans");
  const std::string scope = "ListChannelBans|" + a.channel.arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListBansPage(ctx.db, a.channel.arn, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = {{"ChannelArn", a.channel.arn}};
  channels::EmitPage(
      out, "ChannelBans", rows, limit, scope,
      [&](const storage::BanRecord& r) { return json{{"Member", IdentityJson(ctx.db, r.member_arn)}}; },
      [](const storage::BanRecord& r) { return PageCursor{0, r.id}; });
  return out;
}

json DeleteChannelBan(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "lift bans");
  const std::string member = Str(in, "MemberArn");
  if (!storage::DeleteBan(ctx.db, a.channel.arn, member)) {
    throw ResourceMissing(ctx, member + " is not banned from channel " + a.channel.arn + ".");
  }
  return json::object();
}

// --- per-user views of moderated channels ----------------------------------

std::string RequireSelfOrAdmin(RequestContext& ctx, const Caller& caller, const json& in) {
  const std::string user = OptStr(in, "AppInstanceUserArn").value_or(caller.arn());
  if (user == caller.arn()) return user;
  if (!caller.is_admin) {
    throw Forbidden("Only an AppInstanceAdmin can read another user's moderated channels; " + caller.arn() +
                    " asked about " + user + ".");
  }
  channels::RequireAppInstancePrincipal(ctx, caller.app_instance_arn(), user, "AppInstanceUserArn");
  return user;
}

json ListChannelsModeratedByAppInstanceUser(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  const std::string user = RequireSelfOrAdmin(ctx, caller, in);
  const std::string scope = "ListChannelsModeratedByAppInstanceUser|" + user;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListChannelsModeratedBy(ctx.db, user, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = json::object();
  using Row = std::pair<storage::ModeratorRecord, storage::ChannelRecord>;
  channels::EmitPage(
      out, "Channels", rows, limit, scope,
      [](const Row& r) { return json{{"ChannelSummary", channels::ChannelSummaryJson(r.second)}}; },
      [](const Row& r) { return PageCursor{0, r.first.id}; });
  return out;
}

json DescribeChannelModeratedByAppInstanceUser(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  const std::string user = RequireSelfOrAdmin(ctx, caller, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  if (!storage::IsChannelModerator(ctx.db, a.channel.arn, user)) {
    throw ResourceMissing(ctx, user + " is not a moderator of channel " + a.channel.arn + ".");
  }
  return {{"Channel", {{"ChannelSummary", channels::ChannelSummaryJson(a.channel)}}}};
}

}  // namespace

void RegisterChannelModerationHandlers(HandlerTable& t) {
  t.Add(Op::kCreateChannelModerator, CreateChannelModerator);
  t.Add(Op::kDescribeChannelModerator, DescribeChannelModerator);
  t.Add(Op::kListChannelModerators, ListChannelModerators);
  t.Add(Op::kDeleteChannelModerator, DeleteChannelModerator);
  t.Add(Op::kCreateChannelBan, CreateChannelBan);
  t.Add(Op::kDescribeChannelBan, DescribeChannelBan);
  t.Add(Op::kListChannelBans, ListChannelBans);
  t.Add(Op::kDeleteChannelBan, DeleteChannelBan);
  t.Add(Op::kListChannelsModeratedByAppInstanceUser, ListChannelsModeratedByAppInstanceUser);
  t.Add(Op::kDescribeChannelModeratedByAppInstanceUser, DescribeChannelModeratedByAppInstanceUser);
}

}  // namespace chime::api
