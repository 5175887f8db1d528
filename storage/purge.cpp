#include "storage/purge.hpp"

#include <string>

#include "storage/channel_repo.hpp"
#include "storage/endpoint_repo.hpp"
#include "storage/idempotency_repo.hpp"
#include "storage/principal_repo.hpp"
#include "storage/tag_repo.hpp"

namespace chime::storage {

bool PurgeAppInstance(Database& db, std::string_view app_instance_arn) {
  // Channels go by cascade with the instance: forget their tokens first.
  for (const std::string& channel : ListChannelArnsOfAppInstance(db, app_instance_arn)) {
    ForgetTokensOfContainer(db, channel);
  }
  if (!DeleteAppInstance(db, app_instance_arn)) return false;
  // Tags of the instance and of everything under it (child ARNs all start with "<arn>/").
  RemoveAllTags(db, app_instance_arn);
  RemoveTagsUnder(db, std::string(app_instance_arn) + "/");
  ForgetTokensOfContainer(db, app_instance_arn);
  return true;
}

bool PurgeChannel(Database& db, std::string_view channel_arn) {
  if (!DeleteChannelRow(db, channel_arn)) return false;
  RemoveAllTags(db, channel_arn);
  ForgetTokensOfContainer(db, channel_arn);
  return true;
}

bool PurgePrincipal(Database& db, std::string_view arn, std::string_view kind) {
  if (!DeletePrincipal(db, arn, kind)) return false;
  RemoveAllTags(db, arn);
  DeleteBansOfMember(db, arn);
  if (kind == "user") ForgetEndpointTokens(db, arn);
  return true;
}

}  // namespace chime::storage
