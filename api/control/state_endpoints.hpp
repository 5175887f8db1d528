// Read-only views of the stored data for the inspector page (docs/inspector.md):
//   GET /_chime-local/state/app-instances                 every tenant's app instances,
//                                                         users, bots, admins, endpoints
//   GET /_chime-local/state/channels?appInstanceArn=      the channels of one app instance
//   GET /_chime-local/state/channel?channelArn=           one channel's members,
//                                                         moderators, bans, preferences
//   GET /_chime-local/state/messages?channelArn=&subChannelId=&before=&limit=
//                                                         its messages, newest first
// Each is a read unit on a reader's snapshot, like GET /_chime-local/snapshot;
// no bearer: they show every principal's view at once. Lists stop at
// kStateListLimit rows and say so ("truncated": true).
#pragma once

#include "api/control/control_plane.hpp"

namespace chime::api {

inline constexpr int kStateListLimit = 500;

ControlRequest StateAppInstances(const ControlCall& call);
ControlRequest StateChannels(const ControlCall& call);
ControlRequest StateChannel(const ControlCall& call);
ControlRequest StateMessages(const ControlCall& call);

}  // namespace chime::api
