// How many leading bytes of a string a JSON writer can copy as they are:
// none of them a quote, a backslash or a control character (below 0x20),
// nor, when `ascii_only`, 0x7F or above. Eight bytes at a time (the values
// written per request are ARNs, ids and short texts: nearly every byte).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace chime::api {

inline size_t PlainJsonPrefix(std::string_view s, bool ascii_only) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  // Exact (as a yes/no for the word) tests from "Bit Twiddling Hacks": a zero
  // byte, a byte below n (n <= 128).
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  auto has_less = [](uint64_t v, uint64_t n) { return (v - kOnes * n) & ~v & kHigh; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    uint64_t special = has_less(w, 0x20) | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'));
    if (ascii_only) special |= (w & kHigh) | has_zero(w ^ (kOnes * 0x7F));
    if (special) break;
  }
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\' || (ascii_only && c >= 0x7F)) break;
  }
  return i;
}

}  // namespace chime::api
