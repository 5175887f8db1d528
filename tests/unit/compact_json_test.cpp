// CompactJson (api/protocol/compact_json.hpp): every answer body is written
// by it, so its bytes must be dump()'s for every kind of value.
#include "api/protocol/compact_json.hpp"

#include "api/common/json_text_scan.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace chime::api {
namespace {

using nlohmann::json;

std::string Compact(const json& v) {
  std::string out;
  AppendCompactJson(v, out);
  return out;
}

std::string Dumped(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

TEST(CompactJson, SameBytesAsDump) {
  const json values[] = {
      json(),
      json::object(),
      json::array(),
      {{"ChannelArn", "arn:aws:chime:us-east-1:123456789012:app-instance/a/channel/c"},
       {"MessageId", "0123abcd"},
       {"Status", {{"Value", "SENT"}}}},
      {{"CreatedTimestamp", 1700000000.123}, {"Half", 0.5}, {"Big", 1e300}, {"Tiny", 5e-324}, {"Whole", 3.0},
       {"NegativeZero", -0.0}, {"Zero", 0.0}, {"Negative", -1765065600.125}, {"Third", 1.0 / 3}, {"Max", 1.7976931348623157e308}},
      {{"Nan", std::numeric_limits<double>::quiet_NaN()}, {"Inf", std::numeric_limits<double>::infinity()}},
      {{"Min", std::numeric_limits<int64_t>::min()}, {"Max", std::numeric_limits<uint64_t>::max()}, {"Zero", 0},
       {"Negative", -42}},
      {{"Flags", {true, false, nullptr}}, {"Nested", {{{"a", {{"b", json::array({1, "x"})}}}}}}},
      {{"Escapes", "quote \" backslash \\ slash / newline \n tab \t nul " + std::string(1, '\0') + " \x01 \x1f \x7f"}},
      {{"Unicode", "h\u00e9llo \u20ac \U0001F389"}, {"k\u00e9y \"q\"", 1}},
      {{"Invalid", std::string("bad \xC3( and \xFF end")}},
      json("just a string"),
      json(7),
  };
  for (const json& v : values) EXPECT_EQ(Compact(v), Dumped(v)) << Dumped(v);
}

TEST(CompactJson, StrictThrowsOnInvalidUtf8AsDumpDoes) {
  const json bad = {{"Invalid", std::string("bad \xC3(")}};
  std::string out;
  EXPECT_THROW(AppendCompactJson(bad, out, json::error_handler_t::strict), json::type_error);
  EXPECT_THROW(bad.dump(), json::type_error);
  const json good = {{"Unicode", "h\u00e9llo"}, {"n", 1}};
  std::string ok;
  AppendCompactJson(good, ok, json::error_handler_t::strict);
  EXPECT_EQ(ok, good.dump());
}

// The word-at-a-time scan stops at exactly the first byte a writer must not
// copy as it is, wherever it sits in the word, for every byte value.
TEST(CompactJson, PlainPrefixStopsAtEveryByteThatNeedsCare) {
  for (int b = 0; b < 256; ++b) {
    const unsigned char c = static_cast<unsigned char>(b);
    const bool escaped = c < 0x20 || c == '"' || c == '\\';
    const bool non_ascii = c >= 0x7F;
    for (size_t at = 0; at < 20; ++at) {
      std::string s(24, 'a');
      s[at] = static_cast<char>(c);
      EXPECT_EQ(PlainJsonPrefix(s, false), escaped ? at : 24) << b << " at " << at;
      EXPECT_EQ(PlainJsonPrefix(s, true), escaped || non_ascii ? at : 24) << b << " at " << at;
    }
  }
  EXPECT_EQ(PlainJsonPrefix("", true), 0u);
}

TEST(CompactJson, Appends) {
  std::string out = "x";
  AppendCompactJson(json{{"a", 1}}, out);
  EXPECT_EQ(out, "x{\"a\":1}");
}

}  // namespace
}  // namespace chime::api
