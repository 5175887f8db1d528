#include "api/auth/credential_scope.hpp"

#include <cctype>

#include "api/auth/sigv4_claim.hpp"

namespace chime::api {

std::optional<CredentialScope> ParseCredential(std::string_view credential) {
  CredentialScope scope;
  std::string* fields[] = {&scope.access_key_id, &scope.date, &scope.region, &scope.service};
  for (std::string* field : fields) {
    const size_t slash = credential.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    *field = std::string(credential.substr(0, slash));
    credential.remove_prefix(slash + 1);
  }
  if (credential != "aws4_request") return std::nullopt;
  return scope;
}

std::optional<CredentialScope> CredentialOf(const HttpRequest& request) {
  // The verifier's parser: what strict SigV4 checked is what the tenant reads.
  const SigV4ClaimResult parsed = ParseSigV4Claim(request, DecodedQueryParams(request.target));
  const auto* claim = std::get_if<SigV4Claim>(&parsed);
  if (claim == nullptr) return std::nullopt;
  return ParseCredential(claim->credential);
}

}  // namespace chime::api
