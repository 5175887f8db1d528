// Fuzzes route -> bind -> validate -> handler -> encode for every operation of
// both models, through the synchronous api::Dispatcher::Handle on a seeded
// in-memory store. Seeding costs ~30 ms under ASan, so the store is made anew
// every kInputsPerStore inputs (state left by earlier inputs, e.g. a deleted
// channel, lasts until then); CHIME_FUZZ_FRESH_STORE=1 makes it anew for every
// input, to reproduce a crash that needs a clean store.
//
// Input layout:
//   byte 0   operation index into model::Operations() (modulo their count)
//   byte 1   flags: bit0 send the admin as x-amz-chime-bearer, bit1 send the
//            member instead, bit2 take path label values from the input,
//            bit3 a query string follows
//   rest     if bit2: one line per path label ('\n'-terminated, raw text that
//            is percent-encoded like botocore does); if bit3: one line of raw
//            query string; then the body. ${app} ${user} ${channel} ... in any
//            of them become the seeded resources' values (see SeededStore).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "api/protocol/model.hpp"
#include "tests/fuzz/seeded_store.hpp"

namespace {

constexpr int kInputsPerStore = 200;

chime::fuzz::SeededStore& Store() {
  static const bool fresh_each_input = [] {
    const char* v = std::getenv("CHIME_FUZZ_FRESH_STORE");
    return v != nullptr && std::string_view(v) == "1";
  }();
  static std::unique_ptr<chime::fuzz::SeededStore> store;
  static int uses = 0;
  if (!store || fresh_each_input || ++uses >= kInputsPerStore) {
    store.reset();
    store = std::make_unique<chime::fuzz::SeededStore>();
    uses = 0;
  }
  return *store;
}

std::string_view NextLine(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chime;
  if (size < 2) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);

  const auto ops = api::model::Operations();
  const api::model::OperationDef& op = ops[data[0] % ops.size()];
  const uint8_t flags = data[1];

  fuzz::SeededStore& store = Store();
  api::HttpRequest req;
  req.method = std::string(op.method);
  for (const api::model::PathSegment& seg : api::model::Segments(op)) {
    req.target += '/';
    if (!seg.is_label) {
      req.target += seg.text;
    } else if (flags & 4) {
      req.target += fuzz::PercentEncode(store.Expand(NextLine(rest)));
    } else {
      req.target += fuzz::PercentEncode(store.Label(seg.text));
    }
  }
  if (req.target.empty()) req.target = "/";
  std::string query;
  if (!op.query_key.empty()) query = std::string(op.query_key) + "=" + std::string(op.query_value);
  if (flags & 8) {
    std::string extra = store.Expand(NextLine(rest));
    if (!extra.empty()) query += (query.empty() ? "" : "&") + extra;
  }
  if (!query.empty()) req.target += "?" + query;
  if (flags & 1) req.headers.emplace_back("x-amz-chime-bearer", store.admin());
  else if (flags & 2) req.headers.emplace_back("x-amz-chime-bearer", store.user());
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = store.Expand(rest);

  api::HttpResponse res = store.Handle(req);
  // Handle() promises a modeled answer for everything: never a 5xx but the
  // deliberate 501 for operations not built yet.
  if (res.status >= 500 && res.status != 501) __builtin_trap();
  return 0;
}
