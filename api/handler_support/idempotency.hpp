// ClientRequestToken idempotency for create-style operations: the same token
// in the same scope returns the first call's response without creating
// anything; the same token with different parameters is a ConflictException.
// Both the check and the save run inside the handler's write transaction, so
// concurrent duplicates cannot both create (the write lock serialises them).
//
// Scopes (so deleting a container can forget its tokens by prefix):
//   CreateAppInstance|<account id>
//   CreateAppInstanceUser|<app instance arn>     CreateAppInstanceBot|<app instance arn>
//   CreateChannel|<app instance arn>|<bearer>
//   SendChannelMessage|<channel arn>|<bearer>
//   RegisterAppInstanceUserEndpoint|<app instance user arn>
#pragma once

#include <optional>
#include <string>

#include "api/handler.hpp"

namespace chime::api {

// Hash of the input without ClientRequestToken (what "same parameters" means).
std::string RequestHash(const json& input);

// Returns the remembered response for (scope, token), throws ConflictException
// if the token was used with other parameters, nullopt for a new token.
std::optional<json> ReplayIdempotent(RequestContext& ctx, const std::string& scope, const std::string& token,
                                     const std::string& request_hash);
void RememberIdempotent(RequestContext& ctx, const std::string& scope, const std::string& token,
                        const std::string& request_hash, const json& response);

}  // namespace chime::api
