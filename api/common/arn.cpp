#include "api/common/arn.hpp"

namespace chime::api {

std::optional<ChimeArn> ParseChimeArn(std::string_view arn) {
  size_t pos = 0;
  std::string_view fields[5];
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) return std::nullopt;
    fields[i] = arn.substr(pos, colon - pos);
    pos = colon + 1;
  }
  if (fields[0] != "arn" || fields[2] != "chime" || fields[1].empty()) return std::nullopt;
  std::string_view resource = arn.substr(pos);
  constexpr std::string_view kPrefix = "app-instance/";
  if (resource.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  resource.remove_prefix(kPrefix.size());
  size_t slash = resource.find('/');
  ChimeArn out;
  out.app_instance_id = std::string(resource.substr(0, slash));
  if (out.app_instance_id.empty()) return std::nullopt;
  out.app_instance_arn = std::string(arn.substr(0, pos)) + std::string(kPrefix) + out.app_instance_id;
  if (slash == std::string_view::npos) return out;
  std::string_view rest = resource.substr(slash + 1);
  size_t slash2 = rest.find('/');
  if (slash2 == std::string_view::npos) return std::nullopt;
  out.kind = std::string(rest.substr(0, slash2));
  out.id = std::string(rest.substr(slash2 + 1));
  if (out.id.empty() || out.id.find('/') != std::string::npos) return std::nullopt;
  if (out.kind != "user" && out.kind != "bot" && out.kind != "channel" && out.kind != "channel-flow")
    return std::nullopt;
  return out;
}

std::string AppInstanceArn(const ServiceConfig& c, std::string_view app_instance_id) {
  return "arn:aws:chime:" + c.region + ":" + c.account_id + ":app-instance/" + std::string(app_instance_id);
}

namespace {
// Field `n` (0-based) of a ':'-separated ARN, "" if it has no field after it.
std::string ArnField(std::string_view arn, int n) {
  size_t start = 0;
  for (int i = 0; i < n; ++i) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return "";
    ++start;
  }
  const size_t end = arn.find(':', start);
  return end == std::string_view::npos ? "" : std::string(arn.substr(start, end - start));
}
}  // namespace

ArnScope ScopeOfArn(std::string_view arn) { return ArnScope{ArnField(arn, 3), ArnField(arn, 4)}; }

}  // namespace chime::api
