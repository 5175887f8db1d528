// The storage side of opening a messaging session (the WebSocket of
// amazon-chime-sdk-js): is the user known, and the CHANNEL_DETAILS frames of
// `prefetch-on=connect`. Runs as a read unit on the storage pipeline; the
// transport (server/messaging_socket.cpp) sends the result.
#pragma once

#include <string>
#include <vector>

#include "api/handler.hpp"
#include "storage/database.hpp"

namespace chime::api {

struct SessionStart {
  bool known = false;                 // an AppInstanceUser or AppInstanceBot
  std::vector<std::string> prefetch;  // CHANNEL_DETAILS frames, in sending order
};

// Prefetch: up to kMaxPrefetchChannels channels the user is a member of,
// ordered by `sort_by`: "unread" (default: channels with messages after the
// user's read marker first, then by LastMessageTimestamp, newest first) or
// "last-message-timestamp" (newest first).
constexpr int kMaxPrefetchChannels = 50;
SessionStart PrepareMessagingSession(storage::Database& db, const std::string& user_arn, bool prefetch,
                                     const std::string& sort_by);

// GetMessagingSessionEndpoint: {"Endpoint":{"Url":"host:port"}} of the
// emulator's WebSocket listener, from ServiceConfig (main.cpp: --public-host
// or the bound address; the server replaces it with the request's Host header
// when there is no --public-host, see server/web_access.hpp).
json GetMessagingSessionEndpoint(RequestContext& ctx, const json& in);

}  // namespace chime::api
