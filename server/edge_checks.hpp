// The edge checks: what the transport decides about a request before (or
// instead of) handing it to api::Dispatcher, as ONE ordered list. The session
// loop (server/http_session.cpp) reads the request in two steps and applies
// the checks of each step in this order; the first that answers wins:
//
//   head (before the body is read):
//     1. header size      the head over --max-header-bytes (our scan or Beast's): 431
//     2. head deadline    the head not complete within --header-timeout: 408
//     3. head syntax      HeadScanner's refusals (obs-fold, bare LF, ...): 400
//     4. head parse       Beast's: Content-Length over the body limit 413, else 400
//     5. framing          ambiguous framing (request_framing.hpp): 400
//     6. Host and Origin  cross-site rules (cross_site_policy.hpp): 400 / 403
//     7. snapshot slot    a second PUT /_chime-local/snapshot meanwhile: 503
//   body (read after a 100 Continue when asked for):
//     8. body             over the body limit 413, malformed chunking 400
//   (a WebSocket upgrade goes to the messaging session here)
//   request (the complete request as the API sees it):
//     9. CORS preflight   answered by WebAccess (web_access.hpp), kept open
//   then api::Dispatcher (--read-only, throttling and faults are its own), and
//   an injected fault's latency is waited for on this connection only.
//
// A refusal closes the connection (the rest of the input cannot be trusted);
// the preflight's answer keeps it open. Beast-free: the session loop
// describes what it read in a plain EdgeRequest.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "server/request_framing.hpp"

namespace chime::server {

struct CrossSitePolicy;
class WebAccess;

// What the session loop learned about one request.
struct EdgeRequest {
  enum class Head { kComplete, kTimeout, kTooLarge, kMalformed };
  enum class Parse { kOk, kHeaderLimit, kBodyLimit, kMalformed };
  Head head = Head::kComplete;
  std::string head_error;  // kMalformed: HeadScanner's reason
  // Beast's parse of the head, then (step "body") of the body.
  Parse parse = Parse::kOk;
  std::string parse_error;  // kMalformed: the parser's message
  // The parsed head (head == kComplete and parse == kOk).
  std::string_view method;
  std::string_view target;
  unsigned version = 11;
  HeaderFields fields;
  uint64_t body_limit = 0;      // --max-body-bytes, or --max-snapshot-bytes for a snapshot upload
  bool upload_refused = false;  // another snapshot upload holds the slot
  // Step "request": the complete request as the API sees it.
  const api::HttpRequest* request = nullptr;
};

// The server's settings the checks read (all must outlive the checks).
struct EdgeSettings {
  uint64_t max_header_bytes = 0;
  uint32_t header_timeout_seconds = 0;
  const CrossSitePolicy* cross_site = nullptr;  // null: no cross-site rules
  const WebAccess* web = nullptr;               // null: no CORS preflight
};

struct EdgeAnswer {
  api::HttpResponse response;
  bool close = true;  // a refusal; false: an answer on a connection that stays open
};

enum class EdgeStep { kHead, kBody, kRequest };

struct EdgeCheck {
  EdgeStep step;
  std::string_view name;
  std::optional<EdgeAnswer> (*check)(const EdgeSettings&, const EdgeRequest&);
};

// The list above, in order.
std::span<const EdgeCheck> EdgeChecks();

// The first answer of `step`'s checks, or nullopt: go on.
std::optional<EdgeAnswer> RunEdgeChecks(EdgeStep step, const EdgeSettings& settings,
                                        const EdgeRequest& request);

}  // namespace chime::server
