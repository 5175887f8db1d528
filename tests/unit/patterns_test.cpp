// The hand-written matchers must agree with the models' Java regular
// expressions (whole-value match, '.' excludes line terminators).
#include "api/protocol/patterns.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/protocol/utf8.hpp"

namespace chime::api {
namespace {

using model::PatternId;

bool M(PatternId id, const std::string& utf8) {
  auto cps = DecodeUtf8(utf8);
  EXPECT_TRUE(cps.has_value()) << "test value is not UTF-8";
  return cps && MatchesPattern(id, *cps);
}
bool M32(PatternId id, std::u32string_view cps) { return MatchesPattern(id, cps); }

struct Case {
  PatternId id;
  std::vector<std::string> accept;
  std::vector<std::string> reject;
};

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/8b0e3d0a-6f4b-4d2c-9b1e-2f7a1c3d5e6f";

std::vector<Case> Cases() {
  return {
      {PatternId::kAnyLine, {"", "abc", "tab\there", "é 🎉"}, {"a\nb", "a\rb", "\n", "x\xC2\x85y", "x\xE2\x80\xA8", "\xE2\x80\xA9"}},
      {PatternId::kAnything, {"", "a\nb\r\n", "\xE2\x80\xA8", "🎉"}, {}},
      {PatternId::kNonBlank,
       {"a", " a ", "\ta", "é", "   x   ", "a\xC2\xA0"},
       {"", " ", "\t\t", "\n", "a\nb", " \r "}},
      {PatternId::kToken,
       {"", "abc", "A-b_C-9", "0123456789abcdef"},
       {"a b", "a.b", "a:b", "é", "a/b", "a=b"}},
      {PatternId::kResourceId,
       {"a", "Z", "7", "ab", "a-b", "a@b", "a.b", "a:b", "a_b", "us-east-1:7a9b3c2d-1111-2222-3333-444455556666",
        std::string(64, 'x'), "a" + std::string(62, '-') + "b"},
       {"", std::string(65, 'x'), "-a", "a-", "@a", "a@", ".a", "a b", "a/b", "é", "a" + std::string(63, '-') + "b",
        "_a", "a:"}},
      {PatternId::kResourceName,
       {"", "name", "tab\tnl\ncr\r", "é", "\xC2\x85", "\xEE\x80\x80", "\xEF\xBF\xBD", "🎉", "\xF4\x8F\xBF\xBF"},
       {std::string(1, '\0'), "\x01", "\x08", "a\x0B", "\x0C", "\x1F", "\x7F", "\xC2\x80", "\xC2\x9F",
        "\xEF\xBF\xBE", "\xEF\xBF\xBF"}},
      {PatternId::kChimeArn,
       {kApp, kApp + "/user/us-east-1:abc", kApp + "/channel/c1", "arn:a::::x", "arn:aws-cn:chime::123:x/y",
        "arn:a.b:c-d:e:f:" + std::string(1024, 'r'), "arn:aws:chime:us-east-1:123456789012:é🎉"},
       {"", "arn", "arn:aws:chime:us-east-1:123456789012:", "arn:aws:chime:us-east-1:123456789012:/app-instance/x",
        "arn:aws:chime:us-east-1:123456789012:app\ninstance", "arn:AWS:chime:us-east-1:123456789012:app-instance/x",
        "arn:aws:Chime:us-east-1:123456789012:x", "arn::chime:us-east-1:1:x", "arn:aws:chime:us_east:1:x",
        "xarn:aws:chime:r:a:x", "arn:aws:chime:r:a", "arn:a:b:c:d:" + std::string(1025, 'r'),
        "arn:" + std::string(64, 'a') + ":b:c:d:e", "arn:aws:chime:us-east-1:123456789012:x\r",
        "arn:aws:chime:us-east-1:123456789012:x\xE2\x80\xA8y"}},
      {PatternId::kLambdaFunctionArn,
       {"arn:aws:lambda:us-east-1:123456789012:function:my-fn", "arn:aws:lambda:eu-west-3:123456789012:function:f.n_1",
        "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:fn:prod-1",
        "arn:aws:lambda:us-east-1:123456789012:function:fn:7"},
       {"arn:aws:lambda:us-east-1:12345678901:function:fn", "arn:aws:lambda:us-east-1:1234567890123:function:fn",
        "arn:aws:lambda:useast-1:123456789012:function:fn", "arn:aws:lambda:us-east-12:123456789012:function:fn",
        "arn:aws:lambda:us-east-1:123456789012:function:", "arn:aws:lambda:us-east-1:123456789012:function:fn:",
        "arn:aws:lambda:us-east-1:123456789012:function:fn:$latest", "arn:aws:lambda:us-east-1:123456789012:function:fn:a.b",
        "arn:aws:lambda:us-east-1:123456789012:function:fn:a:b", "arn:aws-cn:lambda:us-east-1:123456789012:function:fn",
        "arn:aws:lambda:US-east-1:123456789012:function:fn", "arn:aws:lambda:us-east-1:123456789012:layer:fn"}},
      {PatternId::kLexBotAliasArn,
       {"arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/0123456789"},
       {"arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHI/0123456789",
        "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJK/0123456789",
        "arn:aws:lex:us-east-1:123456789012:bot-alias/abcdefghij/0123456789",
        "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/0123456789/",
        "arn:aws:lex:us-east-1:123456789012:bot/ABCDEFGHIJ/0123456789",
        "arn:aws:lex:us-east-1:12345678901:bot-alias/ABCDEFGHIJ/0123456789"}},
      {PatternId::kLexIntentName,
       {"a", "Intent", "a_b", "a_", "A_b_C_", "OrderPizza"},
       {"", "_", "_a", "a__b", "a b", "a1", "a-b", "é"}},
  };
}

TEST(PatternsTest, AcceptsAndRejectsPerPattern) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE("pattern " + std::string(PatternText(c.id)));
    EXPECT_FALSE(c.accept.empty());
    for (const std::string& v : c.accept) EXPECT_TRUE(M(c.id, v)) << "should accept: " << v;
    for (const std::string& v : c.reject) EXPECT_FALSE(M(c.id, v)) << "should reject: " << v;
  }
}

