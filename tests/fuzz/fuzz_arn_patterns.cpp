// Fuzzes the ARN parser (api/common/arn.*) and the ten hand-written pattern
// matchers (api/protocol/patterns.*) on the UTF-8 decoder's output, with the
// invariants their callers rely on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/common/arn.hpp"
#include "api/protocol/model.hpp"
#include "api/protocol/patterns.hpp"
#include "api/protocol/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chime::api;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto arn = ParseChimeArn(text)) {
    // The app instance ARN is the input's own prefix, and a child ARN is
    // rebuilt exactly from its parts (authorization compares these strings).
    if (text.substr(0, arn->app_instance_arn.size()) != arn->app_instance_arn) __builtin_trap();
    if (arn->app_instance_id.empty()) __builtin_trap();
    if (arn->kind.empty() ? text != arn->app_instance_arn
                          : text != ChildArn(arn->app_instance_arn, arn->kind, arn->id))
      __builtin_trap();
  }

  auto cps = DecodeUtf8(text);
  auto count = CountCodePoints(text);
  if (cps.has_value() != count.has_value()) __builtin_trap();
  if (!cps) return 0;
  if (cps->size() != *count) __builtin_trap();
  for (int id = static_cast<int>(model::PatternId::kNone); id <= static_cast<int>(model::PatternId::kLexIntentName);
       ++id) {
    const auto pattern = static_cast<model::PatternId>(id);
    bool whole = MatchesPattern(pattern, *cps);
    (void)PatternText(pattern);
    // [\s\S]* accepts everything; .* exactly the values without line terminators.
    if (pattern == model::PatternId::kAnything && !whole) __builtin_trap();
  }
  return 0;
}
