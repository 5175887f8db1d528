// AppInstanceBot invocations (schema v5, table bot_invocations) and the
// channel-membership reads the invocation rules need. The api/ layer owns
// the JSON of `request`. Call under an open transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace chime::storage {

struct BotInvocationRecord {
  int64_t id = 0;
  std::string invocation_id;
  std::string bot_arn;
  std::string channel_arn;
  std::string message_id;  // "" for a WelcomeIntent invocation
  std::string sender_arn;
  bool targeted = false;
  std::string request;            // JSON
  std::string state = "PENDING";  // PENDING | DONE
  int64_t created_ms = 0;
};

void InsertBotInvocation(Database& db, const BotInvocationRecord& r);
std::optional<BotInvocationRecord> FindBotInvocation(Database& db, std::string_view invocation_id);
void SetBotInvocationState(Database& db, std::string_view invocation_id, std::string_view state);
// PENDING invocations, oldest first.
std::vector<BotInvocationRecord> ListPendingBotInvocations(Database& db, int limit);

struct BotMember {
  std::string arn;
  std::string type;  // DEFAULT | HIDDEN
  std::optional<std::string> name;
  std::optional<std::string> configuration;  // JSON
};
// The AppInstanceBots that are members of `channel_arn` (whose ARNs start with
// `bot_prefix`, "<app instance arn>/bot/"), by ARN.
std::vector<BotMember> ListBotMembers(Database& db, std::string_view channel_arn,
                                      std::string_view bot_prefix);
// How many DEFAULT (non-hidden) members other than `except_arn` the channel
// has, counting no further than `cap`.
int CountVisibleMembersExcept(Database& db, std::string_view channel_arn,
                              std::string_view except_arn, int cap);

}  // namespace chime::storage
