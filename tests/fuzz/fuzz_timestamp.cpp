// Fuzzes the query-string timestamp parser (api/protocol/timestamp.*): ISO-8601
// date-times and epoch seconds, as botocore and the JS SDK send them in
// not-before / not-after. UBSan catches overflow in the date arithmetic.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/protocol/timestamp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ms = chime::api::ParseTimestampMs(text);
  // A whole-second ISO value in UTC ("YYYY-MM-DDTHH:MM:SSZ") is a multiple of 1000 ms.
  if (ms && text.size() == 20 && text[10] == 'T' && text[19] == 'Z' && *ms % 1000 != 0) __builtin_trap();
  return 0;
}
