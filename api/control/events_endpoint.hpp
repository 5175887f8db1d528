// /_chime-local/events: the messaging events this emulator produced (its
// EventLog, api/events/event_log.hpp), for tests that assert on events without
// a WebSocket. GET filters by channelArn, memberArn (a recipient), type (one
// or more, comma-separated), accountId, after (a sequence number) and limit;
// waitMs (0..30000) long-polls: the answer comes once a matching event exists
// or the wait ends, without holding an I/O or storage thread meanwhile.
// DELETE clears (one account's with accountId).
#pragma once

#include "api/control/control_plane.hpp"

namespace chime::api {

ControlRequest ListEvents(const ControlCall& call);
ControlRequest DeleteEvents(const ControlCall& call);

}  // namespace chime::api
