// WebAccess: what a browser app needs from the REST side, as two hooks around
// the dispatcher in server/http_session.cpp (Boost-free, unit-tested; the
// preflight is one of the edge checks, server/edge_checks.cpp):
// - CORS as AWS serves it for browser SDK calls: a preflight OPTIONS on any
//   AWS path is answered here (allowed methods and headers, max age); real
//   responses to an allowed Origin get Access-Control-Allow-Origin and expose
//   x-amzn-RequestId / x-amzn-ErrorType. /_chime-local/* gets no CORS.
//   Allowed: loopback origins (a dev server on localhost), plus --cors-origins.
// - GetMessagingSessionEndpoint answers the host the request came in on
//   (its Host header) unless --public-host is set, so the wss:// URL the SDK
//   builds reaches this same port from wherever the client is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"

namespace chime::server {

class WebAccess {
 public:
  // `cors_origins`: "*" or a comma-separated list of exact origins, allowed
  // besides the loopback origins (server/cross_site_policy.hpp), which always are.
  WebAccess(const std::string& cors_origins, std::string public_host);

  // What Decorate needs from the request (which the dispatcher consumes).
  struct Facts {
    std::string origin;
    std::string host;
    bool aws_path = false;  // not /_chime-local/*
  };
  static Facts Capture(const api::HttpRequest& request);

  // The answer to a CORS preflight (OPTIONS with Origin and
  // Access-Control-Request-Method on an AWS path), or nullopt.
  std::optional<api::HttpResponse> Preflight(const api::HttpRequest& request) const;
  // Adds the CORS headers for an allowed Origin and fixes the messaging endpoint.
  void Decorate(const Facts& facts, api::HttpResponse& response) const;

  bool OriginAllowed(const std::string& origin) const;

 private:
  bool any_origin_ = false;
  std::vector<std::string> origins_;
  std::string public_host_;
};

}  // namespace chime::server
