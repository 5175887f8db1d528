// AppInstance message retention (app_instances.retention_days and, since
// schema v2, retention_set_ms). Call under an open Transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace chime::storage {

struct RetentionRecord {
  std::optional<int64_t> days;     // nullopt: messages are kept forever
  std::optional<int64_t> set_ms;   // when the settings were last put
};

// nullopt if there is no such app instance.
std::optional<RetentionRecord> FindRetention(Database& db, std::string_view app_instance_arn);
// Sets (or, with nullopt days, clears) the retention. False if the app instance is absent.
bool SetRetention(Database& db, std::string_view app_instance_arn, const std::optional<int64_t>& days,
                  int64_t now_ms);
struct RetentionPolicy {
  std::string app_instance_arn;
  int64_t days = 0;
  int64_t set_ms = 0;
};
// Every app instance with a retention period.
std::vector<RetentionPolicy> ListRetentionPolicies(Database& db);
// Deletes the messages of every channel of the app instance created
// before `cutoff_ms`; returns how many went.
int64_t PurgeMessagesBefore(Database& db, std::string_view app_instance_arn, int64_t cutoff_ms);

}  // namespace chime::storage
