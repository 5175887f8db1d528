#include "server/web_access.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "server/cross_site_policy.hpp"

namespace chime::server {

namespace {

constexpr const char* kAllowMethods = "GET, POST, PUT, DELETE, HEAD, OPTIONS";
constexpr const char* kExposeHeaders = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date";
constexpr const char* kMaxAge = "86400";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = Trim(s.substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// The request headers the AWS SDKs send from a browser.
bool HeaderAllowed(const std::string& lower) {
  if (lower == "authorization" || lower == "content-type" || lower == "x-amz-chime-bearer") return true;
  return lower.rfind("x-amz-", 0) == 0 || lower.rfind("amz-sdk-", 0) == 0;
}

bool IsAwsPath(const std::string& target) { return target.rfind("/_chime-local/", 0) != 0 && target != "/_chime-local"; }

bool IsHostHeader(const std::string& h) {
  if (h.empty() || h.size() > 255) return false;
  for (char c : h) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
      return false;
    }
  }
  return true;
}

void SetHeader(api::HttpResponse& r, const char* name, std::string value) { r.headers.emplace_back(name, std::move(value)); }

}  // namespace

WebAccess::WebAccess(const std::string& cors_origins, std::string public_host) : public_host_(std::move(public_host)) {
  origins_ = SplitComma(cors_origins);
  any_origin_ = false;
  for (const auto& o : origins_) {
    if (o == "*") any_origin_ = true;
  }
}

WebAccess::Facts WebAccess::Capture(const api::HttpRequest& request) {
  Facts f;
  if (const std::string* o = request.FindHeader("Origin")) f.origin = *o;
  if (const std::string* h = request.FindHeader("Host")) f.host = *h;
  f.aws_path = IsAwsPath(request.target);
  return f;
}

bool WebAccess::OriginAllowed(const std::string& origin) const {
  if (origin.empty()) return false;
  if (any_origin_ || IsLoopbackOrigin(origin)) return true;
  for (const auto& o : origins_) {
    if (o == origin) return true;
  }
  return false;
}

std::optional<api::HttpResponse> WebAccess::Preflight(const api::HttpRequest& request) const {
  if (request.method != "OPTIONS" || !IsAwsPath(request.target)) return std::nullopt;
  const std::string* origin = request.FindHeader("Origin");
  const std::string* method = request.FindHeader("Access-Control-Request-Method");
  if (!origin || !method) return std::nullopt;
  api::HttpResponse r;
  r.operation = "CorsPreflight";
  if (!OriginAllowed(*origin)) {
    r.status = 403;
    r.headers = {{"Content-Type", "application/json"}, {"x-amzn-ErrorType", "ForbiddenException"}};
    r.body = nlohmann::json{{"Code", "Forbidden"},
                            {"Message", "Origin " + *origin +
                                            " is not allowed: browsers may call chime-local from loopback origins "
                                            "(http(s)://localhost, 127.0.0.1 or [::1], any port) only; start it "
                                            "with --cors-origins " + *origin + " to allow it"}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
  }
  r.status = 200;
  SetHeader(r, "Access-Control-Allow-Origin", *origin);
  SetHeader(r, "Vary", "Origin");
  SetHeader(r, "Access-Control-Allow-Methods", kAllowMethods);
  std::string allowed;
  if (const std::string* asked = request.FindHeader("Access-Control-Request-Headers")) {
    for (const std::string& h : SplitComma(*asked)) {
      if (!HeaderAllowed(Lower(h))) continue;
      if (!allowed.empty()) allowed += ", ";
      allowed += Lower(h);
    }
  }
  if (!allowed.empty()) SetHeader(r, "Access-Control-Allow-Headers", allowed);
  SetHeader(r, "Access-Control-Expose-Headers", kExposeHeaders);
  SetHeader(r, "Access-Control-Max-Age", kMaxAge);
  SetHeader(r, "Content-Type", "text/plain");
  return r;
}

void WebAccess::Decorate(const Facts& facts, api::HttpResponse& response) const {
  if (response.operation == "GetMessagingSessionEndpoint" && response.status == 200 && public_host_.empty() &&
      IsHostHeader(facts.host)) {
    response.body = nlohmann::json{{"Endpoint", {{"Url", facts.host}}}}.dump();
  }
  if (facts.aws_path && response.operation != "CorsPreflight" && OriginAllowed(facts.origin)) {
    SetHeader(response, "Access-Control-Allow-Origin", facts.origin);
    SetHeader(response, "Vary", "Origin");
    SetHeader(response, "Access-Control-Expose-Headers", kExposeHeaders);
  }
}

}  // namespace chime::server
