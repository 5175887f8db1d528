// The control endpoints of the in-memory fixture state (api::Fixture): the
// test clock (GET/POST /_chime-local/clock), throttling (/throttle), fault
// rules (/faults) and the request journal (/requests). Rows in kEndpoints
// (api/control/control_plane.cpp).
#pragma once

#include "api/control/control_plane.hpp"

namespace chime::api {

ControlRequest GetClock(const ControlCall& call);
ControlRequest MoveClock(const ControlCall& call);
ControlRequest GetThrottle(const ControlCall& call);
ControlRequest SetThrottle(const ControlCall& call);
ControlRequest ListFaults(const ControlCall& call);
ControlRequest DeleteFaults(const ControlCall& call);
ControlRequest AddFault(const ControlCall& call);
ControlRequest DeleteFault(const ControlCall& call);
ControlRequest ListRequests(const ControlCall& call);
ControlRequest DeleteRequests(const ControlCall& call);

}  // namespace chime::api
