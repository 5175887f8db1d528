#include "api/auth/sigv4_verifier.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>
#include <variant>

#include "api/auth/credential_scope.hpp"
#include "api/auth/sigv4_claim.hpp"
#include "api/auth/sigv4_crypto.hpp"
#include "api/auth/tenant.hpp"
#include "api/common/ids.hpp"
#include "api/protocol/timestamp.hpp"
#include "api/service_config.hpp"

namespace chime::api {

namespace {

// The messages below are the real service's words (docs/testing.md "Strict SigV4"
// says which were seen in AWS answers and which are inferred).
constexpr std::string_view kIncomplete = "IncompleteSignatureException";
constexpr std::string_view kInvalid = "InvalidSignatureException";
constexpr std::string_view kUnrecognized = "UnrecognizedClientException";
constexpr std::string_view kMissing = "MissingAuthenticationTokenException";

SigV4Rejection Reject(std::string_view type, std::string message) {
  return SigV4Rejection{403, std::string(type), std::move(message)};
}

using Params = QueryParamList;

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

// RFC 3986 encoding of everything but the unreserved characters (and '/').
std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// botocore remove_dot_segments / smithy getCanonicalPath: "." and empty
// segments go, ".." pops; the leading and a trailing '/' are kept.
std::string RemoveDotSegments(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::string_view rest = path;
  while (true) {
    const size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) out += '/';
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) out += '/';
  return out;
}

// Non-S3 services sign the path encoded once more ("%3A" -> "%253A").
std::string CanonicalPath(std::string_view target) { return UriEncode(RemoveDotSegments(PathOf(target)), true); }

std::string CanonicalQuery(const Params& params, bool presigned) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [k, v] : params) {
    if (presigned && k == "X-Amz-Signature") continue;
    encoded.emplace_back(UriEncode(k, false), UriEncode(v, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HeaderNameIs(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}

// Value trimmed, inner whitespace runs collapsed to one space (botocore: ' '.join(v.split())).
std::string CollapseWhitespace(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (unsigned char c : v) {
    if (std::isspace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(c);
  }
  return out;
}

std::vector<std::string> SplitSignedHeaders(std::string_view list) {
  std::vector<std::string> names;
  while (!list.empty()) {
    const size_t semi = list.find(';');
    names.push_back(ToLower(list.substr(0, semi)));
    if (semi == std::string_view::npos) break;
    list.remove_prefix(semi + 1);
  }
  return names;
}

// The value a signed header has in the canonical request: every header of that
// name, trimmed and collapsed, joined by ','.
std::string CanonicalHeaderValue(const HttpRequest& request, std::string_view name) {
  std::string value;
  bool first = true;
  for (const auto& [n, v] : request.headers) {
    if (!HeaderNameIs(n, name)) continue;
    if (!first) value += ',';
    value += CollapseWhitespace(v);
    first = false;
  }
  return value;
}

std::string CanonicalHeaders(const HttpRequest& request, const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    out += name;
    out += ':';
    out += CanonicalHeaderValue(request, name);
    out += '\n';
  }
  return out;
}

constexpr std::string_view kContentSha256 = "x-amz-content-sha256";

bool Signs(const std::vector<std::string>& signed_names, std::string_view name) {
  return std::find(signed_names.begin(), signed_names.end(), name) != signed_names.end();
}

// The hashed payload of the canonical request: the SHA-256 of the body as
// received. A signed x-amz-content-sha256 stands in for it (the verifier has
// checked that it is that hash); an unsigned one is ignored, else anyone
// could swap the body and send the old hash along.
std::string PayloadHash(const HttpRequest& request, const std::vector<std::string>& signed_names) {
  if (Signs(signed_names, kContentSha256)) return CanonicalHeaderValue(request, kContentSha256);
  return Sha256Hex(request.body);
}

// "20261128T001500Z" -> Unix time; nullopt unless exactly that shape.
std::optional<int64_t> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) { return std::stoi(std::string(s.substr(at, n))); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
    return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

// An RFC 7231 Date header ("Sat, 28 Nov 2026 00:15:00 GMT") in the basic ISO
// form the string to sign uses; an x-amz-date shaped Date passes as is.
std::optional<std::string> NormalizeDate(const std::string& date) {
  if (ParseAmzDate(date)) return date;
  std::tm tm{};
  const char* end = strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  std::string amz = AmzDate(static_cast<int64_t>(timegm(&tm)));
  if (!ParseAmzDate(amz)) return std::nullopt;  // a year beyond 9999
  return amz;
}

// The claim of a request (sigv4_claim.hpp, the parser the tenant reads too),
// or the IncompleteSignature / MissingAuthenticationToken rejection.
std::variant<SigV4Claim, SigV4Rejection> ClaimOf(const HttpRequest& request, const Params& params) {
  SigV4ClaimResult parsed = ParseSigV4Claim(request, params);
  if (std::holds_alternative<SigV4Unsigned>(parsed)) return Reject(kMissing, "Missing Authentication Token");
  if (auto* error = std::get_if<SigV4ClaimError>(&parsed)) return Reject(kIncomplete, std::move(error->message));
  SigV4Claim claim = std::get<SigV4Claim>(std::move(parsed));
  std::string missing;
  if (!claim.presigned) {
    if (const std::string* d = request.FindHeader("x-amz-date")) claim.date = *d;
    else if (const std::string* d2 = request.FindHeader("date")) claim.date = *d2;
    if (claim.credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
    if (claim.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
    if (claim.signed_headers.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
    if (claim.date.empty()) {
      missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if (!missing.empty()) return Reject(kIncomplete, missing + "Authorization=" + *request.FindHeader("authorization"));
    return claim;
  }
  const std::pair<std::string_view, const std::string*> parts[] = {
      {"X-Amz-Algorithm", &claim.algorithm}, {"X-Amz-Credential", &claim.credential},
      {"X-Amz-Signature", &claim.signature}, {"X-Amz-Date", &claim.date},
      {"X-Amz-SignedHeaders", &claim.signed_headers}, {"X-Amz-Expires", &claim.expires}};
  for (const auto& [key, value] : parts) {
    if (value->empty()) missing += "AWS query-string parameters must include '" + std::string(key) + "'. ";
  }
  if (!missing.empty()) return Reject(kIncomplete, missing + "Re-examine the query-string parameters.");
  if (claim.algorithm != sigv4::kAlgorithm) {
    return Reject(kIncomplete, "Unsupported AWS 'algorithm': '" + claim.algorithm + "'");
  }
  return claim;
}

std::string CanonicalRequest(const HttpRequest& request, const Params& params, const SigV4Claim& claim) {
  std::string out = request.method;
  out += '\n';
  out += CanonicalPath(request.target);
  out += '\n';
  out += CanonicalQuery(params, claim.presigned);
  out += '\n';
  const std::vector<std::string> names = SplitSignedHeaders(claim.signed_headers);
  out += CanonicalHeaders(request, names);
  out += '\n';
  out += ToLower(claim.signed_headers);
  out += '\n';
  out += PayloadHash(request, names);
  return out;
}

}  // namespace

std::optional<std::string> CanonicalRequestOf(const HttpRequest& request) {
  const Params params = DecodedQueryParams(request.target);
  auto claim = ClaimOf(request, params);
  if (!std::holds_alternative<SigV4Claim>(claim)) return std::nullopt;
  return CanonicalRequest(request, params, std::get<SigV4Claim>(claim));
}

std::optional<SigV4Rejection> VerifySigV4(const HttpRequest& request, const std::vector<AccessKey>& keys,
                                          std::string_view region, std::string_view service, int64_t now_seconds) {
  const Params params = DecodedQueryParams(request.target);
  auto claimed = ClaimOf(request, params);
  if (auto* rejection = std::get_if<SigV4Rejection>(&claimed)) return *rejection;
  const SigV4Claim& claim = std::get<SigV4Claim>(claimed);

  // The credential scope: AKID/DATE/REGION/SERVICE/aws4_request.
  std::vector<std::string_view> scope;
  for (std::string_view rest = claim.credential;;) {
    const size_t slash = rest.find('/');
    scope.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (scope.size() != 5) {
    return Reject(kIncomplete, "Credential must have exactly 5 slash-delimited elements, e.g. "
                               "keyid/date/region/service/term, got '" + claim.credential + "'");
  }
  const std::optional<std::string> amz_date = NormalizeDate(claim.date);
  if (!amz_date) {
    return Reject(kIncomplete, "Date must be in ISO-8601 'basic format'. Got '" + claim.date +
                                   "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (scope[4] != "aws4_request") {
    return Reject(kInvalid, "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                                std::string(scope[4]) + "'. ");
  }
  if (scope[2] != region) {
    return Reject(kInvalid, "Credential should be scoped to a valid region, not '" + std::string(scope[2]) + "'. ");
  }
  if (scope[3] != service) {
    return Reject(kInvalid, "Credential should be scoped to correct service: '" + std::string(service) + "'. ");
  }
  if (scope[1] != std::string_view(*amz_date).substr(0, 8)) {
    return Reject(kInvalid, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                                std::string(scope[1]) + "' != '" + amz_date->substr(0, 8) + "', from '" + *amz_date +
                                "'.");
  }
  const std::vector<std::string> signed_names = SplitSignedHeaders(claim.signed_headers);
  if (!Signs(signed_names, "host")) {
    return Reject(kIncomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // The clock: REST calls within 15 minutes either way; a presigned URL
  // until X-Amz-Expires seconds after its date.
  const int64_t signed_at = *ParseAmzDate(*amz_date);
  const std::string now = AmzDate(now_seconds);
  if (claim.presigned) {
    const bool digits = !claim.expires.empty() && claim.expires.size() <= 7 &&
                        std::all_of(claim.expires.begin(), claim.expires.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      return Reject(kIncomplete, "X-Amz-Expires must be a non-negative integer of seconds, got '" + claim.expires + "'");
    }
    const int64_t expires = std::stoll(claim.expires);
    // A SigV4 signing key lasts 7 days, so no presigned URL may outlive a week.
    if (expires > kSigV4MaxPresignedExpiresSeconds) {
      return Reject(kIncomplete, "X-Amz-Expires must be less than a week (in seconds); that is, the given "
                                 "X-Amz-Expires must be less than 604800 seconds");
    }
    if (now_seconds > signed_at + expires) {
      return Reject(kInvalid, "Signature expired: " + *amz_date + " is now earlier than " +
                                  AmzDate(now_seconds - expires) + " (" + now + " - " + claim.expires + " sec.)");
    }
  } else if (signed_at < now_seconds - kSigV4MaxSkewSeconds) {
    return Reject(kInvalid, "Signature expired: " + *amz_date + " is now earlier than " +
                                AmzDate(now_seconds - kSigV4MaxSkewSeconds) + " (" + now + " - 15 min.)");
  }
  if (signed_at > now_seconds + kSigV4MaxSkewSeconds) {
    return Reject(kInvalid, "Signature not yet current: " + *amz_date + " is still later than " +
                                AmzDate(now_seconds + kSigV4MaxSkewSeconds) + " (" + now + " + 15 min.)");
  }

  const std::string_view access_key_id = scope[0];
  const auto key = std::find_if(keys.begin(), keys.end(), [&](const AccessKey& k) { return k.id == access_key_id; });
  if (key == keys.end()) return Reject(kUnrecognized, "The security token included in the request is invalid.");

  const std::string expected =
      sigv4::Signature(key->secret, *amz_date, region, service, CanonicalRequest(request, params, claim));
  const std::string& sent = claim.signature;
  if (sent.size() != expected.size() || CRYPTO_memcmp(sent.data(), expected.data(), sent.size()) != 0) {
    return Reject(kInvalid,
                  "The request signature we calculated does not match the signature you provided. Check your AWS "
                  "Secret Access Key and signing method. Consult the service documentation for details.");
  }
  // The signature covers a signed x-amz-content-sha256; it must also be the
  // body's hash. UNSIGNED-PAYLOAD is Amazon S3's, not this service's (no Chime
  // operation is modeled with an unsigned body), so it is refused too.
  if (Signs(signed_names, kContentSha256)) {
    const std::string sent_hash = CanonicalHeaderValue(request, kContentSha256);
    if (sent_hash != Sha256Hex(request.body)) {
      return Reject(kInvalid, "The provided 'x-amz-content-sha256' header does not match what was computed" +
                                  std::string(sent_hash == "UNSIGNED-PAYLOAD"
                                                  ? " (UNSIGNED-PAYLOAD is not accepted: this service signs the body)."
                                                  : "."));
    }
  }
  return std::nullopt;
}

HttpResponse SigV4RejectionResponse(const SigV4Rejection& rejection, const std::string& request_id) {
  HttpResponse r;
  r.status = rejection.status;
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.headers.emplace_back("x-amzn-ErrorType", rejection.type);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = nlohmann::json{{"message", rejection.message}}.dump(-1, ' ', false,
                                                               nlohmann::json::error_handler_t::replace);
  return r;
}

std::optional<HttpResponse> StrictSigV4Refusal(const HttpRequest& request, const ServiceConfig& config,
                                               const std::string& request_id) {
  if (!config.sigv4_strict) return std::nullopt;
  // The wall clock, not the fixture clock: clients sign with their real time.
  // Any region the request acts in (isolation by account and region takes the
  // scope's region); only a scope region that is no region name is refused.
  const Tenant tenant = TenantOf(request, config);
  auto rejection = VerifySigV4(request, config.credentials, tenant.region, kSigV4Service,
                               static_cast<int64_t>(std::time(nullptr)));
  if (!rejection) return std::nullopt;
  return SigV4RejectionResponse(*rejection, request_id);
}

}  // namespace chime::api
