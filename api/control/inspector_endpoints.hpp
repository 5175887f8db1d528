// Control endpoints the inspector page (GET /_chime-local/ui) polls or acts
// through, besides the state views (state_endpoints.hpp):
//   GET  /_chime-local/changes?after=N      a counter bumped after each change
//   GET  /_chime-local/sessions             the connected messaging sessions
//   POST /_chime-local/channel-flow-invocations/{CallbackId}
//        {"action": "approve" | "deny", "content": "..."}   the ChannelFlowCallback
//        of a pending invocation, without SigV4 (works under --sigv4 strict)
#pragma once

#include "api/control/control_plane.hpp"

namespace chime::api {

ControlRequest Changes(const ControlCall& call);
ControlRequest Sessions(const ControlCall& call);
ControlRequest AnswerFlowInvocation(const ControlCall& call);

}  // namespace chime::api
