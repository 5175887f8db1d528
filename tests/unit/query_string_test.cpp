// The one percent-decoder and query parser, with the edge cases each former
// copy handled (router, control plane, /connect, SigV4 credential scope).
#include "api/protocol/query_string.hpp"

#include <gtest/gtest.h>

#include "api/protocol/api_error.hpp"

namespace chime::api {
namespace {

using Pair = std::pair<std::string, std::string>;

std::optional<std::string> Strict(std::string_view s) { return PercentDecode(s, /*plus_as_space=*/false); }

TEST(QueryStringTest, PercentDecode) {
  EXPECT_EQ(Strict("a%3Ab%2fc%20d"), "a:b/c d");
  EXPECT_EQ(Strict("%41"), "A");  // escape at the very end
  EXPECT_EQ(Strict(""), "");
  EXPECT_EQ(Strict("a+b"), "a+b");  // '+' is literal in a path or rest-json query
  EXPECT_EQ(Strict("%C3%A9"), "\xC3\xA9");
  EXPECT_EQ(Strict("%4"), std::nullopt);
  EXPECT_EQ(Strict("%"), std::nullopt);
  EXPECT_EQ(Strict("%-1"), std::nullopt);
  EXPECT_EQ(Strict("%zz"), std::nullopt);
  EXPECT_EQ(Strict("ok%2"), std::nullopt);  // truncated at the end
}

TEST(QueryStringTest, PlusAsSpaceOnlyForALiteralPlus) {
  EXPECT_EQ(PercentDecode("a+b%2Bc", /*plus_as_space=*/true), "a b+c");
  EXPECT_EQ(PercentDecode("a+b%2Bc", /*plus_as_space=*/false), "a+b+c");
}

TEST(QueryStringTest, BadEscapeKeptAsSentKeepsOnlyThatPercent) {
  auto lenient = [](std::string_view s) { return PercentDecode(s, false, BadEscape::kKeepAsSent); };
  EXPECT_EQ(lenient("%"), "%");
  EXPECT_EQ(lenient("%4"), "%4");
  EXPECT_EQ(lenient("100%"), "100%");
  EXPECT_EQ(lenient("%zz%41"), "%zzA");  // the good escape after it is still decoded
  EXPECT_EQ(lenient("a%2Fb"), "a/b");
}

TEST(QueryStringTest, QueryPart) {
  EXPECT_EQ(QueryPart("/connect?a=1&b=2"), "a=1&b=2");
  EXPECT_EQ(QueryPart("/connect"), "");
  EXPECT_EQ(QueryPart("/x?"), "");
  EXPECT_EQ(QueryPart("/x?a=?b"), "a=?b");  // only the first '?' splits
}

TEST(QueryStringTest, ParseQueryKeepsOrderAndDecodes) {
  QueryParams q = ParseQuery("b=2&a=%2F&flag&=x&&c=");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0], (Pair{"b", "2"}));
  EXPECT_EQ(q[1], (Pair{"a", "/"}));
  EXPECT_EQ(q[2], (Pair{"flag", ""}));
  EXPECT_EQ(q[3], (Pair{"", "x"}));
  EXPECT_EQ(q[4], (Pair{"c", ""}));
}

TEST(QueryStringTest, ParseQueryKeepsEmptyValues) {
  QueryParams q = ParseQuery("c=&d=1");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].first, "c");
  EXPECT_EQ(q[0].second, "");
  EXPECT_EQ(q[1].second, "1");
}

TEST(QueryStringTest, ParseQueryKeepsRepeatedNamesInOrder) {
  QueryParams q = ParseQuery("a=1&a=2&b=x=y");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], (Pair{"a", "1"}));
  EXPECT_EQ(q[1], (Pair{"a", "2"}));
  EXPECT_EQ(q[2], (Pair{"b", "x=y"}));  // only the first '=' splits
  EXPECT_EQ(LastValues(q), (std::map<std::string, std::string>{{"a", "2"}, {"b", "x=y"}}));
}

TEST(QueryStringTest, ParseQueryRejectsABadEscapeInNameOrValue) {
  for (const char* query : {"max-results=%zz", "next-token%2=1", "a=1&b=%", "%=1"}) {
    try {
      ParseQuery(query);
      ADD_FAILURE() << query;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.type(), ErrorType::kBadRequest) << query;
      EXPECT_STREQ(e.what(), "Malformed percent-encoding in the query string") << query;
    }
  }
}

// The control plane's rules: form-style '+', an empty pair is a parameter.
TEST(QueryStringTest, ControlRulesPlusAndEmptyPairs) {
  const QueryRules control{.plus_as_space = true, .keep_empty_pairs = true};
  EXPECT_EQ(ParseQuery("operation=Send+Channel%2BMessage", control), (QueryParams{{"operation", "Send Channel+Message"}}));
  EXPECT_EQ(ParseQuery("&a=1", control), (QueryParams{{"", ""}, {"a", "1"}}));
  EXPECT_EQ(ParseQuery("a=1&&b=2", control), (QueryParams{{"a", "1"}, {"", ""}, {"b", "2"}}));
  EXPECT_EQ(ParseQuery("a=1&", control), (QueryParams{{"a", "1"}}));  // nothing after the last '&'
  EXPECT_EQ(ParseQuery("", control), QueryParams{});
  EXPECT_THROW(ParseQuery("a=%G0", control), ApiError);
  EXPECT_EQ(ParseQuery("&a=1&&b=2&"), (QueryParams{{"a", "1"}, {"b", "2"}}));  // default rules skip them
}

// The /connect URL's rules: a bad escape stays as sent, nothing throws.
TEST(QueryStringTest, ConnectRulesKeepBadEscapes) {
  const QueryRules connect{.bad_escape = BadEscape::kKeepAsSent};
  EXPECT_EQ(ParseQuery("userArn=arn%3Aaws%zz&sessionId=%&prefetch-on", connect),
            (QueryParams{{"userArn", "arn:aws%zz"}, {"sessionId", "%"}, {"prefetch-on", ""}}));
  EXPECT_EQ(ParseQuery("a=x+y", connect), (QueryParams{{"a", "x+y"}}));
}

}  // namespace
}  // namespace chime::api
