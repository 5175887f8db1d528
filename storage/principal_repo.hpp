// Reads and writes of app instances, AppInstanceUsers/Bots and admins.
// Call under an open Transaction.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace chime::storage {

std::optional<AppInstanceRecord> FindAppInstance(Database& db, std::string_view arn);
std::optional<PrincipalRecord> FindPrincipal(Database& db, std::string_view arn);
bool IsAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view principal_arn);

}  // namespace chime::storage

namespace chime::storage {

void InsertAppInstance(Database& db, const AppInstanceRecord& r);  // r.id ignored
// Page of app instances with id > after_id, in creation order.
std::vector<AppInstanceRecord> ListAppInstances(Database& db, int64_t after_id, int limit);
// Deletes the app instance and, by cascade, everything in it. False if absent.
bool DeleteAppInstance(Database& db, std::string_view arn);

}  // namespace chime::storage
