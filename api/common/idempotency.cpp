#include "api/common/idempotency.hpp"

#include "api/common/ids.hpp"
#include "storage/idempotency_repo.hpp"

namespace chime::api {

std::string RequestHash(const json& input) {
  json copy = input;
  copy.erase("ClientRequestToken");
  return Sha256Hex(copy.dump());  // nlohmann objects are key-sorted: canonical
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
