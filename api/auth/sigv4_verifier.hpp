// Strict SigV4 (--sigv4 strict): checks an incoming request's AWS Signature
// Version 4 the way the real service does, and names the error AWS answers
// when it is missing, malformed, stale, made with an unknown access key or
// simply wrong. Pure: the caller passes the keys, region, service and clock.
//
// Two forms are understood: the Authorization header of every REST call
// ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...") and the
// presigned query of the messaging session's WebSocket (/connect?X-Amz-
// Algorithm=...&X-Amz-Credential=...&X-Amz-Signature=...). The canonical
// request follows botocore (auth.py SigV4Auth) and @smithy/signature-v4: the
// path is the raw (already encoded) path with dot segments removed, encoded
// once more; query parameters decoded, re-encoded (RFC 3986 unreserved kept)
// and sorted; signed header values trimmed with inner whitespace runs
// collapsed; payload hash the SHA-256 of the body as received (a signed
// x-amz-content-sha256 must equal it; an unsigned one is ignored).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "api/service_config.hpp"

namespace chime::api {

// The signing name of the Chime SDK APIs (Identity, Messaging and the
// messaging session's /connect all sign as "chime").
inline constexpr std::string_view kSigV4Service = "chime";

// Why a request is refused: the HTTP status, the x-amzn-ErrorType (the
// exception class the SDKs raise) and the message, as AWS words them.
struct SigV4Rejection {
  int status = 403;
  std::string type;
  std::string message;
};

// AWS allows a request date this far from its own clock (REST calls).
inline constexpr int64_t kSigV4MaxSkewSeconds = 15 * 60;
// The longest X-Amz-Expires of a presigned URL: 7 days (a signing key's life).
inline constexpr int64_t kSigV4MaxPresignedExpiresSeconds = 7 * 24 * 3600;

// nullopt: the signature is right. `now_seconds` is the Unix time.
std::optional<SigV4Rejection> VerifySigV4(const HttpRequest& request, const std::vector<AccessKey>& keys,
                                          std::string_view region, std::string_view service, int64_t now_seconds);

// The canonical request a client signed (exposed for the unit tests and for
// debugging a mismatch); nullopt when the request carries no usable signature.
std::optional<std::string> CanonicalRequestOf(const HttpRequest& request);

// The error response: status, x-amzn-ErrorType and {"message": ...}, the body
// the real service sends (restJson: SDKs read the code from the header).
HttpResponse SigV4RejectionResponse(const SigV4Rejection& rejection, const std::string& request_id);

// The dispatcher's and the WebSocket's one call: with --sigv4 strict, the
// error response for a request whose signature does not hold; nullopt when it
// holds or when SigV4 is lenient (the default: nothing is checked).
std::optional<HttpResponse> StrictSigV4Refusal(const HttpRequest& request, const ServiceConfig& config,
                                               const std::string& request_id);

}  // namespace chime::api
