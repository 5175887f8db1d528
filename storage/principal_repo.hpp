// Reads and writes of app instances, AppInstanceUsers/Bots and admins.
// Call under an open Transaction.
#pragma once

#include <optional>
#include <utility>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace chime::storage {

std::optional<AppInstanceRecord> FindAppInstance(Database& db, std::string_view arn);
std::optional<PrincipalRecord> FindPrincipal(Database& db, std::string_view arn);
// The principal and whether it is an AppInstanceAdmin of its app instance.
std::optional<std::pair<PrincipalRecord, bool>> FindPrincipalWithAdmin(Database& db, std::string_view arn);
bool IsAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view principal_arn);

}  // namespace chime::storage

namespace chime::storage {

void InsertAppInstance(Database& db, const AppInstanceRecord& r);  // r.id ignored
// Page of the app instances whose ARN starts with `arn_prefix` (one account
// and region) with id > after_id, in creation order.
std::vector<AppInstanceRecord> ListAppInstances(Database& db, std::string_view arn_prefix, int64_t after_id,
                                                int limit);
bool UpdateAppInstance(Database& db, std::string_view arn, std::string_view name, std::string_view metadata,
                       int64_t now_ms);  // false if absent
// Deletes the app instance and, by cascade, everything in it. False if absent.
bool DeleteAppInstance(Database& db, std::string_view arn);

}  // namespace chime::storage

// AppInstanceUsers and AppInstanceBots (the principals table, kind "user"/"bot")
// and the AppInstanceAdmin role.
namespace chime::storage {

// Throws ConstraintError if the ARN exists or the app instance does not.
void InsertPrincipal(Database& db, const PrincipalRecord& r);  // r.id ignored
// Page of principals of one kind ("user"/"bot") in an app instance, id > after_id, creation order.
std::vector<PrincipalRecord> ListPrincipals(Database& db, std::string_view app_instance_arn, std::string_view kind,
                                            int64_t after_id, int limit);
// Sets name, metadata and (when given) configuration. False if there is no such principal of that kind.
bool UpdatePrincipal(Database& db, std::string_view arn, std::string_view kind,
                     const std::optional<std::string>& name, const std::optional<std::string>& metadata,
                     const std::optional<std::string>& configuration, int64_t updated_ms);
// Sets (or, with nullopt, clears) a user's ExpirationSettings. False if there is no such user.
bool SetUserExpiration(Database& db, std::string_view arn, const std::optional<int64_t>& days,
                       const std::optional<std::string>& criterion);
// Deletes a principal of that kind; memberships, moderator and admin rows go by FK cascade.
bool DeletePrincipal(Database& db, std::string_view arn, std::string_view kind);

struct AppInstanceAdminRecord {
  int64_t id = 0;
  std::string app_instance_arn;
  std::string admin_arn;
  std::optional<std::string> admin_name;  // the principal's name (joined)
  int64_t created_ms = 0;
};

// False (and nothing changes) if the principal is already an admin of the app instance.
bool InsertAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view admin_arn,
                            int64_t created_ms);
std::optional<AppInstanceAdminRecord> FindAppInstanceAdmin(Database& db, std::string_view app_instance_arn,
                                                           std::string_view admin_arn);
// Page of admins with row id > after_id, in promotion order.
std::vector<AppInstanceAdminRecord> ListAppInstanceAdmins(Database& db, std::string_view app_instance_arn,
                                                          int64_t after_id, int limit);
bool DeleteAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view admin_arn);

}  // namespace chime::storage
