// Fuzzes seed documents (--seed-file, POST /_chime-local/seed): api::ParseSeed
// (the JSON depth bound, the shape checks, unknown members at every level,
// fixed ids) on every input, and for inputs with flag bit0 the whole seed
// through POST /_chime-local/seed on a seeded in-memory store (each entry
// validated and run by its API handler, all or nothing). The store is made
// anew every kInputsPerStore applying inputs, as in fuzz_operation.
//
// Input layout:
//   byte 0   flags: bit0 also apply the seed; bit1 bytes 1-3 hold N (24-bit
//            little-endian) and every "@@" in the document becomes N '[' then
//            N ']' (so a 10-byte input reaches the nesting that once
//            overflowed the stack: 400,000 levels took an 800 KB body)
//   rest     the seed document; ${app} ${user} ${channel} ... become the
//            seeded resources' values (see SeededStore) when applied.
// Invariants: ParseSeed refuses only with BadRequest; applying answers 200 or
// 400, and 400 whenever ParseSeed refused.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/control/seed.hpp"
#include "api/protocol/api_error.hpp"
#include "tests/fuzz/seeded_store.hpp"

namespace {

constexpr int kInputsPerStore = 200;
// The server's default --max-body-bytes: a seed POSTed over HTTP is never larger, and a larger
// text only measures how fast a string is scanned (a 3 MB one timed out a starved run).
constexpr size_t kMaxExpandedBytes = size_t{1} << 20;

chime::fuzz::SeededStore& Store() {
  static std::unique_ptr<chime::fuzz::SeededStore> store;
  static int uses = 0;
  if (!store || ++uses >= kInputsPerStore) {
    store.reset();
    store = std::make_unique<chime::fuzz::SeededStore>();
    uses = 0;
  }
  return *store;
}

std::string ExpandNesting(std::string_view text, size_t n) {
  std::string out;
  const std::string nest = std::string(n, '[') + std::string(n, ']');
  for (size_t at = 0;;) {
    const size_t hit = text.find("@@", at);
    if (hit == std::string_view::npos || out.size() + nest.size() > kMaxExpandedBytes) {
      out.append(text.substr(at));
      return out;
    }
    out.append(text.substr(at, hit - at));
    out += nest;
    at = hit + 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chime;
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string doc;
  if (flags & 2) {
    if (rest.size() < 3) return 0;
    const size_t n = size_t{static_cast<uint8_t>(rest[0])} | size_t{static_cast<uint8_t>(rest[1])} << 8 |
                     size_t{static_cast<uint8_t>(rest[2])} << 16;
    doc = ExpandNesting(rest.substr(3), n);
  } else {
    doc = std::string(rest);
  }

  bool accepted = false;
  try {
    accepted = api::ParseSeed(doc).is_object();
    if (!accepted) __builtin_trap();  // ParseSeed promises an object or BadRequest
  } catch (const api::ApiError& e) {
    if (e.type() != api::ErrorType::kBadRequest) __builtin_trap();
  }
  if (!(flags & 1)) return 0;

  fuzz::SeededStore& store = Store();
  api::HttpRequest req;
  req.method = "POST";
  req.target = "/_chime-local/seed";
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = accepted ? store.Expand(doc) : doc;
  const api::HttpResponse res = store.Handle(req);
  if (res.status != 200 && res.status != 400) __builtin_trap();
  if (!accepted && res.status != 400) __builtin_trap();
  return 0;
}
