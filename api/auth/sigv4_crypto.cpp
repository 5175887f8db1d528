#include "api/auth/sigv4_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api/common/ids.hpp"

namespace chime::api::sigv4 {

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string CredentialScopeString(std::string_view date, std::string_view region, std::string_view service) {
  std::string scope;
  scope.reserve(date.size() + region.size() + service.size() + 16);
  scope.append(date).append("/").append(region).append("/").append(service).append("/aws4_request");
  return scope;
}

std::string Signature(std::string_view secret_access_key, std::string_view amz_date, std::string_view region,
                      std::string_view service, std::string_view canonical_request) {
  const std::string_view date = amz_date.substr(0, 8);
  std::string string_to_sign(kAlgorithm);
  string_to_sign.append("\n").append(amz_date).append("\n");
  string_to_sign.append(CredentialScopeString(date, region, service)).append("\n");
  string_to_sign.append(api::Sha256Hex(canonical_request));
  std::string key = HmacSha256("AWS4" + std::string(secret_access_key), date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  return HexEncode(HmacSha256(key, string_to_sign));
}

}  // namespace chime::api::sigv4
