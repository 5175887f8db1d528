#include "api/messaging/message_reactions.hpp"

namespace chime::api {

void OnNewMessageSent(ReactionEnv& env, const storage::MessageRecord& m) {
  (void)env;
  (void)m;
}

}  // namespace chime::api
