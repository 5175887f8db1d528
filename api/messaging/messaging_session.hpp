// The API side of opening a messaging session (the WebSocket of
// amazon-chime-sdk-js): the /connect URL's parameters; is the user known, and
// the CHANNEL_DETAILS frames of `prefetch-on=connect`. The lookup runs as a
// read unit on the storage pipeline, started by api::Dispatcher::BeginSession;
// the transport (server/messaging_transport.cpp) sends the result.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/handler.hpp"
#include "storage/database.hpp"

namespace chime::api {

// The /connect URL's parameters the emulator uses (the signature is checked
// only with --sigv4 strict, by the Dispatcher).
struct ConnectTarget {
  std::string path;
  std::string user_arn;
  std::string session_id;
  bool prefetch = false;  // prefetch-on=connect
  std::string sort_by;    // prefetch-sort-by
};
// A bad escape is kept as sent (a stray '%' is no reason to refuse the
// session); a repeated name: the last wins.
ConnectTarget ParseConnectTarget(std::string_view target);

struct SessionStart {
  bool known = false;                 // an AppInstanceUser or AppInstanceBot
  std::vector<std::string> prefetch;  // CHANNEL_DETAILS frames, in sending order
};

// Prefetch: up to kMaxPrefetchChannels channels the user is a member of,
// ordered by `sort_by`: "unread" (default: channels with messages after the
// user's read marker first, then by LastMessageTimestamp, newest first) or
// "last-message-timestamp" (newest first). Each channel's messages leave out
// those past the app instance's retention at `now_ms` (as every read does).
constexpr int kMaxPrefetchChannels = 50;
SessionStart PrepareMessagingSession(storage::Database& db, const std::string& user_arn, bool prefetch,
                                     const std::string& sort_by, int64_t now_ms);

// GetMessagingSessionEndpoint: {"Endpoint":{"Url":"host:port"}} of the
// emulator's WebSocket listener, from ServiceConfig (main.cpp: --public-host
// or the bound address; the server replaces it with the request's Host header
// when there is no --public-host, see server/web_access.hpp).
json GetMessagingSessionEndpoint(RequestContext& ctx, const json& in);

}  // namespace chime::api
