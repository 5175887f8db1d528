#include "api/auth/authorizer.hpp"

#include "api/common/arn.hpp"
#include "api/common/expiry.hpp"
#include "storage/channel_repo.hpp"
#include "storage/principal_repo.hpp"

namespace chime::api {

namespace {
constexpr char kInvalidBearer[] =
    "An invalid app instance user ARN was supplied for the x-amz-chime-bearer HTTP header.";
}

Caller AuthenticateBearer(RequestContext& ctx, const std::string& bearer_arn) {
  auto parsed = ParseChimeArn(bearer_arn);
  if (!parsed || (parsed->kind != "user" && parsed->kind != "bot")) throw UnauthorizedClient(kInvalidBearer);
  auto principal = storage::FindPrincipalWithAdmin(ctx.db, bearer_arn);
  // An expired user is gone even before the sweep deletes it (api/common/expiry.hpp).
  if (!principal || PrincipalExpired(principal->first, ctx.now_ms)) throw UnauthorizedClient(kInvalidBearer);
  Caller c;
  c.is_admin = principal->second;
  c.principal = std::move(principal->first);
  return c;
}

Caller BearerOf(RequestContext& ctx, const json& input) { return AuthenticateBearer(ctx, Str(input, "ChimeBearer")); }

ApiError ResourceMissing(const RequestContext& ctx, std::string message) {
  if (ctx.op.Models(ErrorType::kNotFound)) return NotFound(std::move(message));
  return Forbidden(std::move(message));
}

void RequireSameAppInstance(const Caller& caller, std::string_view app_instance_arn, std::string_view what) {
  if (caller.app_instance_arn() != app_instance_arn) {
    throw Forbidden("The x-amz-chime-bearer " + caller.arn() + " does not belong to the AppInstance of " +
                    std::string(what));
  }
}

ChannelAccess LoadChannelAccess(RequestContext& ctx, const Caller& caller, const std::string& channel_arn) {
  auto role = storage::FindChannelRole(ctx.db, channel_arn, caller.arn());
  if (!role || ChannelExpired(role->channel, ctx.now_ms)) {
    throw ResourceMissing(ctx, "Channel " + channel_arn + " does not exist.");
  }
  RequireSameAppInstance(caller, role->channel.app_instance_arn, "channel " + channel_arn);
  ChannelAccess a;
  a.membership = std::move(role->membership);
  a.moderator = role->moderator;
  a.banned = role->banned;
  a.admin = caller.is_admin;
  a.channel = std::move(role->channel);
  return a;
}

}  // namespace chime::api
