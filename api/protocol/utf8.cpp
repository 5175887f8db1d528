#include "api/protocol/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace chime::api {

namespace {

// Length of the all-ASCII prefix of s, eight bytes at a time (most values
// bound from a request are ASCII: ARNs, tokens, enum-like strings).
size_t AsciiPrefix(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ull) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

// Decodes one code point at s[i], advancing i; returns -1 when invalid.
long Next(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int extra;
  long cp;
  long min;
  if ((c & 0xE0) == 0xC0) {
    extra = 1, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3, cp = c & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + static_cast<size_t>(extra) >= s.size()) return -1;  // truncated sequence
  for (int k = 1; k <= extra; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += extra + 1;
  return cp;
}
}  // namespace

std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  if (!DecodeUtf8Into(s, out)) return std::nullopt;
  return out;
}

bool DecodeUtf8Into(std::string_view s, std::u32string& out) {
  // Never more code points than bytes: written in place, then cut to size.
  out.resize(s.size());
  char32_t* o = out.data();
  const size_t ascii = AsciiPrefix(s);
  for (size_t k = 0; k < ascii; ++k) o[k] = static_cast<unsigned char>(s[k]);
  size_t n = ascii, i = ascii;
  while (i < s.size()) {
    long cp = Next(s, i);
    if (cp < 0) return false;
    o[n++] = static_cast<char32_t>(cp);
  }
  out.resize(n);
  return true;
}

std::optional<size_t> CountCodePoints(std::string_view s) {
  size_t i = AsciiPrefix(s), n = i;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else if (Next(s, i) < 0) {
      return std::nullopt;
    }
    ++n;
  }
  return n;
}

}  // namespace chime::api
