// Channel memberships (chime-sdk-messaging): Create/BatchCreate/Describe/
// List/DeleteChannelMembership and the per-user views
// (ListChannelMembershipsForAppInstanceUser, DescribeChannelMembershipForAppInstanceUser).
//
// Who may add (model doc of ChannelMode; docs/aws-parity.md "Channels and memberships"):
//   admins and channel moderators: always, DEFAULT or HIDDEN;
//   members: UNRESTRICTED channels only, DEFAULT only;
//   non-members: only themselves, DEFAULT, to a PUBLIC channel.
// Adding an existing member (any Type, the channel's creator included) is
// ConflictException, as on the real service; in a batch that member gets an
// Errors entry with ErrorCode Conflict. A banned member -> ForbiddenException. The member must be a user or bot of the
// channel's app instance (otherwise NotFoundException, which the model lists).
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

// A user or bot adding only itself, as a DEFAULT member, to a PUBLIC channel
// (developer guide, "Amazon Chime SDK messaging concepts": "Channels can be
// public, which allows any user to add themselves as a member, or private,
// which allows only channel moderators to add members"). RESTRICTED or not,
// elastic included; a ban still refuses it (channels::AddMembership).
bool JoinsPublicChannelItself(const Caller& caller, const ChannelAccess& a, const std::string& type,
                              const std::vector<std::string>& members) {
  return a.channel.privacy == "PUBLIC" && type == "DEFAULT" && members.size() == 1 &&
         members.front() == caller.arn();
}

// The role check shared by single and batch creation.
void RequireCanAddMembers(const Caller& caller, const ChannelAccess& a, const std::string& type,
                          const std::vector<std::string>& members) {
  if (a.can_moderate()) return;
  if (!a.is_member() && JoinsPublicChannelItself(caller, a, type, members)) return;
  if (!a.is_member()) {
    throw Forbidden("Only members, moderators and AppInstanceAdmins can add members to channel " + a.channel.arn +
                    "; " + caller.arn() + " is not a member" +
                    (a.channel.privacy == "PUBLIC" ? " (it may add only itself, as a DEFAULT member)." : "."));
  }
  if (a.channel.mode == "RESTRICTED") {
    throw Forbidden("Channel " + a.channel.arn +
                    " is RESTRICTED: only AppInstanceAdmins and moderators can add members.");
  }
  if (type == "HIDDEN") {
    throw Forbidden("Only AppInstanceAdmins and moderators can create HIDDEN memberships in channel " +
                    a.channel.arn + ".");
  }
}

json CreateChannelMembership(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  const std::string type = OptStr(in, "Type").value_or("DEFAULT");
  const std::string member = Str(in, "MemberArn");
  RequireCanAddMembers(caller, a, type, {member});
  channels::RequireAppInstancePrincipal(ctx, a.channel.app_instance_arn, member, "MemberArn");
  auto m = channels::AddMembership(ctx, a.channel, caller.arn(), member, type, OptStr(in, "SubChannelId"));
  if (ctx.outbox.events_wanted()) {
    const std::string sub = m.sub_channel_id.value_or("");
    channel_events::Emit(ctx, "CREATE_CHANNEL_MEMBERSHIP", a.channel.arn, sub, channels::MembershipJson(ctx.db, m),
                         channel_events::Members(ctx, a.channel.arn, sub));
  }
  json out = {{"ChannelArn", a.channel.arn}, {"Member", IdentityJson(ctx.db, member)}};
  if (m.sub_channel_id) out["SubChannelId"] = *m.sub_channel_id;
  return out;
}

// ErrorCode enum value for a per-member failure.
const char* BatchErrorCode(ErrorType t) {
  switch (t) {
    case ErrorType::kBadRequest: return "BadRequest";
    case ErrorType::kConflict: return "Conflict";
    case ErrorType::kForbidden: return "Forbidden";
    case ErrorType::kNotFound: return "NotFound";
    case ErrorType::kResourceLimitExceeded: return "ResourceLimitExceeded";
    case ErrorType::kUnauthorizedClient: return "Unauthorized";
    case ErrorType::kThrottledClient: return "Throttled";
    case ErrorType::kServiceUnavailable: return "ServiceUnavailable";
    default: return "ServiceFailure";
  }
}

