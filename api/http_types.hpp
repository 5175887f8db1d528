// Plain HTTP request/response values exchanged between server/ (Beast) and
// api/ (everything else). Nothing here depends on Boost, so the whole api/
// layer can be unit-tested without sockets.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chime::api {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ... (upper case)
  std::string target;  // raw request target: path plus optional "?query", still percent-encoded
  HeaderList headers;  // names as received; look them up case-insensitively
  std::string body;

  // Value of the first header named `name` (case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;  // Content-Type, x-amzn-RequestId, x-amzn-ErrorType, ...
  std::string body;
  // For the server's one-line access log: the operation name ("SendChannelMessage",
  // "Health", "-" when nothing was routed).
  std::string operation = "-";
};

}  // namespace chime::api
