#include "api/handler_support/idempotency.hpp"

#include "api/common/canonical_json.hpp"
#include "api/common/ids.hpp"
#include "api/protocol/compact_json.hpp"
#include "storage/idempotency_repo.hpp"

namespace chime::api {

// SHA-256 of the canonical form (api/common/canonical_json.hpp) of the input
// without ClientRequestToken, built member by member instead of deep-copying
// the input and erasing the token first.
std::string RequestHash(const json& input) {
  std::string buf;
  buf.reserve(256);
  if (!input.is_object()) {
    AppendCanonicalJson(input, buf);
    return Sha256Hex(buf);
  }
  buf.push_back('{');
  bool first = true;
  for (const auto& [key, value] : input.get_ref<const json::object_t&>()) {
    if (key == "ClientRequestToken") continue;
    if (!first) buf.push_back(',');
    first = false;
    AppendCanonicalString(key, buf);
    buf.push_back(':');
    AppendCanonicalJson(value, buf);
  }
  buf.push_back('}');
  return Sha256Hex(buf);
}

std::optional<json> ReplayIdempotent(RequestContext& ctx, const std::string& scope, const std::string& token,
                                     const std::string& request_hash) {
  auto rec = storage::FindIdempotencyToken(ctx.db, scope, token);
  if (!rec) return std::nullopt;
  if (rec->request_hash != request_hash) {
    throw Conflict("ClientRequestToken " + token + " was already used with different parameters for " +
                   std::string(ctx.op.name));
  }
  return json::parse(rec->response);
}

void RememberIdempotent(RequestContext& ctx, const std::string& scope, const std::string& token,
                        const std::string& request_hash, const json& response) {
  // dump()'s bytes (strict: invalid UTF-8 throws), without its serializer, on the writer thread.
  std::string text;
  text.reserve(256);
  AppendCompactJson(response, text, nlohmann::json::error_handler_t::strict);
  storage::SaveIdempotencyToken(ctx.db, scope, token, request_hash, text, ctx.now_ms);
}

}  // namespace chime::api
