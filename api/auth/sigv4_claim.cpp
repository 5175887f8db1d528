#include "api/auth/sigv4_claim.hpp"

#include <array>
#include <strings.h>

#include "api/auth/credential_scope.hpp"
#include "api/auth/sigv4_crypto.hpp"
#include "api/protocol/query_string.hpp"

namespace chime::api {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "'<subject>'<why>'<header>'.", appended piece by piece (GCC 12 warns
// falsely about chained operator+ on temporaries).
SigV4ClaimError HeaderError(std::string_view subject, std::string_view why, std::string_view header) {
  std::string m;
  m.reserve(subject.size() + why.size() + header.size() + 5);
  m += '\'';
  m.append(subject);
  m += '\'';
  m.append(why);
  m += '\'';
  m.append(header);
  m.append("'.");
  return SigV4ClaimError{std::move(m)};
}

}  // namespace

QueryParamList DecodedQueryParams(std::string_view target) {
  QueryParamList out;
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    // A component with a bad escape is kept as sent (the signature then fails to match).
    out.emplace_back(PercentDecode(key, false).value_or(std::string(key)),
                     PercentDecode(value, false).value_or(std::string(value)));
  }
  return out;
}

std::variant<SigV4Claim, SigV4ClaimError> ParseAuthorizationHeader(std::string_view value) {
  SigV4Claim claim;
  constexpr std::string_view kPrefix = "AWS4-HMAC-SHA256 ";
  if (value.substr(0, kPrefix.size()) != kPrefix) return claim;
  claim.algorithm = std::string(sigv4::kAlgorithm);
  bool seen_credential = false, seen_signed_headers = false, seen_signature = false;
  std::string_view rest = value.substr(kPrefix.size());
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view part = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return HeaderError(part, " not a valid key=value pair (missing equal-sign) in Authorization header: ", value);
    }
    const std::string_view key = part.substr(0, eq);
    std::string* field = nullptr;
    bool* seen = nullptr;
    if (key == "Credential") field = &claim.credential, seen = &seen_credential;
    if (key == "SignedHeaders") field = &claim.signed_headers, seen = &seen_signed_headers;
    if (key == "Signature") field = &claim.signature, seen = &seen_signature;
    // Anything else could carry a second credential that some reader takes.
    if (field == nullptr) {
      return HeaderError(key,
                         " is not a part of a SigV4 Authorization header (Credential, SignedHeaders and Signature, "
                         "once each): ",
                         value);
    }
    if (*seen) {
      return HeaderError(key, " is given more than once in Authorization header: ", value);
    }
    *seen = true;
    *field = std::string(part.substr(eq + 1));
    // An empty value stays "missing": the verifier names it.
  }
  return claim;
}

SigV4ClaimResult ParsePresignedQuery(const QueryParamList& params) {
  static constexpr std::array<std::string_view, 6> kKeys = {"X-Amz-Algorithm",     "X-Amz-Credential",
                                                            "X-Amz-Signature",     "X-Amz-Date",
                                                            "X-Amz-SignedHeaders", "X-Amz-Expires"};
  SigV4Claim claim;
  claim.presigned = true;
  std::string* fields[] = {&claim.algorithm, &claim.credential,     &claim.signature,
                           &claim.date,      &claim.signed_headers, &claim.expires};
  bool seen[kKeys.size()] = {};
  bool any = false;
  for (const auto& [key, value] : params) {
    for (size_t i = 0; i < kKeys.size(); ++i) {
      if (key != kKeys[i]) continue;
      if (seen[i]) {
        return SigV4ClaimError{"AWS query-string parameter '" + std::string(key) +
                               "' is given more than once. Re-examine the query-string parameters."};
      }
      seen[i] = true;
      any |= i < 3;  // algorithm, credential or signature: the request claims a signature
      *fields[i] = value;
    }
  }
  if (!any) return SigV4Unsigned{};
  return claim;
}

SigV4ClaimResult ParseSigV4Claim(const HttpRequest& request, const QueryParamList& params) {
  const std::string* authorization = nullptr;
  for (const auto& [name, value] : request.headers) {
    if (name.size() != 13 || strncasecmp(name.data(), "authorization", 13) != 0) continue;
    // Two headers could be read as two signers.
    if (authorization) return SigV4ClaimError{"The request carries more than one Authorization header."};
    authorization = &value;
  }
  if (authorization) {
    auto parsed = ParseAuthorizationHeader(*authorization);
    if (auto* error = std::get_if<SigV4ClaimError>(&parsed)) return std::move(*error);
    return std::get<SigV4Claim>(std::move(parsed));
  }
  return ParsePresignedQuery(params);
}

}  // namespace chime::api
