// Outgoing AWS calls (server/outgoing/), the one signer: every request the
// HTTP client sends is signed here.
//
// AWS Signature Version 4 for the emulator's own outgoing calls (the Lambda
// Invoke API of --lambda-endpoint). Pure function over an already canonical
// request: the caller passes the path and query exactly as sent (no
// characters that need encoding) and the headers to sign.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chime::server {

struct SigV4Request {
  std::string method;  // POST
  std::string path;    // /2015-03-31/functions/NAME/invocations
  std::string query;   // canonical query string, "" if none
  std::vector<std::pair<std::string, std::string>>
      headers;  // lowercase names; host and x-amz-date among them
  std::string payload;
};

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string
      session_token;  // sent as x-amz-security-token when not empty (the caller adds the header)
};

// The Authorization header value. `amz_date` is the x-amz-date value (YYYYMMDDTHHMMSSZ).
std::string SigV4Authorization(const SigV4Request& request, const SigV4Credentials& credentials,
                               const std::string& region, const std::string& service,
                               const std::string& amz_date);

// Now as YYYYMMDDTHHMMSSZ.
std::string AmzDateNow();

// Percent-encodes everything but RFC 3986's unreserved characters, as SigV4's
// canonical path and query want: a path segment or query value sent encoded
// this way is already canonical.
std::string UriEncode(std::string_view v);

}  // namespace chime::server
