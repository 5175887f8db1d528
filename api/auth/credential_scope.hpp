// The SigV4 credential of a request: who signed it (access key id) and for
// which date, region and service, read from the Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/chime/aws4_request,
// SignedHeaders=..., Signature=...") or, for presigned URLs such as the
// messaging session's /connect, from the X-Amz-Credential query parameter.
// Parsing only: whether the signature is right is sigv4 verification's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"

namespace chime::api {

struct CredentialScope {
  std::string access_key_id;
  std::string date;     // YYYYMMDD
  std::string region;   // us-east-1
  std::string service;  // chime
};


// "AKID/DATE/REGION/SERVICE/aws4_request" (already percent-decoded), or nullopt.
std::optional<CredentialScope> ParseCredential(std::string_view credential);

// The Authorization header's Credential, else the X-Amz-Credential query
// parameter of the request target, as sigv4_claim.hpp parses them (the
// verifier's parser); nullopt for an unsigned or malformed request (an
// unknown or repeated part, a second Authorization header, ...).
std::optional<CredentialScope> CredentialOf(const HttpRequest& request);

}  // namespace chime::api
