// Chime ARNs: arn:aws:chime:REGION:ACCOUNT:app-instance/ID[/KIND/ID], where
// KIND is user, bot, channel or channel-flow. User ids may contain ':', so the
// ARN is split on ':' only up to the fifth field.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/service_config.hpp"

namespace chime::api {

struct ChimeArn {
  std::string app_instance_arn;  // arn:aws:chime:R:A:app-instance/ID
  std::string app_instance_id;
  std::string kind;  // "" for the app instance itself, else user|bot|channel|channel-flow
  std::string id;    // the id after KIND/
};

std::optional<ChimeArn> ParseChimeArn(std::string_view arn);

// The REGION and ACCOUNT fields of an ARN ("arn:PARTITION:SERVICE:REGION:ACCOUNT:..."),
// each "" when the ARN has fewer fields.
struct ArnScope {
  std::string region;
  std::string account;
};
ArnScope ScopeOfArn(std::string_view arn);

std::string AppInstanceArn(const ServiceConfig& c, std::string_view app_instance_id);
inline std::string ChildArn(std::string_view app_instance_arn, std::string_view kind, std::string_view id) {
  return std::string(app_instance_arn) + "/" + std::string(kind) + "/" + std::string(id);
}

}  // namespace chime::api
