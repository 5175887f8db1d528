#include "api/handler.hpp"

namespace chime::api {

void RegisterChannelModerationHandlers(HandlerTable& t) {}

}  // namespace chime::api
