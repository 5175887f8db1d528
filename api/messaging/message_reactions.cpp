#include "api/messaging/message_reactions.hpp"

#include "api/messaging/push_notifications.hpp"
#include "api/messaging/bot_processing.hpp"

namespace chime::api {

void OnNewMessageSent(ReactionEnv& env, const storage::MessageRecord& m) {
  push::NotifyPushRecipients(env, m);
  bots::InvokeBots(env, m);
}

}  // namespace chime::api
