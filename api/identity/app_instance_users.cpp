// AppInstanceUsers, AppInstanceBots and AppInstanceAdmins (chime-sdk-identity).
#include "api/handler.hpp"

namespace chime::api {

void RegisterAppInstanceUserHandlers(HandlerTable& t) {}

}  // namespace chime::api
