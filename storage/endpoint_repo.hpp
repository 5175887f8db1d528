// Push-notification endpoints of AppInstanceUsers (table
// app_instance_user_endpoints, schema v2). Rows go with their user by FK
// cascade. Call under an open Transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace chime::storage {

struct EndpointRecord {
  int64_t id = 0;  // row id: registration order, the pagination key
  std::string user_arn;
  std::string endpoint_id;
  std::optional<std::string> name;
  std::string type;  // APNS | APNS_SANDBOX | GCM
  std::string resource_arn;
  std::string device_token;
  std::optional<std::string> voip_device_token;
  std::string allow_messages;  // ALL | NONE
  std::string status;          // ACTIVE | INACTIVE
  std::optional<std::string> status_reason;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// Throws ConstraintError if (user_arn, endpoint_id) exists or the user does not.
void InsertEndpoint(Database& db, const EndpointRecord& r);  // r.id ignored
std::optional<EndpointRecord> FindEndpoint(Database& db, std::string_view user_arn, std::string_view endpoint_id);
// The user's endpoint of that type and Pinpoint app with that device token, if any.
std::optional<EndpointRecord> FindEndpointByDevice(Database& db, std::string_view user_arn, std::string_view type,
                                                   std::string_view resource_arn, std::string_view device_token);
int64_t CountEndpoints(Database& db, std::string_view user_arn);
// Page of the user's endpoints with id > after_id, in registration order.
std::vector<EndpointRecord> ListEndpoints(Database& db, std::string_view user_arn, int64_t after_id, int limit);
// Sets name and/or allow_messages (nullopt keeps the current value). False if absent.
bool UpdateEndpoint(Database& db, std::string_view user_arn, std::string_view endpoint_id,
                    const std::optional<std::string>& name, const std::optional<std::string>& allow_messages,
                    int64_t now_ms);
bool DeleteEndpoint(Database& db, std::string_view user_arn, std::string_view endpoint_id);
// Forgets the remembered ClientRequestTokens of RegisterAppInstanceUserEndpoint
// for this user (exact scope), so a re-created user with the same ARN does not
// replay endpoints that went with the deleted one.
void ForgetEndpointTokens(Database& db, std::string_view user_arn);

// Push notifications (api/messaging/push_notifications.cpp): every endpoint of
// the members of a channel, each with its member's membership preferences, by
// membership then registration order. `sub_channel_id` non-empty: only that
// sub-channel's members (elastic channels); `only_member` non-empty: only that
// member (a targeted message).
struct MemberEndpoint {
  std::optional<std::string> preferences;  // JSON text of PutChannelMembershipPreferences
  EndpointRecord endpoint;                 // endpoint.user_arn is the member
};
std::vector<MemberEndpoint> ListChannelMemberEndpoints(Database& db, std::string_view channel_arn,
                                                       std::string_view sub_channel_id, std::string_view only_member);

}  // namespace chime::storage
