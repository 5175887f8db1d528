// Channels (chime-sdk-messaging): Create/Describe/List/Update/DeleteChannel
// and ListSubChannels. Roles (docs/aws-parity.md, "Identity and authorization";
// the developer guide's permission matrix): any user or bot of the
// app instance creates; admins and channel moderators update and delete;
// PRIVATE channels are visible only to members, moderators and admins.
// The creator (the ChimeBearer) becomes a moderator and, on a standard channel,
// a DEFAULT member, as on the real service (docs/aws-parity.md, "Channels and memberships"):
// apps send right after CreateChannel. On an elastic channel members live in
// SubChannels the service assigns, so the creator is a moderator only.
#include <set>

#include "api/auth/authorizer.hpp"
#include "api/common/arn.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler_support/resources.hpp"
#include "api/handler.hpp"
#include "api/messaging/messaging_session.hpp"
#include "api/messaging/channel_common.hpp"
#include "api/messaging/channel_events.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"
#include "storage/purge.hpp"
#include "storage/idempotency_repo.hpp"
#include "storage/tag_repo.hpp"

namespace chime::api {

namespace {

using channels::ChannelJson;
using channels::ChannelSummaryJson;
using channels::RequireAppInstancePrincipal;

std::vector<std::string> ArnList(const json& in, const char* member) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  if (auto it = in.find(member); it != in.end() && it->is_array()) {
    for (const auto& v : *it)
      if (v.is_string() && seen.insert(v.get<std::string>()).second) out.push_back(v.get<std::string>());
  }
  return out;
}

json CreateChannel(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireSameAppInstance(caller, app_arn, "AppInstanceArn " + app_arn);

  const std::string token = Str(in, "ClientRequestToken");
  const std::string scope = "CreateChannel|" + app_arn + "|" + caller.arn();
  const std::string& hash = ctx.input_hash;
  if (auto replay = ReplayIdempotent(ctx, scope, token, hash)) return *replay;

  storage::ChannelRecord c;
  const auto channel_id = OptStr(in, "ChannelId");
  c.arn = ChildArn(app_arn, "channel", channel_id ? *channel_id : NewUuid());
  if (storage::FindChannel(ctx.db, c.arn)) {
    throw Conflict("A channel with ChannelId " + channel_id.value_or("") + " already exists: " + c.arn);
  }
  c.app_instance_arn = app_arn;
  c.name = Str(in, "Name");
  c.mode = OptStr(in, "Mode").value_or("UNRESTRICTED");
  c.privacy = OptStr(in, "Privacy").value_or("PUBLIC");
  c.metadata = OptStr(in, "Metadata");
  c.created_by_arn = caller.arn();
  c.created_ms = c.updated_ms = ctx.now_ms;
  if (auto it = in.find("ElasticChannelConfiguration"); it != in.end() && it->is_object()) {
    c.elastic_max_sub_channels = it->value("MaximumSubChannels", int64_t{0});
    c.elastic_target_memberships = it->value("TargetMembershipsPerSubChannel", int64_t{0});
    c.elastic_min_membership_pct = it->value("MinimumMembershipPercentage", int64_t{0});
  }
  if (auto it = in.find("ExpirationSettings"); it != in.end() && it->is_object()) {
    c.expiration_days = it->value("ExpirationDays", int64_t{0});
    c.expiration_criterion = it->value("ExpirationCriterion", std::string());
  }

  // Every named member and moderator must be a user or bot of this instance.
  const auto members = ArnList(in, "MemberArns");
  if (c.is_elastic()) {
    // Developer guide, "Creating elastic channels": no member ARNs in CreateChannel
    // (moderator ARNs are fine), and no UNRESTRICTED elastic channel.
    if (!members.empty()) {
      throw BadRequest("An elastic channel cannot be created with MemberArns: add members with "
                       "CreateChannelMembership (ModeratorArns are allowed).");
    }
    if (c.mode != "RESTRICTED") {
      throw BadRequest("An elastic channel must be RESTRICTED: pass Mode RESTRICTED (" +
                       std::string(OptStr(in, "Mode") ? "UNRESTRICTED was given" : "the default Mode is UNRESTRICTED") +
                       ").");
    }
  }
  const auto moderators = ArnList(in, "ModeratorArns");
  for (const auto& m : members) RequireAppInstancePrincipal(ctx, app_arn, m, "MemberArns entry");
  for (const auto& m : moderators) RequireAppInstancePrincipal(ctx, app_arn, m, "ModeratorArns entry");

  storage::InsertChannel(ctx.db, c);
  // Moderators first: in an elastic channel a moderator is not placed in a
  // SubChannel by the service, so a MemberArns entry that is also a moderator
  // is skipped there (it needs CreateChannelMembership with a SubChannelId).
  std::set<std::string> mods(moderators.begin(), moderators.end());
  mods.insert(caller.arn());
  for (const auto& m : mods) {
    storage::ModeratorRecord r;
    r.channel_arn = c.arn;
    r.moderator_arn = m;
    r.created_by_arn = caller.arn();
    r.created_ms = ctx.now_ms;
    storage::InsertModerator(ctx.db, r);
  }
  // The creator's own membership comes first (standard channels only); naming
  // the creator in MemberArns as well adds nothing more.
  if (!c.is_elastic()) channels::AddMembership(ctx, c, caller.arn(), caller.arn(), "DEFAULT", std::nullopt);
  for (const auto& m : members) {
    if (m == caller.arn() || (c.is_elastic() && mods.count(m))) continue;
    channels::AddMembership(ctx, c, caller.arn(), m, "DEFAULT", std::nullopt);
  }

  storage::PutTags(ctx.db, c.arn, TagsFromInput(in));
  if (ctx.outbox.events_wanted()) {
    channel_events::Emit(ctx, "CREATE_CHANNEL", c.arn, "", ChannelJson(ctx.db, c), channel_events::Members(ctx, c.arn, ""));
  }

  json out = {{"ChannelArn", c.arn}};
  RememberIdempotent(ctx, scope, token, hash, out);
  return out;
}

json DescribeChannel(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireReadable(a, "describe it");
  return {{"Channel", ChannelJson(ctx.db, a.channel)}};
}

json ListChannels(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireSameAppInstance(caller, app_arn, "AppInstanceArn " + app_arn);
  std::string privacy = OptStr(in, "Privacy").value_or("");
  if (privacy == "PRIVATE" && !caller.is_admin) {
    throw Forbidden("Only an AppInstanceAdmin can list PRIVATE channels; " + caller.arn() + " is not an admin of " +
                    app_arn + ".");
  }
  // No filter: an admin sees every channel, anyone else the PUBLIC ones.
  if (privacy.empty() && !caller.is_admin) privacy = "PUBLIC";
  const std::string scope = "ListChannels|" + app_arn + "|" + (privacy.empty() ? "ALL" : privacy);
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListChannelsPage(ctx.db, app_arn, privacy, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = json::object();
  channels::EmitPage(out, "Channels", rows, limit, scope, ChannelSummaryJson,
                     [](const storage::ChannelRecord& r) { return PageCursor{0, r.id}; });
  return out;
}

json UpdateChannel(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "update it");
  storage::UpdateChannelAttributes(ctx.db, a.channel.arn, OptStr(in, "Name"), OptStr(in, "Mode"),
                                   OptStr(in, "Metadata"), ctx.now_ms);
  if (ctx.outbox.events_wanted()) {
    if (auto updated = storage::FindChannel(ctx.db, a.channel.arn)) {
      channel_events::Emit(ctx, "UPDATE_CHANNEL", a.channel.arn, "", ChannelJson(ctx.db, *updated),
                           channel_events::Members(ctx, a.channel.arn, ""));
    }
  }
  return {{"ChannelArn", a.channel.arn}};
}

json DeleteChannel(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "delete it");
  // Read before the delete: the members it removes still get DELETE_CHANNEL.
  if (ctx.outbox.events_wanted()) {
    channel_events::Emit(ctx, "DELETE_CHANNEL", a.channel.arn, "", ChannelJson(ctx.db, a.channel),
                         channel_events::Members(ctx, a.channel.arn, ""));
  }
  // Memberships, moderators, bans and messages go by ON DELETE CASCADE; its
  // tags and tokens with it (storage/purge.hpp).
  storage::PurgeChannel(ctx.db, a.channel.arn);
  return json::object();
}

