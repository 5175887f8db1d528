#include "api/protocol/query_string.hpp"

#include "api/protocol/api_error.hpp"

namespace chime::api {

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space, BadEscape bad_escape) {
  // Never longer than the text: written in place, then cut to size (an ARN
  // in a path is ~130 bytes, a byte-by-byte push_back cost 3.5k instructions).
  std::string out(s.size(), '\0');
  char* o = out.data();
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      const int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        o[n++] = static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
      if (bad_escape == BadEscape::kReject) return std::nullopt;
    }
    o[n++] = plus_as_space && s[i] == '+' ? ' ' : s[i];
  }
  out.resize(n);
  return out;
}

std::string_view QueryPart(std::string_view target) {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

QueryParams ParseQuery(std::string_view query, const QueryRules& rules) {
  QueryParams out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty() && !rules.keep_empty_pairs) continue;
    const size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), rules.plus_as_space, rules.bad_escape);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                               rules.plus_as_space, rules.bad_escape);
    if (!key || !value) throw BadRequest("Malformed percent-encoding in the query string");
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::map<std::string, std::string> LastValues(const QueryParams& params) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : params) out[key] = value;
  return out;
}

}  // namespace chime::api
