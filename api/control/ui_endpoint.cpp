#include "api/control/ui_endpoint.hpp"

#include <string>

#include "api/control/ui_assets.hpp"
#include "api/protocol/encoder.hpp"

namespace chime::api {

namespace {

constexpr std::string_view kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src "
    "'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view ContentTypeOf(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".mjs") || ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace

ControlRequest ServeUi(const ControlCall& call) {
  // "ui" and "ui/" are the page; "ui/<file>" one of its files.
  std::string_view file = call.name.substr(2);
  if (!file.empty()) file.remove_prefix(1);
  if (file.empty()) file = "index.html";
  ControlRequest c;
  c.operation = "Inspector";
  for (const UiAsset& asset : UiAssets()) {
    if (asset.name != file) continue;
    HttpResponse r;
    r.status = 200;
    r.operation = c.operation;
    r.headers.emplace_back("x-amzn-RequestId", call.request_id);
    r.headers.emplace_back("Content-Type", std::string(ContentTypeOf(file)));
    r.headers.emplace_back("Content-Security-Policy", std::string(kPolicy));
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    r.headers.emplace_back("Cache-Control", "no-cache");
    if (call.request.method != "HEAD") r.body = std::string(asset.body);
    c.response = std::move(r);
    return c;
  }
  c.response = EncodeError(ErrorType::kNotFound, "No inspector file " + std::string(call.path),
                           call.request_id);
  c.response->operation = c.operation;
  return c;
}

}  // namespace chime::api