TEST(PatternsTest, ResourceNameRejectsLowControlCharsAndNonCharacters) {
  for (char32_t c = 0; c <= 8; ++c) EXPECT_FALSE(M32(PatternId::kResourceName, std::u32string(1, c))) << int(c);
  EXPECT_TRUE(M32(PatternId::kResourceName, U"\u0009"));
  EXPECT_FALSE(M32(PatternId::kResourceName, U"ok\uFFFE"));
  EXPECT_FALSE(M32(PatternId::kResourceName, U"\uFFFF"));
  EXPECT_TRUE(M32(PatternId::kResourceName, U"\uFFFD"));
  EXPECT_TRUE(M32(PatternId::kResourceName, U"\U00010000"));
  EXPECT_TRUE(M32(PatternId::kResourceName, U"\U0010FFFF"));
}

TEST(PatternsTest, ChimeArnFirstResourceCharMayBeAnythingButSlash) {
  // [^/] is a negated class: in Java it matches a line terminator too.
  EXPECT_TRUE(M(PatternId::kChimeArn, "arn:aws:chime:r:a:\nx"));
  EXPECT_FALSE(M(PatternId::kChimeArn, "arn:aws:chime:r:a:\nx\n"));
  EXPECT_TRUE(M(PatternId::kChimeArn, "arn:aws:chime:r:a::"));
}

TEST(PatternsTest, NonBlankFollowsJavaSemantics) {
  // \S matches U+0085/U+2028 (not whitespace in Java's ASCII \s), '.' does not:
  // ".*\S.*" accepts exactly one such terminator, consumed by \S.
  EXPECT_TRUE(M32(PatternId::kNonBlank, U"a\u2028"));
  EXPECT_TRUE(M32(PatternId::kNonBlank, U"a\u2028b"));
  EXPECT_TRUE(M32(PatternId::kNonBlank, U"\u0085"));
  EXPECT_FALSE(M32(PatternId::kNonBlank, U"a\u2028\u2028"));
  EXPECT_FALSE(M32(PatternId::kNonBlank, U"\u2029 \u2029"));
  EXPECT_FALSE(M32(PatternId::kNonBlank, U"a\nb"));
}

TEST(PatternsTest, EveryPatternHasItsModelText) {
  EXPECT_EQ(PatternText(PatternId::kNone), "");
  EXPECT_EQ(PatternText(PatternId::kLexIntentName), "^([A-Za-z]_?)+$");
  EXPECT_EQ(PatternText(PatternId::kToken), "[-_a-zA-Z0-9]*");
  for (PatternId id : {PatternId::kAnyLine, PatternId::kAnything, PatternId::kNonBlank, PatternId::kToken,
                       PatternId::kResourceId, PatternId::kResourceName, PatternId::kChimeArn,
                       PatternId::kLambdaFunctionArn, PatternId::kLexBotAliasArn, PatternId::kLexIntentName})
    EXPECT_FALSE(PatternText(id).empty());
}

TEST(PatternsTest, NoneAcceptsEverything) {
  EXPECT_TRUE(M32(PatternId::kNone, U""));
  EXPECT_TRUE(M32(PatternId::kNone, U"\n\uFFFF"));
}

}  // namespace
}  // namespace chime::api
