#include "api/common/idempotency.hpp"

#include "api/common/ids.hpp"
#include "storage/idempotency_repo.hpp"

namespace chime::api {

namespace {
bool NeedsEscape(const std::string& key) {
  for (unsigned char c : key) {
    if (c < 0x20 || c == '"' || c == '\\') return true;
  }
  return false;
}
}  // namespace

// The bytes are exactly those of dump() of the input without
// ClientRequestToken (nlohmann objects are key-sorted: canonical), so tokens
// remembered by earlier builds still match; built member by member instead of
// deep-copying the input and erasing the token first.
std::string RequestHash(const json& input) {
  if (!input.is_object()) return Sha256Hex(input.dump());
  std::string buf;
  buf.reserve(256);
  nlohmann::detail::serializer<json> ser(nlohmann::detail::output_adapter<char, std::string>(buf), ' ',
                                         nlohmann::detail::error_handler_t::strict);
  buf.push_back('{');
  bool first = true;
  for (const auto& [key, value] : input.get_ref<const json::object_t&>()) {
    if (key == "ClientRequestToken") continue;
    if (!first) buf.push_back(',');
    first = false;
    if (NeedsEscape(key)) {
      ser.dump(json(key), false, false, 0);
    } else {
      buf.push_back('"');
      buf += key;
      buf.push_back('"');
    }
    buf.push_back(':');
    ser.dump(value, false, false, 0);
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
  storage::SaveIdempotencyToken(ctx.db, scope, token, request_hash, response.dump(), ctx.now_ms);
}

}  // namespace chime::api
