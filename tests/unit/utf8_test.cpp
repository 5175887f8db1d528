// UTF-8 decoding: the models count code points, and invalid UTF-8 is refused.
#include "api/protocol/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace chime::api {
namespace {

TEST(Utf8Test, DecodesEveryEncodingLength) {
  auto cps = DecodeUtf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89");  // a é € 🎉
  ASSERT_TRUE(cps);
  EXPECT_EQ(*cps, std::u32string(U"a\u00E9\u20AC\U0001F389"));
  EXPECT_EQ(CountCodePoints("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89"), 4u);
}

TEST(Utf8Test, EmptyAndAscii) {
  EXPECT_EQ(DecodeUtf8("")->size(), 0u);
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("hello"), 5u);
  std::string nul("a\0b", 3);
  EXPECT_EQ(CountCodePoints(nul), 3u);
  EXPECT_EQ(*DecodeUtf8(nul), std::u32string(U"a\0b", 3));
}

TEST(Utf8Test, Boundaries) {
  EXPECT_EQ(*DecodeUtf8("\x7F"), U"\x7F");
  EXPECT_EQ(*DecodeUtf8("\xC2\x80"), U"\x80");
  EXPECT_EQ(*DecodeUtf8("\xDF\xBF"), U"\x7FF");
  EXPECT_EQ(*DecodeUtf8("\xE0\xA0\x80"), U"\x800");
  EXPECT_EQ(*DecodeUtf8("\xED\x9F\xBF"), U"\xD7FF");
  EXPECT_EQ(*DecodeUtf8("\xEE\x80\x80"), U"\xE000");
  EXPECT_EQ(*DecodeUtf8("\xEF\xBF\xBF"), U"\xFFFF");
  EXPECT_EQ(*DecodeUtf8("\xF0\x90\x80\x80"), U"\x10000");
  EXPECT_EQ(*DecodeUtf8("\xF4\x8F\xBF\xBF"), U"\x10FFFF");
}

TEST(Utf8Test, RejectsInvalidSequences) {
  const char* bad[] = {
      "\x80",              // lone continuation
      "a\xBF",             // continuation after ASCII
      "\xC3",              // truncated 2-byte at end
      "\xE2\x82",          // truncated 3-byte at end
      "\xF0\x9F\x8E",      // truncated 4-byte at end
      "\xC3(",             // bad continuation
      "\xE2(\xAC",         // bad continuation in the middle
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xF0\x80\x80\xAF",  // overlong 4-byte
      "\xED\xA0\x80",      // U+D800 surrogate
      "\xED\xBF\xBF",      // U+DFFF surrogate
      "\xF4\x90\x80\x80",  // U+110000
      "\xF5\x80\x80\x80",  // lead byte above F4
      "\xF8\x88\x80\x80\x80",  // 5-byte form
      "\xFE", "\xFF",
  };
  for (const char* s : bad) {
    EXPECT_FALSE(DecodeUtf8(s).has_value()) << ::testing::PrintToString(std::string(s));
    EXPECT_FALSE(CountCodePoints(s).has_value()) << ::testing::PrintToString(std::string(s));
  }
}

TEST(Utf8Test, InvalidInTheMiddleOfValidText) {
  EXPECT_FALSE(DecodeUtf8("caf\xC3\xA9 \xC3 ok"));
  EXPECT_FALSE(CountCodePoints("caf\xC3\xA9 \xC3 ok"));
}

TEST(Utf8Test, CountAgreesWithDecode) {
  for (std::string s : {"", "x", "\xC3\xA9\xC3\xA9", "\xF0\x9F\x8E\x89!", "a\xE2\x80\xA8" "b"}) {
    auto cps = DecodeUtf8(s);
    ASSERT_TRUE(cps);
    EXPECT_EQ(CountCodePoints(s), cps->size()) << s;
  }
}

// The ASCII prefix is scanned eight bytes at a time: a multi-byte or invalid
// sequence at any offset of a long value, and a reused buffer, decode the same.
TEST(Utf8Test, LongAsciiPrefixesAtEveryOffset) {
  std::u32string reused = U"left over from an earlier, longer value: must not show";
  for (size_t at = 0; at < 24; ++at) {
    std::string ascii(at, 'x');
    std::string good = ascii + "\xE2\x82\xAC" + std::string(9, 'y');
    ASSERT_TRUE(DecodeUtf8Into(good, reused)) << at;
    EXPECT_EQ(reused, std::u32string(at, U'x') + U"\u20AC" + std::u32string(9, U'y')) << at;
    EXPECT_EQ(CountCodePoints(good), at + 10) << at;
    std::string bad = ascii + "\xC3(" + std::string(9, 'y');
    EXPECT_FALSE(DecodeUtf8Into(bad, reused)) << at;
    EXPECT_FALSE(CountCodePoints(bad)) << at;
  }
  ASSERT_TRUE(DecodeUtf8Into(std::string(17, 'z'), reused));
  EXPECT_EQ(reused, std::u32string(17, U'z'));
}

}  // namespace
}  // namespace chime::api
