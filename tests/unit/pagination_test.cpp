// NextToken: keyset cursor round trip; a token of another listing or a
// tampered token is refused with BadRequestException.
#include "api/handler_support/pagination.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api/protocol/api_error.hpp"

namespace chime::api {
namespace {

using nlohmann::json;

const std::string kScope = "ListChannels|arn:aws:chime:us-east-1:123456789012:app-instance/a|PUBLIC";

ErrorType DecodeError(std::string_view scope, std::string_view token) {
  try {
    DecodeNextToken(scope, token);
  } catch (const ApiError& e) {
    return e.type();
  }
  ADD_FAILURE() << "token accepted: " << token;
  return ErrorType::kNotImplemented;
}

TEST(PaginationTest, RoundTrip) {
  for (PageCursor c : {PageCursor{0, 0}, PageCursor{1723032000123, 42}, PageCursor{-5, 7},
                       PageCursor{INT64_MAX, INT64_MIN}, PageCursor{1, 1}}) {
    std::string token = EncodeNextToken(kScope, c);
    PageCursor back = DecodeNextToken(kScope, token);
    EXPECT_EQ(back.key, c.key);
    EXPECT_EQ(back.tiebreak, c.tiebreak);
  }
}

TEST(PaginationTest, TokenIsUrlSafeAndFitsTheModel) {
  std::string token = EncodeNextToken(kScope, {1723032000123, 123456789});
  for (char c : token) EXPECT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
  EXPECT_LE(token.size(), 2048u);  // NextToken max length in the models
  EXPECT_FALSE(token.empty());
}

TEST(PaginationTest, TokenOfAnotherScopeIsBadRequest) {
  std::string token = EncodeNextToken(kScope, {10, 3});
  EXPECT_EQ(DecodeError("ListChannels|arn:aws:chime:us-east-1:123456789012:app-instance/a|PRIVATE", token),
            ErrorType::kBadRequest);
  EXPECT_EQ(DecodeError("ListAppInstanceUsers|x", token), ErrorType::kBadRequest);
  EXPECT_EQ(DecodeError("", token), ErrorType::kBadRequest);
}

TEST(PaginationTest, GarbageIsBadRequest) {
  for (std::string bad : std::vector<std::string>{"abc", "!!!!", "v1", "dGVzdA", "a b", std::string(100, 'A'), "%%%", "=="}) {
    EXPECT_EQ(DecodeError(kScope, bad), ErrorType::kBadRequest) << bad;
  }
}

TEST(PaginationTest, EveryTamperedCharacterIsRefusedOrHarmless) {
  // Changing any character of the token must never yield a different cursor.
  const PageCursor original{1723032000123, 987654};
  std::string token = EncodeNextToken(kScope, original);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  int refused = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : alphabet) {
      if (c == token[i]) continue;
      std::string t = token;
      t[i] = c;
      try {
        PageCursor got = DecodeNextToken(kScope, t);
        EXPECT_TRUE(got.key == original.key && got.tiebreak == original.tiebreak)
            << "tampered token " << t << " decoded to another cursor " << got.key << "/" << got.tiebreak;
      } catch (const ApiError& e) {
        EXPECT_EQ(e.type(), ErrorType::kBadRequest);
        ++refused;
      }
    }
  }
  EXPECT_GT(refused, 0);
}

TEST(PaginationTest, TruncatedOrExtendedTokenIsRefused) {
  std::string token = EncodeNextToken(kScope, {55, 66});
  EXPECT_EQ(DecodeError(kScope, token.substr(0, token.size() - 2)), ErrorType::kBadRequest);
  EXPECT_EQ(DecodeError(kScope, token + "AAAA"), ErrorType::kBadRequest);
  EXPECT_EQ(DecodeError(kScope, token.substr(4)), ErrorType::kBadRequest);
}

TEST(PaginationTest, DifferentCursorsGiveDifferentTokens) {
  std::set<std::string> tokens;
  for (int k = 0; k < 50; ++k) tokens.insert(EncodeNextToken(kScope, {k, k * 7}));
  EXPECT_EQ(tokens.size(), 50u);
}

TEST(PaginationTest, MaxResultsFromInput) {
  EXPECT_EQ(MaxResults(json::object()), 50);
  EXPECT_EQ(MaxResults(json{{"MaxResults", 7}}), 7);
  EXPECT_EQ(MaxResults(json::object(), 10), 10);
  EXPECT_EQ(MaxResults(json{{"MaxResults", nullptr}}), 50);
}

TEST(PaginationTest, NextTokenCursorFromInput) {
  EXPECT_FALSE(NextTokenCursor(json::object(), kScope).has_value());
  EXPECT_FALSE(NextTokenCursor(json{{"NextToken", ""}}, kScope).has_value());
  std::string token = EncodeNextToken(kScope, {9, 8});
  auto c = NextTokenCursor(json{{"NextToken", token}}, kScope);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->key, 9);
  EXPECT_EQ(c->tiebreak, 8);
  EXPECT_THROW(NextTokenCursor(json{{"NextToken", token}}, "OtherScope"), ApiError);
}

}  // namespace
}  // namespace chime::api
