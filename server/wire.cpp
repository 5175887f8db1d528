#include "server/wire.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <cstdint>
#include <cstdio>
#include <random>

#include "api/protocol/encoder.hpp"
#include "api/protocol/timestamp.hpp"

namespace chime::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return std::string(out, 36);
}

api::HttpResponse TransportError(int status, api::ErrorType type, const std::string& message) {
  return api::EncodeError(type, message, NewRequestId(), status);
}

WireResponse Serialize(api::HttpResponse&& in, unsigned request_version, bool head_request,
                       bool keep_alive) {
  WireResponse out;
  out.status = (in.status >= 100 && in.status <= 599) ? in.status : 500;
  std::string& h = out.head;
  h.reserve(256);
  h += "HTTP/1.1 ";
  h += std::to_string(out.status);
  h += ' ';
  if (http::status code = http::int_to_status(static_cast<unsigned>(out.status));
      code != http::status::unknown) {
    beast::string_view reason = http::obsolete_reason(code);
    h.append(reason.data(), reason.size());
  }
  h += "\r\n";
  bool has_request_id = false;
  for (const auto& [name, value] : in.headers) {
    // Framing headers are ours to set, and no value may split the head.
    if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
        beast::iequals(name, "connection") || beast::iequals(name, "date") || HasLineBreak(name) ||
        HasLineBreak(value)) {
      continue;
    }
    if (beast::iequals(name, "x-amzn-requestid")) has_request_id = true;
    h += name;
    h += ": ";
    h += value;
    h += "\r\n";
  }
  if (!has_request_id) {
    h += "x-amzn-RequestId: ";
    h += NewRequestId();
    h += "\r\n";
  }
  h += "Date: ";  // SDKs correct clock skew from it (strict SigV4)
  h += api::HttpDateNow();
  h += "\r\n";
  if (out.status >= 200 && out.status != 204 && out.status != 304) {
    // HEAD: advertise the length of the body a GET would have returned.
    h += "Content-Length: ";
    h += std::to_string(in.body.size());
    h += "\r\n";
    if (!head_request) out.body = std::move(in.body);
  }
  if (!keep_alive) {
    h += "Connection: close\r\n";
  } else if (request_version < 11) {
    h += "Connection: keep-alive\r\n";
  }
  h += "\r\n";
  return out;
}

}  // namespace chime::server
