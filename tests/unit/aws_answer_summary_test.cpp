// The log line of what an AWS-compatible endpoint answered
// (server/outgoing/aws_answer_summary.hpp):
// error type and message when the body is an AWS JSON error, the raw start escaped, and a
// deeply nested or non-JSON body quoted without being parsed.
#include "server/outgoing/aws_answer_summary.hpp"

#include <gtest/gtest.h>

#include <string>

namespace chime::server {
namespace {

TEST(AwsAnswerSummaryTest, NamesTheErrorOfAnAwsJsonBody) {
  EXPECT_EQ(
      SummarizeAnswer(R"({"Type":"User","message":"Function not found: f"})"),
      R"(User: Function not found: f; body: {"Type":"User","message":"Function not found: f"})");
  EXPECT_EQ(SummarizeAnswer(R"({"message":"x"})", "ResourceNotFoundException:http://internal/"),
            R"(ResourceNotFoundException: x; body: {"message":"x"})");
  EXPECT_EQ(SummarizeAnswer(""), "no body");
}

TEST(AwsAnswerSummaryTest, QuotesGarbageEscapedAndCutOff) {
  EXPECT_EQ(SummarizeAnswer(std::string("\x00\xff<b>\x1b", 6)), "body: \\x00\\xFF<b>\\x1B");
  const std::string big(10000, 'x');
  EXPECT_EQ(SummarizeAnswer(big, "", 4), "body: xxxx... (10000 bytes)");
}

TEST(AwsAnswerSummaryTest, DeepNestingIsQuotedNotParsed) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(SummarizeAnswer(deep, "", 3), "body: [[[... (400000 bytes)");
  // Within the bound an error object nested in arrays is still JSON, but not an error object.
  EXPECT_EQ(SummarizeAnswer(R"([{"Type":"T"}])"), R"(body: [{"Type":"T"}])");
}

}  // namespace
}  // namespace chime::server
