#include "storage/idempotency_repo.hpp"

#include "storage/client_token_keys.hpp"
#include "storage/statement.hpp"

namespace chime::storage {

namespace {
std::string HexToBytes(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  return out;
}
std::string BytesToHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}
}  // namespace

std::optional<IdempotencyRecord> FindIdempotencyToken(Database& db, std::string_view scope, std::string_view token) {
  auto st = db.Prepare("SELECT request_hash, result FROM client_tokens WHERE scope_key = ? AND token = ?");
  st.BindAll(TokenKey(scope), token);
  if (!st.Step()) return std::nullopt;
  return IdempotencyRecord{BytesToHex(st.Text(0)), st.Text(1)};
}

void SaveIdempotencyToken(Database& db, std::string_view scope, std::string_view token, std::string_view request_hash,
                          std::string_view response, int64_t now_ms) {
  auto st = db.Prepare(
      "INSERT INTO client_tokens (scope_key, token, container_key, request_hash, result, created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  st.BindAll(TokenKey(scope), token, TokenKey(TokenContainer(scope)));
  st.BindBlob(4, HexToBytes(request_hash));
  st.Bind(5, response).Bind(6, now_ms);
  st.Run();
}

void ForgetTokensOfContainer(Database& db, std::string_view container_arn) {
  auto st = db.Prepare("DELETE FROM client_tokens WHERE container_key = ?");
  st.BindAll(TokenKey(container_arn));
  st.Run();
}

void ForgetTokensOfScope(Database& db, std::string_view scope) {
  auto st = db.Prepare("DELETE FROM client_tokens WHERE scope_key = ?");
  st.BindAll(TokenKey(scope));
  st.Run();
}

}  // namespace chime::storage
