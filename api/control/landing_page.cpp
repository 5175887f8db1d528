#include "api/control/landing_page.hpp"

#include <string_view>

namespace chime::api {

namespace {

constexpr std::string_view kPage = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chime-local</title>
<link rel="icon" href="data:,">
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
code { background: #f0f0f0; padding: 0 .25rem; border-radius: 3px; }
a { color: #0b57d0; }
</style>
</head>
<body>
<main>
<h1>chime-local</h1>
<p>A local emulator of the Amazon Chime SDK Messaging and Identity APIs. Point an AWS SDK at this
address as its endpoint (any credentials, any region).</p>
<ul>
<li><a href="/_chime-local/ui">The inspector</a>: app instances, channels, members, messages,
sessions, pending channel-flow messages, the request journal, faults and the test clock, in this browser.</li>
<li><a href="/_chime-local/health">Health</a>: whether the emulator and its store are ready.</li>
<li><a href="/_chime-local/ca.pem">The local CA certificate</a> that <code>https://</code> and
<code>wss://</code> clients must trust (or run <code>chime-local trust</code> once).</li>
<li><a href="/_chime-local/requests">The request journal</a>: the AWS requests answered so far.</li>
<li><a href="/_chime-local/operations">The operations</a> this emulator implements.</li>
</ul>
<p>Documentation: <code>README.md</code> and <code>docs/</code> in the chime-local repository
(getting started, browser apps and TLS, testing, configuration).</p>
</main>
</body>
</html>
)";

}  // namespace

std::optional<HttpResponse> LandingPage(const HttpRequest& request, const std::string& request_id) {
  const std::string_view target = request.target;
  if (target != "/" && target.substr(0, 2) != "/?") return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  HttpResponse r;
  r.status = 200;
  r.operation = "LandingPage";
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  r.body = std::string(kPage);
  return r;
}

}  // namespace chime::api
