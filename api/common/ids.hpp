// Identifiers in the formats the real service uses: lowercase UUIDs for app
// instances and channels, 64 lowercase hex characters for message ids, UUIDs
// for request ids. Randomness from OpenSSL's CSPRNG (buffered per thread).
#pragma once

#include <string>

namespace chime::api {

std::string NewUuid();
std::string NewMessageId();  // 32 random bytes as 64 lowercase hex chars
std::string Sha256Hex(std::string_view data);

// The input member through which a seed file (api/control/seed.cpp) fixes the
// id of an app instance or a message. The binder drops body members the model
// does not define, and no model member has this name, so API callers can never
// choose an id.
inline constexpr const char* kSeedFixedIdMember = "chime-local:SeedFixedId";

}  // namespace chime::api
