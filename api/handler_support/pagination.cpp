#include "api/handler_support/pagination.hpp"

#include <nlohmann/json.hpp>

#include "api/common/ids.hpp"
#include "api/protocol/api_error.hpp"

namespace chime::api {

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      out.push_back(kB64[(buf >> (bits - 6)) & 63]);
      bits -= 6;
    }
  }
  if (bits > 0) out.push_back(kB64[(buf << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::char_traits<char>::find(kB64, 64, c);
    if (!p) return std::nullopt;
    buf = (buf << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buf >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string Fingerprint(std::string_view scope) { return Sha256Hex(scope).substr(0, 12); }
}  // namespace

// The fingerprint covers the scope AND the position, so editing the numbers
// inside a token is detected like a token of another listing.
std::string CursorFingerprint(std::string_view scope, const PageCursor& c) {
  return Fingerprint(std::string(scope) + "|" + std::to_string(c.key) + "|" + std::to_string(c.tiebreak));
}

std::string EncodeNextToken(std::string_view scope, const PageCursor& c) {
  return Base64Url("v1|" + CursorFingerprint(scope, c) + "|" + std::to_string(c.key) + "|" +
                   std::to_string(c.tiebreak));
}

PageCursor DecodeNextToken(std::string_view scope, std::string_view token) {
  auto bad = [] { return BadRequest("The NextToken is invalid or does not belong to this request"); };
  auto raw = FromBase64Url(token);
  if (!raw) throw bad();
  std::string_view s = *raw;
  if (s.substr(0, 3) != "v1|") throw bad();
  s.remove_prefix(3);
  size_t fp_bar = s.find('|');
  if (fp_bar == std::string_view::npos) throw bad();
  std::string fingerprint(s.substr(0, fp_bar));
  s.remove_prefix(fp_bar + 1);
  size_t bar = s.find('|');
  if (bar == std::string_view::npos) throw bad();
  try {
    size_t used = 0;
    PageCursor c;
    std::string a(s.substr(0, bar)), b(s.substr(bar + 1));
    c.key = std::stoll(a, &used);
    if (used != a.size()) throw bad();
    c.tiebreak = std::stoll(b, &used);
    if (used != b.size()) throw bad();
    if (fingerprint != CursorFingerprint(scope, c)) throw bad();
    return c;
  } catch (const std::logic_error&) {
    throw bad();
  }
}

int MaxResults(const nlohmann::json& input, int default_value) {
  auto it = input.find("MaxResults");
  return it != input.end() && it->is_number_integer() ? it->get<int>() : default_value;
}

std::optional<PageCursor> NextTokenCursor(const nlohmann::json& input, std::string_view scope) {
  auto it = input.find("NextToken");
  if (it == input.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return DecodeNextToken(scope, it->get_ref<const std::string&>());
}

}  // namespace chime::api
