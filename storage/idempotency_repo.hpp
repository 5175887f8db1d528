// ClientRequestToken memory. A token is remembered per scope (operation,
// caller and container) together with a hash of the request it came with and
// the response it produced (table client_tokens, compact keys: see
// storage/client_token_keys.hpp). Rows live until the emulator is reset or the
// scope's container (the channel for SendChannelMessage, otherwise the app
// instance) is deleted.
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
// Forgets every token whose container (TokenContainer of its scope) is `container_arn`.
void ForgetTokensOfContainer(Database& db, std::string_view container_arn);
// Forgets every token of exactly this scope.
void ForgetTokensOfScope(Database& db, std::string_view scope);

}  // namespace chime::storage
