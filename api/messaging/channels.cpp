#include "api/handler.hpp"

namespace chime::api {

void RegisterChannelHandlers(HandlerTable& t) {}

}  // namespace chime::api
