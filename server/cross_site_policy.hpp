// Cross-site protection for a server that listens on a developer's machine:
// any web page the developer visits can send requests to
// http://127.0.0.1:4590, and a page on a rebinding domain can even read the
// answers. Two rules, checked on the request head before anything runs:
//
// 1. Host (DNS rebinding): when listening on loopback only, the Host header
//    must name localhost (or *.localhost), a loopback address, the
//    --public-host, or an --allowed-hosts entry. When listening on other
//    interfaces (containers) any Host is accepted unless --allowed-hosts
//    narrows it.
// 2. Origin (cross-site writes): browsers always send Origin on cross-site
//    requests except a plain GET/HEAD, and can send a "simple" request
//    (GET/HEAD/POST with only CORS-safelisted headers and content types)
//    without asking first. The AWS SDKs send no Origin outside browsers, and
//    inside browsers always send headers that need a preflight. So a request
//    with an Origin that would not have needed a preflight is refused on every
//    route; on /_chime-local/ every Origin is refused unless listed in
//    --control-origins. Preflights (OPTIONS) to the AWS routes pass.
//    The messaging session's WebSocket upgrade (GET /connect) is a GET with
//    an Origin that browsers never preflight: it is allowed from the origins
//    browser apps may call from (the loopback origins, plus --cors-origins);
//    it only receives, and its presigned query names the user.
//
// Beast-free so the unit tests can include it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/protocol/error_type.hpp"
#include "server/config.hpp"
#include "server/request_framing.hpp"

namespace chime::server {

struct CrossSitePolicy {
  bool loopback_only = true;               // --host is a loopback address or localhost
  std::vector<std::string> allowed_hosts;  // lower-case names, ".suffix" or "*"
  std::string public_host;                 // lower-case host name of --public-host, or empty
  std::vector<std::string> control_origins;  // exact origins, or "*"
  std::vector<std::string> session_origins;  // --cors-origins: exact origins, or "*" (loopback ones always)

  static CrossSitePolicy FromConfig(const ServerConfig& config);
};

struct Refusal {
  int status;
  api::ErrorType type;     // encoded by api::EncodeError
  std::string error_type;  // x-amzn-ErrorType
  std::string code;        // "Code" in the JSON body
  std::string message;
};

// nullopt when the request may proceed.
std::optional<Refusal> CheckCrossSite(const CrossSitePolicy& policy, std::string_view method,
                                      std::string_view target, const HeaderFields& fields);

// Exposed for tests.
bool IsLoopbackHost(std::string_view host);  // "127.0.0.1", "::1", "[::1]", "localhost", ...
// The host part of a Host header value, lower-cased, without port, brackets
// or trailing dot; nullopt when it is not a valid host[:port].
std::optional<std::string> HostOfHostHeader(std::string_view value);
// http(s)://localhost, 127.0.0.1 or [::1], on any port: the origins of the
// developer's own dev servers, allowed from browsers without --cors-origins.
bool IsLoopbackOrigin(std::string_view origin);
// A WebSocket upgrade to the messaging session (GET /connect).
bool IsSessionUpgrade(std::string_view method, std::string_view target, const HeaderFields& fields);
// True when a browser could have sent this request without a CORS preflight.
bool IsCorsSimpleRequest(std::string_view method, const HeaderFields& fields);

}  // namespace chime::server
