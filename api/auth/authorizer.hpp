// Authorization: who the x-amz-chime-bearer is, and what role it has in a
// channel (admin, moderator, member, hidden member, banned, non-member).
// Handlers decide what each role may do (docs/aws-parity.md "Identity and
// authorization", and the developer guide's permission matrix); this file only
// establishes the facts and the shared refusals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/handler.hpp"
#include "storage/records.hpp"

namespace chime::api {

struct Caller {
  storage::PrincipalRecord principal;  // the AppInstanceUser or AppInstanceBot
  bool is_admin = false;               // AppInstanceAdmin of its app instance
  const std::string& arn() const { return principal.arn; }
  const std::string& app_instance_arn() const { return principal.app_instance_arn; }
};

// Resolves the bearer ARN. Throws UnauthorizedClientException when it is not
// the ARN of an existing AppInstanceUser or AppInstanceBot (the real service's
// message). A missing header never gets here: validation requires it.
Caller AuthenticateBearer(RequestContext& ctx, const std::string& bearer_arn);

// The error for a resource that does not exist: NotFoundException where the
// operation's model lists it, otherwise ForbiddenException (docs/aws-parity.md,
// "Behaviour choices").
ApiError ResourceMissing(const RequestContext& ctx, std::string message);

// Throws ForbiddenException unless `app_instance_arn` is the caller's.
void RequireSameAppInstance(const Caller& caller, std::string_view app_instance_arn, std::string_view what);

struct ChannelAccess {
  storage::ChannelRecord channel;
  std::optional<storage::MembershipRecord> membership;
  bool moderator = false;
  bool banned = false;
  bool admin = false;

  bool is_member() const { return membership.has_value(); }
  bool is_hidden_member() const { return membership && membership->type == "HIDDEN"; }
  bool can_moderate() const { return admin || moderator; }
  bool is_public() const { return channel.privacy == "PUBLIC"; }
};

// Loads a channel and the caller's role in it. Throws ResourceMissing() for an
// unknown channel and ForbiddenException for a channel of another app instance.
ChannelAccess LoadChannelAccess(RequestContext& ctx, const Caller& caller, const std::string& channel_arn);

// Convenience: AuthenticateBearer(input["ChimeBearer"]).
Caller BearerOf(RequestContext& ctx, const json& input);

}  // namespace chime::api
