#include "api/handler.hpp"

namespace chime::api {

void RegisterChannelMessageHandlers(HandlerTable& t) {}

}  // namespace chime::api
