#include "server/cross_site_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace chime::server {

namespace {

// Must match api::kControlPrefix (HandleControlRequest matches the raw target the same way).
constexpr std::string_view kControlPrefix = "/_chime-local/";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Dotted-quad IPv4 with every part 0..255; sets the first octet.
bool IsIpv4(std::string_view s, int* first_octet = nullptr) {
  int parts = 0;
  while (true) {
    size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string_view::npos)
      return false;
    int v = std::stoi(std::string(part));
    if (v > 255) return false;
    if (parts == 0 && first_octet) *first_octet = v;
    ++parts;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return parts == 4;
}

std::vector<std::string> SplitCommaList(std::string_view v) {
  std::vector<std::string> out;
  for (;;) {
    size_t comma = v.find(',');
    std::string_view item = Trim(v.substr(0, comma));
    if (!item.empty()) out.push_back(std::string(item));
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

bool IEquals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}

// The value of the first field named `lower_name`, if any.
bool FindField(const HeaderFields& fields, std::string_view lower_name, std::string_view* out) {
  for (const HeaderField& f : fields) {
    if (IEquals(f.name, lower_name)) {
      *out = f.value;
      return true;
    }
  }
  return false;
}

// Headers a page may set without a preflight (with a simple value), and
// headers the browser sets itself: neither proves that a preflight happened.
bool IsSafelistedOrBrowserSet(const std::string& name) {
  static constexpr std::array<std::string_view, 30> kNames = {
      "accept", "accept-language", "content-language", "content-type", "range",
      "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
      "connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
      "origin", "referer", "te", "trailer", "transfer-encoding", "upgrade", "via", "user-agent",
      "cache-control", "pragma", "priority", "upgrade-insecure-requests"};
  if (std::find(kNames.begin(), kNames.end(), name) != kNames.end()) return true;
  // sec-fetch-*, sec-ch-ua*, proxy-*: forbidden to pages, set by the browser.
  return StartsWith(name, "sec-") || StartsWith(name, "proxy-") || name == "save-data" ||
         name == "device-memory" || name == "dpr" || name == "viewport-width" || name == "width" ||
         name == "downlink" || name == "ect" || name == "rtt";
}

Refusal RefusalOf(api::ErrorType type, std::string message) {
  const api::ErrorDef& def = api::Describe(type);
  return {def.status, type, std::string(def.shape), std::string(def.code), std::move(message)};
}

Refusal Forbidden(std::string message) { return RefusalOf(api::ErrorType::kForbidden, std::move(message)); }

}  // namespace

CrossSitePolicy CrossSitePolicy::FromConfig(const ServerConfig& config) {
  CrossSitePolicy p;
  p.loopback_only = IsLoopbackHost(config.host);
  for (std::string& h : SplitCommaList(config.allowed_hosts)) {
    std::string lower = Lower(h);
    if (lower != "*" && lower.front() != '.') {
      if (auto host = HostOfHostHeader(lower)) lower = *host;
    }
    p.allowed_hosts.push_back(std::move(lower));
  }
  if (!config.public_host.empty()) p.public_host = HostOfHostHeader(config.public_host).value_or("");
  // A name put in the certificate (--tls-san) is a name clients reach the emulator by.
  for (const std::string& name : config.tls_sans) p.allowed_hosts.push_back(Lower(name));
  p.control_origins = SplitCommaList(config.control_origins);
  p.session_origins = SplitCommaList(config.cors_origins);
  for (auto* list : {&p.control_origins, &p.session_origins}) {
    for (std::string& o : *list) {
      o = Lower(o);
      while (!o.empty() && o.back() == '/') o.pop_back();
    }
  }
  return p;
}

bool IsLoopbackHost(std::string_view host) {
  std::string h = Lower(host);
  if (!h.empty() && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  while (!h.empty() && h.back() == '.') h.pop_back();
  if (h == "localhost" || EndsWith(h, ".localhost")) return true;
  if (h == "::1" || h == "0:0:0:0:0:0:0:1") return true;
  if (StartsWith(h, "::ffff:")) h = h.substr(7);
  int first = -1;
  return IsIpv4(h, &first) && first == 127;
}

std::optional<std::string> HostOfHostHeader(std::string_view value) {
  std::string v = Lower(Trim(value));
  if (v.empty()) return std::nullopt;
  std::string host;
  std::string_view port;
  if (v.front() == '[') {
    size_t close = v.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = v.substr(0, close + 1);
    std::string_view rest = std::string_view(v).substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
    if (host.find_first_not_of("[]0123456789abcdef:.") != std::string::npos) return std::nullopt;
  } else {
    size_t colon = v.find(':');
    host = v.substr(0, colon);
    if (colon != std::string::npos) port = std::string_view(v).substr(colon + 1);
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return std::nullopt;
    }
  }
  if (port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5) return std::nullopt;
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return std::nullopt;
  return host;
}

bool IsLoopbackOrigin(std::string_view origin) {
  std::string o = Lower(Trim(origin));
  std::string_view rest = o;
  if (StartsWith(rest, "http://")) {
    rest.remove_prefix(7);
  } else if (StartsWith(rest, "https://")) {
    rest.remove_prefix(8);
  } else {
    return false;
  }
  for (std::string_view host : {"localhost", "127.0.0.1", "[::1]"}) {
    if (!StartsWith(rest, host)) continue;
    std::string_view port = rest.substr(host.size());
    if (port.empty()) return true;
    if (port.front() != ':') return false;  // localhost.evil.example, 127.0.0.1.nip.io
    port.remove_prefix(1);
    return !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos;
  }
  return false;
}

bool IsSessionUpgrade(std::string_view method, std::string_view target, const HeaderFields& fields) {
  std::string_view upgrade;
  return method == "GET" && target.substr(0, target.find('?')) == "/connect" &&
         FindField(fields, "upgrade", &upgrade) && Lower(Trim(upgrade)) == "websocket";
}

bool IsCorsSimpleRequest(std::string_view method, const HeaderFields& fields) {
  if (method != "GET" && method != "HEAD" && method != "POST") return false;
  for (const HeaderField& f : fields) {
    std::string name = Lower(f.name);
    if (!IsSafelistedOrBrowserSet(name)) return false;
    if (name == "content-type") {
      std::string essence = Lower(Trim(f.value.substr(0, f.value.find(';'))));
      if (essence != "application/x-www-form-urlencoded" && essence != "multipart/form-data" &&
          essence != "text/plain")
        return false;
    }
  }
  return true;
}

std::optional<Refusal> CheckCrossSite(const CrossSitePolicy& policy, std::string_view method,
                                      std::string_view target, const HeaderFields& fields) {
  // Rule 1: Host. (A missing Host is a framing error in HTTP/1.1; HTTP/1.0
  // clients may omit it, and browsers always send it.)
  std::string_view host_value;
  if (FindField(fields, "host", &host_value)) {
    std::optional<std::string> host = HostOfHostHeader(host_value);
    if (!host) return RefusalOf(api::ErrorType::kBadRequest, "Malformed Host header");
    auto listed = [&](const std::string& h) {
      for (const std::string& a : policy.allowed_hosts) {
        if (a == "*" || a == h || (a.front() == '.' && (EndsWith(h, a) || h == a.substr(1)))) return true;
      }
      return false;
    };
    bool allowed = IsLoopbackHost(*host) || (!policy.public_host.empty() && *host == policy.public_host) ||
                   listed(*host) || (!policy.loopback_only && policy.allowed_hosts.empty());
    if (!allowed) {
      return Forbidden("Host '" + *host +
                       "' is not allowed (DNS rebinding protection). Reach chime-local as localhost or "
                       "127.0.0.1, or start it with --public-host " + *host + " or --allowed-hosts " + *host);
    }
  }

  // Rule 2: Origin.
  std::string_view origin_value;
  if (!FindField(fields, "origin", &origin_value)) return std::nullopt;
  std::string origin = Lower(Trim(origin_value));
  auto listed_in = [&](const std::vector<std::string>& origins) {
    return std::any_of(origins.begin(), origins.end(), [&](const std::string& o) { return o == "*" || o == origin; });
  };
  // The inspector page (GET /_chime-local/ui) calls the control endpoints from
  // the emulator's own origin: browsers send that Origin on its POSTs and
  // DELETEs. The Host passed rule 1, and no page of another origin can send
  // an Origin naming this one.
  if (StartsWith(target, kControlPrefix) && !host_value.empty()) {
    const std::string self = Lower(Trim(host_value));
    if (origin == "http://" + self || origin == "https://" + self) return std::nullopt;
  }
  if (IsSessionUpgrade(method, target, fields)) {
    // A browser's WebSocket handshake: a GET with an Origin, never
    // preflighted. It only receives (the presigned query names the user), so
    // the browser-app rule applies: loopback origins and --cors-origins.
    if (IsLoopbackOrigin(origin) || listed_in(policy.session_origins)) return std::nullopt;
    return Forbidden("WebSocket session from " + origin +
                     " refused: browsers may connect from loopback origins (http(s)://localhost, 127.0.0.1 or "
                     "[::1], any port) only; start chime-local with --cors-origins " + origin + " to allow it");
  }
  if (IsCorsSimpleRequest(method, fields)) {
    return Forbidden("Cross-site request refused: a request with an Origin header (" + origin +
                     ") must be one that browsers preflight (the AWS SDKs send a JSON content type and "
                     "x-amz-* headers); form posts and other simple requests from web pages are not accepted");
  }
  if (StartsWith(target, kControlPrefix)) {
    if (!listed_in(policy.control_origins)) {
      return Forbidden("Cross-origin request from " + origin +
                       " to the chime-local control endpoints refused; start chime-local with "
                       "--control-origins " + origin + " to allow it");
    }
  }
  return std::nullopt;
}

}  // namespace chime::server
