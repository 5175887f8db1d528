// GET /_chime-local/bot-invocations (the AppInstanceBot invocations waiting
// for their Lex answer) and POST /_chime-local/bot-invocations/{InvocationId}
// (a test answers one as Lex would): docs/bots.md.
#pragma once

#include "api/control/control_plane.hpp"

namespace chime::api {

ControlRequest BotInvocations(const ControlCall& call);
ControlRequest AnswerBotInvocation(const ControlCall& call);

}  // namespace chime::api