json BatchCreateChannelMembership(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  const std::string type = OptStr(in, "Type").value_or("DEFAULT");
  std::vector<std::string> member_arns;
  for (const auto& v : in.value("MemberArns", json::array())) member_arns.push_back(v.get<std::string>());
  RequireCanAddMembers(caller, a, type, member_arns);
  const auto sub = OptStr(in, "SubChannelId");

  json members = json::array();
  json errors = json::array();
  std::optional<std::string> batch_sub;
  std::vector<storage::MembershipRecord> added;
  for (const auto& v : in.value("MemberArns", json::array())) {
    const std::string member = v.get<std::string>();
    try {
      auto p = storage::FindPrincipal(ctx.db, member);
      if (!p || p->app_instance_arn != a.channel.app_instance_arn) {
        throw NotFound("MemberArn " + member + " is not an AppInstanceUser or AppInstanceBot of AppInstance " +
                       a.channel.app_instance_arn + ".");
      }
      auto m = channels::AddMembership(ctx, a.channel, caller.arn(), member, type, sub);
      if (!batch_sub && m.sub_channel_id) batch_sub = m.sub_channel_id;
      if (a.channel.is_elastic() && ctx.outbox.events_wanted()) {
        // Elastic channels have no batch event: one CREATE_CHANNEL_MEMBERSHIP each (developer
        // guide), sent as each joins, so a later SCALE_OUT's UPDATE_CHANNEL_MEMBERSHIP follows it.
        const std::string msub = m.sub_channel_id.value_or("");
        channel_events::Emit(ctx, "CREATE_CHANNEL_MEMBERSHIP", a.channel.arn, msub,
                             channels::MembershipJson(ctx.db, m), channel_events::Members(ctx, a.channel.arn, msub));
      }
      added.push_back(m);
      members.push_back(IdentityJson(ctx.db, member));
    } catch (const ApiError& e) {
      errors.push_back({{"MemberArn", member}, {"ErrorCode", BatchErrorCode(e.type())}, {"ErrorMessage", e.what()}});
    }
  }
  json batch = {{"InvitedBy", IdentityJson(ctx.db, caller.arn())},
                {"Type", type},
                {"Members", std::move(members)},
                {"ChannelArn", a.channel.arn}};
  if (sub) batch["SubChannelId"] = *sub;
  else if (batch_sub) batch["SubChannelId"] = *batch_sub;
  if (ctx.outbox.events_wanted() && !added.empty() && !a.channel.is_elastic()) {
    channel_events::Emit(ctx, "BATCH_CREATE_CHANNEL_MEMBERSHIP", a.channel.arn, "", batch,
                         channel_events::Members(ctx, a.channel.arn, ""));
  }
  json out = {{"BatchChannelMemberships", std::move(batch)}};
  if (!errors.empty()) out["Errors"] = std::move(errors);
  return out;
}

json DescribeChannelMembership(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireReadable(a, "read its memberships");
  const std::string member = Str(in, "MemberArn");
  auto m = storage::FindMembership(ctx.db, a.channel.arn, member);
  if (!m) throw NotFound("Member " + member + " is not a member of channel " + a.channel.arn + ".");
  if (auto sub = OptStr(in, "SubChannelId")) {
    // A moderator may be a member of several sub-channels: describe the one named.
    m = storage::FindMembershipIn(ctx.db, a.channel.arn, member, *sub);
    if (!m) {
      throw NotFound("Member " + member + " is not a member of SubChannel " + *sub + " of channel " + a.channel.arn +
                     ".");
    }
  }
  return {{"ChannelMembership", channels::MembershipJson(ctx.db, *m)}};
}

