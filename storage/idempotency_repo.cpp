#include "storage/idempotency_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

std::optional<IdempotencyRecord> FindIdempotencyToken(Database& db, std::string_view scope, std::string_view token) {
  auto st = db.Prepare("SELECT request_hash, response FROM idempotency_tokens WHERE scope = ? AND token = ?");
  st.BindAll(scope, token);
  if (!st.Step()) return std::nullopt;
  return IdempotencyRecord{st.Text(0), st.Text(1)};
}

void SaveIdempotencyToken(Database& db, std::string_view scope, std::string_view token, std::string_view request_hash,
                          std::string_view response, int64_t now_ms) {
  auto st = db.Prepare(
      "INSERT INTO idempotency_tokens (scope, token, request_hash, response, created_ms) VALUES (?, ?, ?, ?, ?)");
  st.BindAll(scope, token, request_hash, response, now_ms);
  st.Run();
}

void ForgetIdempotencyScope(Database& db, std::string_view prefix) {
  // A range on the primary key: every scope in [prefix, prefix + 0xFF).
  auto st = db.Prepare("DELETE FROM idempotency_tokens WHERE scope >= ? AND scope < ?");
  std::string end(prefix);
  end.push_back('\xFF');
  st.BindAll(prefix, end);
  st.Run();
}

}  // namespace chime::storage
