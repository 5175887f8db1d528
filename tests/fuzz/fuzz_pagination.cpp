// Fuzzes the NextToken decoder (api/handler_support/pagination.*): any string is either
// a BadRequestException or the cursor it was encoded from, and every cursor
// survives an encode/decode round trip for its own scope only.
//
// Input: up to the first '\n' is the listing scope, the rest the token. The
// first 16 bytes after it, read as two int64, also make a cursor to round-trip.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "api/handler_support/pagination.hpp"
#include "api/protocol/api_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chime::api;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string_view scope = text.substr(0, nl);
  std::string_view token = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);

  try {
    PageCursor c = DecodeNextToken(scope, token);
    // A token accepted for this scope re-encodes to a token that decodes the same.
    PageCursor again = DecodeNextToken(scope, EncodeNextToken(scope, c));
    if (again.key != c.key || again.tiebreak != c.tiebreak) __builtin_trap();
  } catch (const ApiError& e) {
    if (e.type() != ErrorType::kBadRequest) __builtin_trap();
  }

  if (token.size() >= 16) {
    PageCursor c;
    std::memcpy(&c.key, token.data(), 8);
    std::memcpy(&c.tiebreak, token.data() + 8, 8);
    std::string encoded = EncodeNextToken(scope, c);
    PageCursor back = DecodeNextToken(scope, encoded);  // must not throw
    if (back.key != c.key || back.tiebreak != c.tiebreak) __builtin_trap();
    try {
      DecodeNextToken(std::string(scope) + "/other", encoded);
      __builtin_trap();  // a token of another listing must be refused
    } catch (const ApiError&) {
    }
  }
  return 0;
}
