// Deleting a resource with everything that hangs off it, in one place for the
// Delete* handlers, the per-app-instance reset and the expiry sweep:
//   - an app instance: users, bots, admins, channels, memberships, moderators,
//     bans, messages and endpoints (ON DELETE CASCADE), their tags, and the
//     ClientRequestTokens remembered for it and its channels;
//   - a channel: memberships, moderators, bans, messages (cascade), its tags
//     and its SendChannelMessage tokens;
//   - a user or bot: memberships, moderator and admin rows, endpoints
//     (cascade), its bans (no foreign key: a ban outlives a membership), its
//     tags and its endpoint tokens.
// Each returns false when the resource did not exist.
#pragma once

#include <string_view>

#include "storage/database.hpp"

namespace chime::storage {

bool PurgeAppInstance(Database& db, std::string_view app_instance_arn);
bool PurgeChannel(Database& db, std::string_view channel_arn);
// `kind` is "user" or "bot" (a bot ARN given as a user is not found).
bool PurgePrincipal(Database& db, std::string_view arn, std::string_view kind);

}  // namespace chime::storage
