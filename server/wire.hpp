// The bytes on the wire, both directions, without Beast in the header:
//   Serialize      the one serializer of every HTTP response the server writes
//                  (REST answers, refusals, the 503 at the connection limit, the
//                  messaging session's answers before its upgrade);
//   TransportError the one AWS error writer of the transport: api::EncodeError
//                  (api/protocol/encoder.hpp), so refusals read as the API's errors.
// (The head scanner that reads requests is server/request_framing.hpp.)
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "api/protocol/error_type.hpp"

namespace chime::server {

// One response as bytes: the head (status line, headers, blank line) and the
// body, sent with one gather write. Serialising the head by hand is ~2x
// cheaper per request than Beast's generic serializer (callgrind).
struct WireResponse {
  int status = 0;
  std::string head;
  std::string body;
};

// Framing headers (Content-Length, Transfer-Encoding, Connection, Date) are
// the serializer's own; a header whose name or value holds a line break is
// dropped; x-amzn-RequestId is added when missing. HEAD: the length of the
// body a GET would have returned, without the body.
WireResponse Serialize(api::HttpResponse&& response, unsigned request_version, bool head_request,
                       bool keep_alive);

// A refusal of the transport in the AWS rest-json error format
// (docs/aws-parity.md, "Wire format and validation"); the connection is
// closed after it.
api::HttpResponse TransportError(int status, api::ErrorType type, const std::string& message);

// A fresh x-amzn-RequestId (a version 4 UUID).
std::string NewRequestId();

// The path of a request target (without the query).
inline std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace chime::server
