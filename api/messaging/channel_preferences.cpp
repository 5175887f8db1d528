// Per-member channel state and channel expiry (chime-sdk-messaging):
// UpdateChannelReadMarker, Put/GetChannelMembershipPreferences and
// PutChannelExpirationSettings.
//
// Rules (model docs; docs/aws-parity.md "Channels and memberships"; the developer
// guide's permission matrix):
//   read marker: the bearer's own membership only (admins and moderators need
//     one too); not for elastic channels;
//   preferences: only the member itself, never an admin or moderator for
//     someone else; banned members are refused; FILTERED needs a FilterRule;
//   expiration: admins and channel moderators when a bearer is given; without
//     one (the model makes it optional) the account-level caller may set it.
// Expiration is stored and returned by DescribeChannel, not enforced.
#include "api/auth/authorizer.hpp"
#include "api/handler.hpp"
#include "api/messaging/channel_common.hpp"
#include "api/messaging/push_filter_rule.hpp"
#include "storage/channel_repo.hpp"

namespace chime::api {

namespace {

using channels::IdentityJson;

json UpdateChannelReadMarker(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  if (!a.is_member()) {
    throw Forbidden("Only members can update their read marker in channel " + a.channel.arn + "; " + caller.arn() +
                    " has no membership (AppInstanceAdmins and moderators need their own membership too).");
  }
  if (a.channel.is_elastic()) {
    throw BadRequest("UpdateChannelReadMarker is not supported for elastic channel " + a.channel.arn + ".");
  }
  storage::SetReadMarker(ctx.db, a.channel.arn, caller.arn(), ctx.now_ms);
  return {{"ChannelArn", a.channel.arn}};
}

// The bearer's own membership named by MemberArn; everyone else is refused.
storage::MembershipRecord RequireOwnMembership(RequestContext& ctx, const Caller& caller, const ChannelAccess& a,
                                               const std::string& member, const char* action) {
  if (member != caller.arn()) {
    throw Forbidden(std::string("Only the member itself can ") + action + " its membership preferences in channel " +
                    a.channel.arn + "; " + caller.arn() + " asked for " + member +
                    " (AppInstanceAdmins and moderators cannot either).");
  }
  if (a.banned) {
    throw Forbidden("Member " + member + " is banned from channel " + a.channel.arn + " and cannot " + action +
                    " membership preferences there.");
  }
  if (!a.membership) {
    throw ResourceMissing(ctx, "Member " + member + " is not a member of channel " + a.channel.arn + ".");
  }
  return *a.membership;
}

json PreferencesReply(RequestContext& ctx, const std::string& channel_arn, const std::string& member,
                      const std::optional<std::string>& stored) {
  json out = {{"ChannelArn", channel_arn}, {"Member", IdentityJson(ctx.db, member)}};
  if (stored) out["Preferences"] = json::parse(*stored);
  return out;
}

json PutChannelMembershipPreferences(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  const std::string member = Str(in, "MemberArn");
  if (a.channel.is_elastic()) {
    // Elastic channels have no membership preferences (developer guide, "Creating
    // elastic channels"), as they have no read markers or HIDDEN members.
    throw BadRequest("Elastic channel " + a.channel.arn + " does not support channel membership preferences.");
  }
  RequireOwnMembership(ctx, caller, a, member, "set");

  // Keep only modeled members (the validator already checked their types).
  json prefs = json::object();
  const json& given = in.at("Preferences");
  if (auto pn = given.find("PushNotifications"); pn != given.end() && pn->is_object()) {
    const std::string allow = pn->value("AllowNotifications", std::string());
    json push = {{"AllowNotifications", allow}};
    if (auto fr = pn->find("FilterRule"); fr != pn->end() && fr->is_string()) {
      const std::string rule = fr->get<std::string>();
      push::ParseFilterRule(rule);  // the guide's shapes and limits, or BadRequest
      push["FilterRule"] = rule;
    } else if (allow == "FILTERED") {
      throw BadRequest("Preferences.PushNotifications.FilterRule is required when AllowNotifications is FILTERED.");
    }
    prefs["PushNotifications"] = std::move(push);
  }
  const std::string text = prefs.dump();
  storage::SetMembershipPreferences(ctx.db, a.channel.arn, member, text);
  return PreferencesReply(ctx, a.channel.arn, member, text);
}

json GetChannelMembershipPreferences(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  const std::string member = Str(in, "MemberArn");
  auto m = RequireOwnMembership(ctx, caller, a, member, "get");
  return PreferencesReply(ctx, a.channel.arn, member, m.preferences);
}

json PutChannelExpirationSettings(RequestContext& ctx, const json& in) {
  const std::string channel_arn = Str(in, "ChannelArn");
  storage::ChannelRecord channel;
  if (Has(in, "ChimeBearer")) {
    Caller caller = BearerOf(ctx, in);
    ChannelAccess a = LoadChannelAccess(ctx, caller, channel_arn);
    channels::RequireModerator(caller, a, "set its expiration settings");
    channel = a.channel;
  } else {
    auto c = storage::FindChannel(ctx.db, channel_arn);
    if (!c) throw ResourceMissing(ctx, "Channel " + channel_arn + " does not exist.");
    channel = *c;
  }
  std::optional<int64_t> days;
  std::optional<std::string> criterion;
  if (auto it = in.find("ExpirationSettings"); it != in.end() && it->is_object()) {
    days = it->value("ExpirationDays", int64_t{0});
    criterion = it->value("ExpirationCriterion", std::string());
  }
  storage::SetChannelExpiration(ctx.db, channel.arn, days, criterion, ctx.now_ms);
  json out = {{"ChannelArn", channel.arn}};
  if (days) out["ExpirationSettings"] = {{"ExpirationDays", *days}, {"ExpirationCriterion", *criterion}};
  return out;
}

}  // namespace

void RegisterChannelPreferenceHandlers(HandlerTable& t) {
  t.Add(Op::kUpdateChannelReadMarker, UpdateChannelReadMarker);
  t.Add(Op::kPutChannelMembershipPreferences, PutChannelMembershipPreferences);
  t.Add(Op::kGetChannelMembershipPreferences, GetChannelMembershipPreferences);
  t.Add(Op::kPutChannelExpirationSettings, PutChannelExpirationSettings);
}

}  // namespace chime::api
