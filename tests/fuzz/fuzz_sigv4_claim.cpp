// Fuzzes the one SigV4 signature parser (api/auth/sigv4_claim.*) and what
// reads it: the Authorization header (byte 0 even) or the presigned query of
// /connect (byte 0 odd), then the strict verifier and the tenant on the same
// request. The verifier's date and X-Amz-Expires arithmetic is under UBSan.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "api/auth/credential_scope.hpp"
#include "api/auth/sigv4_claim.hpp"
#include "api/auth/sigv4_verifier.hpp"
#include "api/auth/tenant.hpp"

using namespace chime::api;

namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

// A header claim is three comma-free parts, trimmed at the end: written back in the
// canonical form, it parses to the same parts.
void CheckHeaderRoundTrip(std::string_view text) {
  auto parsed = ParseAuthorizationHeader(text);
  const auto* claim = std::get_if<SigV4Claim>(&parsed);
  if (claim == nullptr || claim->algorithm.empty()) return;
  for (const std::string* part : {&claim->credential, &claim->signed_headers, &claim->signature}) {
    Require(part->find(',') == std::string::npos);
    if (part->empty()) return;
    Require(part->back() != ' ');  // parts are trimmed; a value may begin with a space ("Credential= x")
  }
  auto again = ParseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=" + claim->credential +
                                        ", SignedHeaders=" + claim->signed_headers + ", Signature=" + claim->signature);
  const auto* same = std::get_if<SigV4Claim>(&again);
  Require(same != nullptr && same->credential == claim->credential &&
          same->signed_headers == claim->signed_headers && same->signature == claim->signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool presigned = data[0] & 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  HttpRequest request;
  request.method = "GET";
  request.headers = {{"Host", "127.0.0.1:4590"}, {"X-Amz-Date", "20261128T001500Z"}};
  if (presigned) {
    request.target = "/connect?" + std::string(text);
  } else {
    request.target = "/app-instances";
    request.headers.emplace_back("Authorization", std::string(text));
    CheckHeaderRoundTrip(text);
  }
  const QueryParamList params = DecodedQueryParams(request.target);
  const SigV4ClaimResult parsed = ParseSigV4Claim(request, params);
  Require(presigned || !std::holds_alternative<SigV4Unsigned>(parsed));

  // The tenant reads exactly the credential of the parsed claim, or none.
  const auto* claim = std::get_if<SigV4Claim>(&parsed);
  const auto scope = CredentialOf(request);
  Require(scope.has_value() == (claim != nullptr && ParseCredential(claim->credential).has_value()));
  ServiceConfig config;
  const Tenant tenant = TenantOf(request, config);
  Require(IsAccountId(tenant.account_id) && IsRegionName(tenant.region));

  // Nothing random is signed right; the verifier must say why without crashing.
  static const std::vector<AccessKey> kKeys = {{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};
  auto rejection = VerifySigV4(request, kKeys, tenant.region, kSigV4Service, 1795824900);
  if (rejection) Require(rejection->status == 403 && !rejection->type.empty());
  (void)CanonicalRequestOf(request);
  return 0;
}
