// What the service does once a new message is SENT to a channel, whether it
// was sent directly or passed by the channel's flow: the reactions of the
// developer guide that happen after a message arrives (push notifications to
// members' endpoints, AppInstanceBot invocations). Each reaction is a module of
// its own, called from OnNewMessageSent; handlers and the flow runner call only
// this. It runs inside the write unit that made the message SENT: anything
// that leaves the emulator goes through `outbox.AfterCommit`, so nothing
// reacts to a message that was rolled back.
#pragma once

#include <cstdint>

#include "api/events/outbox.hpp"
#include "api/service_config.hpp"
#include "storage/database.hpp"
#include "storage/message_repo.hpp"

namespace chime::api {

struct ReactionEnv {
  storage::Database& db;
  const ServiceConfig& config;
  int64_t now_ms;
  Outbox& outbox;
};

// `m` (a new message, persistent or not, STANDARD or CONTROL) is SENT.
void OnNewMessageSent(ReactionEnv& env, const storage::MessageRecord& m);

}  // namespace chime::api
