// The cryptographic core of AWS Signature Version 4, shared by the signer of
// the emulator's outgoing calls (server/outgoing/sigv4.cpp) and the verifier of
// incoming requests (api/auth/sigv4_verifier.cpp): one implementation, so
// both sides agree byte for byte.
#pragma once

#include <string>
#include <string_view>

namespace chime::api::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);


// Raw HMAC-SHA256 bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// "YYYYMMDD/REGION/SERVICE/aws4_request".
std::string CredentialScopeString(std::string_view date, std::string_view region, std::string_view service);

// The hex signature of `canonical_request`: string to sign
// "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{sha256(canonical_request)}", keyed by
// the AWS4+secret -> date -> region -> service -> aws4_request chain. The date
// of the scope is the first 8 characters of `amz_date` (YYYYMMDDTHHMMSSZ).
std::string Signature(std::string_view secret_access_key, std::string_view amz_date, std::string_view region,
                      std::string_view service, std::string_view canonical_request);

}  // namespace chime::api::sigv4
