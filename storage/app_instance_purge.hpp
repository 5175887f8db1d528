// Deletes an app instance with everything under it: users, bots, admins,
// channels, memberships, moderators, bans, messages and endpoints (by
// ON DELETE CASCADE), their tags, and the ClientRequestTokens remembered for
// it and its channels. Used by DeleteAppInstance and by the per-app-instance
// reset (/_chime-local/reset?appInstanceArn=...). Returns false if it did not exist.
#pragma once

#include <string_view>

#include "storage/database.hpp"

namespace chime::storage {

bool PurgeAppInstance(Database& db, std::string_view app_instance_arn);

}  // namespace chime::storage
