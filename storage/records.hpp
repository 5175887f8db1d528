// Plain row structs: no JSON, no SQLite types. Timestamps are epoch ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace chime::storage {

struct AppInstanceRecord {
  int64_t id = 0;
  std::string arn;
  std::string name;
  std::optional<std::string> metadata;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::optional<int64_t> retention_days;
};

// An AppInstanceUser (kind "user") or AppInstanceBot (kind "bot").
struct PrincipalRecord {
  int64_t id = 0;
  std::string arn;
  std::string app_instance_arn;
  std::string kind;
  std::optional<std::string> name;
  std::optional<std::string> metadata;
  std::optional<std::string> configuration;  // bots: JSON
  std::optional<int64_t> expiration_days;
  std::optional<std::string> expiration_criterion;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct ChannelRecord {
  int64_t id = 0;
  std::string arn;
  std::string app_instance_arn;
  std::string name;
  std::string mode;     // UNRESTRICTED | RESTRICTED
  std::string privacy;  // PUBLIC | PRIVATE
  std::optional<std::string> metadata;
  std::string created_by_arn;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::optional<int64_t> last_message_ms;
  std::optional<std::string> channel_flow_arn;
  std::optional<int64_t> elastic_max_sub_channels;
  std::optional<int64_t> elastic_target_memberships;
  std::optional<int64_t> elastic_min_membership_pct;
  std::optional<int64_t> expiration_days;
  std::optional<std::string> expiration_criterion;

  bool is_elastic() const { return elastic_max_sub_channels.has_value(); }
};

struct MembershipRecord {
  int64_t id = 0;
  std::string channel_arn;
  std::string member_arn;
  std::string type;  // DEFAULT | HIDDEN
  std::string invited_by_arn;
  std::optional<std::string> sub_channel_id;
  std::optional<std::string> preferences;
  std::optional<int64_t> read_marker_ms;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

}  // namespace chime::storage