json ListSubChannels(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "list its SubChannels");
  if (!a.channel.is_elastic()) throw BadRequest("Channel " + a.channel.arn + " is not an elastic channel.");
  const std::string scope = "ListSubChannels|" + a.channel.arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  // Sub-channel ids are "1".."MaximumSubChannels"; page by that number.
  std::vector<storage::SubChannelCount> rows;
  for (auto& sc : storage::CountSubChannelMembers(ctx.db, a.channel.arn)) {
    int64_t n = std::atoll(sc.sub_channel_id.c_str());
    if (!cursor || n > cursor->key) rows.push_back(std::move(sc));
  }
  if (rows.size() > static_cast<size_t>(limit) + 1) rows.resize(limit + 1);
  json out = {{"ChannelArn", a.channel.arn}};
  channels::EmitPage(
      out, "SubChannels", rows, limit, scope,
      [](const storage::SubChannelCount& sc) {
        return json{{"SubChannelId", sc.sub_channel_id}, {"MembershipCount", sc.members}};
      },
      [](const storage::SubChannelCount& sc) { return PageCursor{std::atoll(sc.sub_channel_id.c_str()), 0}; });
  return out;
}

}  // namespace

void RegisterChannelHandlers(HandlerTable& t) {
  t.Add(Op::kCreateChannel, CreateChannel);
  t.Add(Op::kGetMessagingSessionEndpoint, GetMessagingSessionEndpoint);  // api/messaging/messaging_session.cpp
  t.Add(Op::kDescribeChannel, DescribeChannel);
  t.Add(Op::kListChannels, ListChannels);
  t.Add(Op::kUpdateChannel, UpdateChannel);
  t.Add(Op::kDeleteChannel, DeleteChannel);
  t.Add(Op::kListSubChannels, ListSubChannels);
  // Channel flows and streaming configurations (channel_flows.cpp,
  // streaming_configurations.cpp): registered here so the dispatcher's list
  // of resource files stays as it is.
  RegisterChannelFlowHandlers(t);
  RegisterStreamingConfigurationHandlers(t);
}

}  // namespace chime::api
