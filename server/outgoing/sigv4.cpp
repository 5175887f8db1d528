#include "server/outgoing/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "api/auth/sigv4_crypto.hpp"
#include "api/common/ids.hpp"
#include "api/protocol/timestamp.hpp"

namespace chime::server {

std::string SigV4Authorization(const SigV4Request& request, const SigV4Credentials& credentials,
                               const std::string& region, const std::string& service,
                               const std::string& amz_date) {
  auto headers = request.headers;
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ";";
    signed_headers += name;
  }
  const std::string canonical_request = request.method + "\n" + request.path + "\n" + request.query + "\n" +
                                        canonical_headers + "\n" + signed_headers + "\n" +
                                        api::Sha256Hex(request.payload);
  const std::string signature =
      api::sigv4::Signature(credentials.secret_access_key, amz_date, region, service, canonical_request);
  const std::string scope = api::sigv4::CredentialScopeString(amz_date.substr(0, 8), region, service);
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
         ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
}

std::string AmzDateNow() { return api::AmzDate(std::time(nullptr)); }

std::string UriEncode(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(v.size());
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace chime::server
