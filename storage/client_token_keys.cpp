#include "storage/client_token_keys.hpp"

#include <sqlite3.h>

namespace chime::storage {

int64_t TokenKey(std::string_view text) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

std::string TokenContainer(std::string_view scope) {
  const size_t bar = scope.find('|');
  if (bar == std::string_view::npos) return std::string(scope);
  const std::string_view op = scope.substr(0, bar);
  std::string_view arg = scope.substr(bar + 1);
  arg = arg.substr(0, arg.find('|'));
  if (op == "SendChannelMessage") return std::string(arg);
  // "arn:aws:chime:<region>:<account>:app-instance/<id>[/...]"
  const size_t at = arg.find(":app-instance/");
  if (at == std::string_view::npos) return std::string(arg);
  const size_t id_end = arg.find('/', at + 14);
  return std::string(arg.substr(0, id_end));
}

namespace {
std::string_view TextArg(sqlite3_value* v) {
  const unsigned char* p = sqlite3_value_text(v);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_value_bytes(v)))
           : std::string_view();
}
int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

void RegisterTokenKeyFunctions(sqlite3* db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  sqlite3_create_function(
      db, "chime_token_key", 1, kFlags, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) { sqlite3_result_int64(ctx, TokenKey(TextArg(argv[0]))); },
      nullptr, nullptr);
  sqlite3_create_function(
      db, "chime_token_container", 1, kFlags, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) {
        std::string c = TokenContainer(TextArg(argv[0]));
        sqlite3_result_text(ctx, c.data(), static_cast<int>(c.size()), SQLITE_TRANSIENT);
      },
      nullptr, nullptr);
  sqlite3_create_function(
      db, "chime_unhex", 1, kFlags, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) {
        std::string_view hex = TextArg(argv[0]);
        std::string out;
        for (size_t i = 0; i + 1 < hex.size(); i += 2) {
          int hi = Nibble(hex[i]), lo = Nibble(hex[i + 1]);
          if (hi < 0 || lo < 0) break;
          out.push_back(static_cast<char>(hi * 16 + lo));
        }
        sqlite3_result_blob(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
      },
      nullptr, nullptr);
}

}  // namespace chime::storage
