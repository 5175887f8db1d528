// Compact keys of the ClientRequestToken memory (schema v3). A scope such as
// "SendChannelMessage|<channel arn>|<bearer arn>" (about 220 bytes) is stored
// as a 64-bit key, and the container whose deletion forgets the token (the
// channel for SendChannelMessage, otherwise the app instance) as another one,
// so a send adds two small index entries instead of a 220-byte primary key.
// FNV-1a 64: stable across versions and platforms (the keys are on disk); a
// collision would need the same token too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace chime::storage {

int64_t TokenKey(std::string_view text);
// "SendChannelMessage|<channel>|..." -> "<channel>"; "<Op>|<arn of or under an
// app instance>|..." -> "arn:...:app-instance/<id>"; otherwise the first field.
std::string TokenContainer(std::string_view scope);
// Registers chime_token_key(text), chime_token_container(scope) and
// chime_unhex(text) on `db`, for the v3 migration of existing tokens.
void RegisterTokenKeyFunctions(sqlite3* db);

}  // namespace chime::storage
