#include "server/edge_checks.hpp"

#include <array>

#include "server/cross_site_policy.hpp"
#include "server/web_access.hpp"
#include "server/wire.hpp"

namespace chime::server {

namespace {

using Answer = std::optional<EdgeAnswer>;
using api::ErrorType;

Answer Refuse(int status, ErrorType type, const std::string& message) {
  return EdgeAnswer{TransportError(status, type, message), true};
}

Answer BadRequest(int status, const std::string& message) {
  return Refuse(status, ErrorType::kBadRequest, message);
}

bool HeadParsed(const EdgeRequest& r) {
  return r.head == EdgeRequest::Head::kComplete && r.parse == EdgeRequest::Parse::kOk;
}

Answer HeaderSize(const EdgeSettings& s, const EdgeRequest& r) {
  if (r.head != EdgeRequest::Head::kTooLarge && r.parse != EdgeRequest::Parse::kHeaderLimit)
    return std::nullopt;
  return BadRequest(431, "Request header fields exceed the limit of " +
                             std::to_string(s.max_header_bytes) + " bytes");
}

Answer HeadDeadline(const EdgeSettings& s, const EdgeRequest& r) {
  if (r.head != EdgeRequest::Head::kTimeout) return std::nullopt;
  return BadRequest(408, "The request head did not arrive within " +
                             std::to_string(s.header_timeout_seconds) + " s");
}

Answer HeadSyntax(const EdgeSettings&, const EdgeRequest& r) {
  if (r.head != EdgeRequest::Head::kMalformed) return std::nullopt;
  return BadRequest(400, "Malformed HTTP request: " + r.head_error);
}

// Beast's verdict, on the head or on the body.
Answer Parsed(const EdgeSettings&, const EdgeRequest& r) {
  switch (r.parse) {
    case EdgeRequest::Parse::kBodyLimit:
      return BadRequest(
          413, "Request body exceeds the limit of " + std::to_string(r.body_limit) + " bytes");
    case EdgeRequest::Parse::kMalformed:
      return BadRequest(400, "Malformed HTTP request: " + r.parse_error);
    default:
      return std::nullopt;
  }
}

Answer Framing(const EdgeSettings&, const EdgeRequest& r) {
  if (!HeadParsed(r)) return std::nullopt;
  if (auto why = CheckFraming(r.fields, r.version))
    return BadRequest(400, "Malformed HTTP request: " + *why);
  return std::nullopt;
}

Answer CrossSite(const EdgeSettings& s, const EdgeRequest& r) {
  if (!HeadParsed(r) || s.cross_site == nullptr) return std::nullopt;
  if (auto refusal = CheckCrossSite(*s.cross_site, r.method, r.target, r.fields)) {
    return Refuse(refusal->status, refusal->type, refusal->message);
  }
  return std::nullopt;
}

Answer SnapshotSlot(const EdgeSettings&, const EdgeRequest& r) {
  if (!r.upload_refused) return std::nullopt;
  return Refuse(503, ErrorType::kServiceUnavailable,
                "Another PUT /_chime-local/snapshot is being received; retry when it is done");
}

Answer CorsPreflight(const EdgeSettings& s, const EdgeRequest& r) {
  if (s.web == nullptr || r.request == nullptr) return std::nullopt;
  if (auto preflight = s.web->Preflight(*r.request))
    return EdgeAnswer{std::move(*preflight), false};
  return std::nullopt;
}

constexpr std::array kChecks{
    EdgeCheck{EdgeStep::kHead, "header size", HeaderSize},
    EdgeCheck{EdgeStep::kHead, "head deadline", HeadDeadline},
    EdgeCheck{EdgeStep::kHead, "head syntax", HeadSyntax},
    EdgeCheck{EdgeStep::kHead, "head parse", Parsed},
    EdgeCheck{EdgeStep::kHead, "framing", Framing},
    EdgeCheck{EdgeStep::kHead, "Host and Origin", CrossSite},
    EdgeCheck{EdgeStep::kHead, "snapshot slot", SnapshotSlot},
    EdgeCheck{EdgeStep::kBody, "body", Parsed},
    EdgeCheck{EdgeStep::kRequest, "CORS preflight", CorsPreflight},
};

}  // namespace

std::span<const EdgeCheck> EdgeChecks() { return kChecks; }

std::optional<EdgeAnswer> RunEdgeChecks(EdgeStep step, const EdgeSettings& settings,
                                        const EdgeRequest& request) {
  for (const EdgeCheck& c : kChecks) {
    if (c.step != step) continue;
    if (auto answer = c.check(settings, request)) return answer;
  }
  return std::nullopt;
}

}  // namespace chime::server
