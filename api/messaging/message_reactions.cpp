#include "api/messaging/message_reactions.hpp"

#include "api/messaging/push_notifications.hpp"

namespace chime::api {

void OnNewMessageSent(ReactionEnv& env, const storage::MessageRecord& m) {
  push::NotifyPushRecipients(env, m);
}

}  // namespace chime::api