json ListChannelMemberships(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireReadable(a, "list its memberships");
  // No Type filter lists DEFAULT members only; HIDDEN lists the hidden ones.
  const std::string type = OptStr(in, "Type").value_or("DEFAULT");
  const std::string sub = OptStr(in, "SubChannelId").value_or("");
  const std::string scope = "ListChannelMemberships|" + a.channel.arn + "|" + type + "|" + sub;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListMembershipsPage(ctx.db, a.channel.arn, type, sub, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = {{"ChannelArn", a.channel.arn}};
  channels::EmitPage(
      out, "ChannelMemberships", rows, limit, scope,
      [&](const storage::MembershipRecord& m) { return json{{"Member", IdentityJson(ctx.db, m.member_arn)}}; },
      [](const storage::MembershipRecord& m) { return PageCursor{0, m.id}; });
  return out;
}

json DeleteChannelMembership(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  const std::string member = Str(in, "MemberArn");
  if (member != caller.arn() && !a.can_moderate()) {
    throw Forbidden("Only AppInstanceAdmins and moderators can remove other members from channel " + a.channel.arn +
                    "; a member can only remove itself.");
  }
  const auto sub = OptStr(in, "SubChannelId");
  if (sub) {
    // Developer guide, "Managing elastic channel members": the service places regular
    // members, so only a moderator's membership is named by its sub-channel; without
    // SubChannelId a moderator leaves every sub-channel it is a member of.
    if (!a.channel.is_elastic())
      throw BadRequest("SubChannelId applies only to elastic channels; " + a.channel.arn + " is not elastic.");
    if (!storage::IsChannelModerator(ctx.db, a.channel.arn, member)) {
      throw BadRequest("SubChannelId can only be given for a moderator; the service manages the SubChannel of "
                       "regular member " + member + ".");
    }
    if (!storage::FindMembershipIn(ctx.db, a.channel.arn, member, *sub)) {
      throw ResourceMissing(ctx, "Moderator " + member + " is not a member of SubChannel " + *sub + " of channel " +
                                     a.channel.arn + ".");
    }
  }
  channel_events::EmitMembershipRemoved(ctx, a.channel.arn, member, sub);
  if (!channels::RemoveMembership(ctx, a.channel, member, sub)) {
    throw ResourceMissing(ctx, "Member " + member + " is not a member of channel " + a.channel.arn + ".");
  }
  return json::object();
}

// The bearer itself, or anyone of its app instance when the bearer is an admin.
std::string RequireSelfOrAdmin(RequestContext& ctx, const Caller& caller, const json& in) {
  const std::string user = OptStr(in, "AppInstanceUserArn").value_or(caller.arn());
  if (user == caller.arn()) return user;
  if (!caller.is_admin) {
    throw Forbidden("Only an AppInstanceAdmin can read another user's channels; " + caller.arn() +
                    " asked about " + user + ".");
  }
  channels::RequireAppInstancePrincipal(ctx, caller.app_instance_arn(), user, "AppInstanceUserArn");
  return user;
}

json MembershipSummaryJson(const storage::MembershipRecord& m, const storage::ChannelRecord& c) {
  json s = {{"Type", m.type}};
  if (m.read_marker_ms) s["ReadMarkerTimestamp"] = EpochSeconds(*m.read_marker_ms);
  if (m.sub_channel_id) s["SubChannelId"] = *m.sub_channel_id;
  return {{"ChannelSummary", channels::ChannelSummaryJson(c)}, {"AppInstanceUserMembershipSummary", s}};
}

json ListChannelMembershipsForAppInstanceUser(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  const std::string user = RequireSelfOrAdmin(ctx, caller, in);
  const std::string scope = "ListChannelMembershipsForAppInstanceUser|" + user;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListMembershipsOfMember(ctx.db, user, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = json::object();
  using Row = std::pair<storage::MembershipRecord, storage::ChannelRecord>;
  channels::EmitPage(
      out, "ChannelMemberships", rows, limit, scope,
      [](const Row& r) { return MembershipSummaryJson(r.first, r.second); },
      [](const Row& r) { return PageCursor{0, r.first.id}; });
  return out;
}

json DescribeChannelMembershipForAppInstanceUser(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  const std::string user = RequireSelfOrAdmin(ctx, caller, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  auto m = storage::FindMembership(ctx.db, a.channel.arn, user);
  if (!m) throw ResourceMissing(ctx, "User " + user + " is not a member of channel " + a.channel.arn + ".");
  return {{"ChannelMembership", MembershipSummaryJson(*m, a.channel)}};
}

}  // namespace

void RegisterChannelMembershipHandlers(HandlerTable& t) {
  t.Add(Op::kCreateChannelMembership, CreateChannelMembership);
  t.Add(Op::kBatchCreateChannelMembership, BatchCreateChannelMembership);
  t.Add(Op::kDescribeChannelMembership, DescribeChannelMembership);
  t.Add(Op::kListChannelMemberships, ListChannelMemberships);
  t.Add(Op::kDeleteChannelMembership, DeleteChannelMembership);
  t.Add(Op::kListChannelMembershipsForAppInstanceUser, ListChannelMembershipsForAppInstanceUser);
  t.Add(Op::kDescribeChannelMembershipForAppInstanceUser, DescribeChannelMembershipForAppInstanceUser);
}

}  // namespace chime::api
