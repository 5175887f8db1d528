// What a request claims to have signed with SigV4: the parts of its
// Authorization header ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...") or of its presigned query (X-Amz-Algorithm, X-Amz-Credential,
// ... as the messaging session's /connect carries them).
//
// The one parser of both forms: strict SigV4 verifies what it returns, and
// isolation by account and region (tenant.hpp) reads the account and region
// from the same credential, so the two can never disagree about who signed.
// It refuses what could be read two ways (an unknown or a repeated part, a
// second Authorization header, a repeated X-Amz-* parameter); whether every
// part is there and right is the verifier's job.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "api/http_types.hpp"

namespace chime::api {

struct SigV4Claim {
  bool presigned = false;
  std::string algorithm;       // "AWS4-HMAC-SHA256"; empty for another Authorization scheme
  std::string credential;      // AKID/DATE/REGION/SERVICE/aws4_request (presigned: decoded)
  std::string signed_headers;  // host;x-amz-date
  std::string signature;       // hex
  std::string date;            // presigned only: X-Amz-Date (the header form reads x-amz-date / Date)
  std::string expires;         // presigned only: X-Amz-Expires, seconds
};

// Why a signature cannot be read: the IncompleteSignatureException message.
struct SigV4ClaimError {
  std::string message;
};

// No Authorization header and no presigned parameter: an unsigned request.
struct SigV4Unsigned {};

using SigV4ClaimResult = std::variant<SigV4Unsigned, SigV4Claim, SigV4ClaimError>;

// Query parameters of a request target, percent-decoded, in order (a
// malformed escape is kept as sent: it then matches nothing, as on AWS).
using QueryParamList = std::vector<std::pair<std::string, std::string>>;
QueryParamList DecodedQueryParams(std::string_view target);

// The value of an Authorization header. Another scheme than AWS4-HMAC-SHA256
// gives a claim with nothing in it (the verifier names what is missing).
std::variant<SigV4Claim, SigV4ClaimError> ParseAuthorizationHeader(std::string_view value);

// The presigned parameters among `params`; SigV4Unsigned when neither
// X-Amz-Algorithm, X-Amz-Credential nor X-Amz-Signature is there.
SigV4ClaimResult ParsePresignedQuery(const QueryParamList& params);

// The request's Authorization header when it has one, else its presigned query.
SigV4ClaimResult ParseSigV4Claim(const HttpRequest& request, const QueryParamList& params);

}  // namespace chime::api
