// PlainJsonParser (api/protocol/plain_json_parser.hpp): whatever it accepts it
// must parse to nlohmann's value, number types included; the rest it leaves
// to nlohmann.
#include "api/protocol/plain_json_parser.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <functional>
#include <random>
#include <string>

namespace chime::api {
namespace {

using nlohmann::json;

// json's == calls 5 and 5u equal: compare the types too.
bool SameTree(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !SameTree(*ia, *ib)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameTree(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

// Accepted text parses as nlohmann parses it; refused text is left to nlohmann.
void ExpectAgrees(const std::string& text, bool expect_accepted) {
  auto plain = ParsePlainJson(text, 64);
  EXPECT_EQ(plain.has_value(), expect_accepted) << text;
  if (!plain) return;
  json reference = json::parse(text);
  EXPECT_TRUE(SameTree(*plain, reference)) << text << " -> " << plain->dump() << " vs " << reference.dump();
}

TEST(PlainJsonParser, AcceptsWhatSdksSendAsNlohmannParsesIt) {
  ExpectAgrees(R"({"Content":"benchmark message 1","Type":"STANDARD","Persistence":"PERSISTENT","ClientRequestToken":"t-1"})", true);
  ExpectAgrees(" { \"a\" : [ 1 , -2 , 0 , -0 , true , false , null , { } , [ ] ] , \"b\" : { \"c\" : \"\" } }\r\n\t", true);
  ExpectAgrees(R"({"MaxResults":50,"Big":999999999999999999,"Neg":-999999999999999999})", true);
  ExpectAgrees(R"({"a":1,"a":2})", true);  // the last wins
  ExpectAgrees(R"("just a string")", true);
  ExpectAgrees(R"([1,2,3])", true);
  ExpectAgrees(std::string(R"({"del":")") + '\x7f' + "\"}", true);
}

TEST(PlainJsonParser, LeavesEverythingElseToNlohmann) {
  for (const char* text : {
           R"({"a":"escaped \" quote"})", R"({"a":"\u00e9"})", "{\"a\":\"h\xc3\xa9llo\"}", R"({"a":1.5})",
           R"({"a":1e3})", R"({"a":1234567890123456789})", R"({"a":-1234567890123456789})", R"({"a":01})",
           R"({"a":-})", R"({"a":tru})", R"({"a":truex})", R"({"a":1,})", R"({"a" 1})", R"({'a':1})", R"({"a":1}})",
           R"({"a":1} {"b":2})", "", "   ", "{", "[", "{\"a\":\"tab\there\"}", "\xef\xbb\xbf{}",
       }) {
    ExpectAgrees(text, false);
  }
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "[";
  for (int i = 0; i < 65; ++i) deep += "]";
  ExpectAgrees(deep, false);
  ExpectAgrees(deep.substr(1, 128), true);  // 64 levels
}

// Random documents and random damage to them: never a different value.
TEST(PlainJsonParser, RandomTextNeverParsesToAnotherValue) {
  std::mt19937 rng(12345);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::function<json(int)> make = [&](int depth) -> json {
    switch (depth > 3 ? pick(5) : pick(7)) {
      case 0: return pick(2) == 0;
      case 1: return nullptr;
      case 2: return static_cast<int64_t>(rng()) - (1ll << 31);
      case 3: return pick(3) == 0 ? 0.5 * pick(100) : static_cast<double>(pick(1000));
      case 4: return std::string(static_cast<size_t>(pick(12)), static_cast<char>('a' + pick(26)));
      case 5: {
        json a = json::array();
        for (int i = pick(4); i > 0; --i) a.push_back(make(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        for (int i = pick(4); i > 0; --i) o[std::string(1, static_cast<char>('A' + pick(26)))] = make(depth + 1);
        return o;
      }
    }
  };
  const std::string damage = "{}[]\",:-0123456789.eE \\tfnu\x01\x80";
  for (int round = 0; round < 3000; ++round) {
    std::string text = make(0).dump(pick(2) ? -1 : 1);
    for (int k = pick(3); k > 0 && !text.empty(); --k) {
      const size_t at = static_cast<size_t>(pick(static_cast<int>(text.size())));
      const char c = damage[static_cast<size_t>(pick(static_cast<int>(damage.size())))];
      switch (pick(3)) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<long>(at), c); break;
        default: text.erase(at, 1); break;
      }
    }
    auto plain = ParsePlainJson(text, 64);
    if (!plain) continue;
    json reference = json::parse(text, nullptr, false);
    ASSERT_FALSE(reference.is_discarded()) << text;
    ASSERT_TRUE(SameTree(*plain, reference)) << text;
  }
}

}  // namespace
}  // namespace chime::api
