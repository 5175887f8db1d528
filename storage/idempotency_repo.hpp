// ClientRequestToken memory. A token is remembered per scope (operation,
// caller and container) together with a hash of the request it came with and
// the response it produced. Rows live until the emulator is reset or the
// scope's container (app instance, channel) is deleted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/database.hpp"

namespace chime::storage {

struct IdempotencyRecord {
  std::string request_hash;
  std::string response;
};

std::optional<IdempotencyRecord> FindIdempotencyToken(Database& db, std::string_view scope, std::string_view token);
void SaveIdempotencyToken(Database& db, std::string_view scope, std::string_view token, std::string_view request_hash,
                          std::string_view response, int64_t now_ms);
// Forgets every token whose scope starts with `prefix`.
void ForgetIdempotencyScope(Database& db, std::string_view prefix);

}  // namespace chime::storage
