#include "api/auth/credential_scope.hpp"

#include <cctype>

#include "api/auth/sigv4_claim.hpp"

namespace chime::api {

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

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
