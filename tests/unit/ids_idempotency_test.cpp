// RequestHash must keep the exact bytes of the former definition (SHA-256 of
// dump() of the input without ClientRequestToken): tokens remembered in an
// existing database must still replay. Ids keep their formats and stay unique.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "api/common/canonical_json.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"

namespace chime::api {
namespace {

std::string OldRequestHash(const json& input) {
  json copy = input;
  copy.erase("ClientRequestToken");
  return Sha256Hex(copy.dump());
}

TEST(RequestHash, SameBytesAsDumpWithoutToken) {
  const json inputs[] = {
      json::object(),
      {{"ClientRequestToken", "t"}},
      {{"ChannelArn", "arn:aws:chime:us-east-1:1:app-instance/a/channel/c"},
       {"Content", "h\u00e9llo \"quoted\" \\ \n tab\t"},
       {"ClientRequestToken", "tok-1"},
       {"Type", "STANDARD"},
       {"MaxResults", 5},
       {"Ratio", 0.25},
       {"Flag", true},
       {"Nothing", nullptr},
       {"MessageAttributes", {{"k\"ey", {{"StringValues", {"a", "b"}}}}}},
       {"Target", json::array({{{"MemberArn", "x"}}})}},
      {{"we\"ird\\key\x01", 1}, {"ClientRequestToken", "z"}},
  };
  for (const json& in : inputs) EXPECT_EQ(RequestHash(in), OldRequestHash(in)) << in.dump();
  json a = {{"Content", "x"}, {"ClientRequestToken", "1"}};
  json b = {{"Content", "x"}, {"ClientRequestToken", "2"}};
  json c = {{"Content", "y"}, {"ClientRequestToken", "1"}};
  EXPECT_EQ(RequestHash(a), RequestHash(b));
  EXPECT_NE(RequestHash(a), RequestHash(c));
}

TEST(Ids, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // context reuse
}

TEST(Ids, FormatsAndUniqueness) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const std::regex msg("^[0-9a-f]{64}$");
  std::set<std::string> seen;
  // More than one 4 KiB pool refill for each kind.
  for (int i = 0; i < 1000; ++i) {
    std::string u = NewUuid(), m = NewMessageId();
    ASSERT_TRUE(std::regex_match(u, uuid)) << u;
    ASSERT_TRUE(std::regex_match(m, msg)) << m;
    ASSERT_TRUE(seen.insert(u).second);
    ASSERT_TRUE(seen.insert(m).second);
  }
}

}  // namespace
}  // namespace chime::api

// The canonical form is ours, fixed: these bytes must never change (a change
// would turn honest retries of remembered tokens into ConflictException).
TEST(CanonicalJson, FixedBytes) {
  std::string out;
  chime::api::AppendCanonicalJson(
      nlohmann::json{{"b", 0.1}, {"a", nlohmann::json::array({1, -2, true, nullptr})}, {"c", "q\"\\\n\x01\u00e9"}, {"d", 18446744073709551615ULL}},
      out);
  EXPECT_EQ(out, "{\"a\":[1,-2,true,null],\"b\":0.10000000000000001,\"c\":\"q\\\"\\\\\\n\\u0001\xc3\xa9\",\"d\":18446744073709551615}");
}

TEST(CanonicalJson, RefusesNestingBeyondTheBound) {
  nlohmann::json deep = 1;
  for (int i = 0; i < chime::api::kMaxCanonicalDepth + 5; ++i) deep = nlohmann::json::array({deep});
  std::string out;
  EXPECT_THROW(chime::api::AppendCanonicalJson(deep, out), std::length_error);
}
