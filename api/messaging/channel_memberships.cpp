#include "api/handler.hpp"

namespace chime::api {

void RegisterChannelMembershipHandlers(HandlerTable& t) {}

}  // namespace chime::api
