// Encoder: the rest-json error and success envelopes every SDK reads.
#include "api/protocol/encoder.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace chime::api {
namespace {

using nlohmann::json;

const std::string* Header(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return &v;
  return nullptr;
}

struct ErrorCase {
  ErrorType type;
  int status;
  const char* shape;
  const char* code;
};

const ErrorCase kErrorCases[] = {
    {ErrorType::kBadRequest, 400, "BadRequestException", "BadRequest"},
    {ErrorType::kConflict, 409, "ConflictException", "Conflict"},
    {ErrorType::kForbidden, 403, "ForbiddenException", "Forbidden"},
    {ErrorType::kNotFound, 404, "NotFoundException", "NotFound"},
    {ErrorType::kResourceLimitExceeded, 400, "ResourceLimitExceededException", "ResourceLimitExceeded"},
    {ErrorType::kServiceFailure, 500, "ServiceFailureException", "ServiceFailure"},
    {ErrorType::kServiceUnavailable, 503, "ServiceUnavailableException", "ServiceUnavailable"},
    {ErrorType::kThrottledClient, 429, "ThrottledClientException", "Throttled"},
    {ErrorType::kUnauthorizedClient, 401, "UnauthorizedClientException", "Unauthorized"},
    {ErrorType::kNotImplemented, 501, "NotImplemented", "NotImplemented"},
};

TEST(EncoderTest, EveryErrorTypeHasItsStatusShapeAndCode) {
  for (const ErrorCase& c : kErrorCases) {
    SCOPED_TRACE(c.shape);
    HttpResponse r = EncodeError(c.type, "because reasons", "req-123");
    EXPECT_EQ(r.status, c.status);
    ASSERT_NE(Header(r, "x-amzn-ErrorType"), nullptr);
    EXPECT_EQ(*Header(r, "x-amzn-ErrorType"), c.shape);
    ASSERT_NE(Header(r, "x-amzn-RequestId"), nullptr);
    EXPECT_EQ(*Header(r, "x-amzn-RequestId"), "req-123");
    ASSERT_NE(Header(r, "Content-Type"), nullptr);
    EXPECT_EQ(*Header(r, "Content-Type"), "application/json");
    json body = json::parse(r.body);
    EXPECT_EQ(body["Code"], c.code);
    EXPECT_EQ(body["Message"], "because reasons");
    EXPECT_EQ(Describe(c.type).status, c.status);
    EXPECT_EQ(Describe(c.type).shape, c.shape);
  }
}

TEST(EncoderTest, ErrorBodyIsNeverEmptyEvenWithoutAMessage) {
  for (const ErrorCase& c : kErrorCases) {
    HttpResponse r = EncodeError(c.type, "", "rid");
    ASSERT_FALSE(r.body.empty()) << c.shape;
    json body = json::parse(r.body);
    EXPECT_FALSE(body["Message"].get<std::string>().empty()) << c.shape;
    if (r.status >= 500) {
      EXPECT_GT(r.body.size(), 2u) << c.shape;
    }
  }
}

TEST(EncoderTest, MessageIsJsonEscapedAndInvalidUtf8Replaced) {
  HttpResponse r = EncodeError(ErrorType::kBadRequest, "quote \" backslash \\ newline \n bad \xC3", "rid");
  json body = json::parse(r.body);  // must stay valid JSON
  std::string msg = body["Message"];
  EXPECT_NE(msg.find("quote \" backslash \\ newline \n bad "), std::string::npos);
}

TEST(EncoderTest, SuccessUsesTheModeledStatusAndBody) {
  const model::OperationDef& create = model::Operation(Op::kCreateChannel);
  HttpResponse r = EncodeOutput(create, json{{"ChannelArn", "arn:x"}}, "rid-1");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.operation, "CreateChannel");
  EXPECT_EQ(json::parse(r.body)["ChannelArn"], "arn:x");
  ASSERT_NE(Header(r, "x-amzn-RequestId"), nullptr);
  EXPECT_EQ(*Header(r, "x-amzn-RequestId"), "rid-1");
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), nullptr);

  HttpResponse describe = EncodeOutput(model::Operation(Op::kDescribeChannel), json::object(), "rid-2");
  EXPECT_EQ(describe.status, 200);
  EXPECT_EQ(describe.body, "{}");
  HttpResponse null_output = EncodeOutput(model::Operation(Op::kDescribeChannel), json(), "rid-3");
  EXPECT_EQ(null_output.body, "{}");
}

TEST(EncoderTest, NoContentHasAnEmptyBody) {
  int checked = 0;
  for (const model::OperationDef& op : model::Operations()) {
    if (op.success_status != 204) continue;
    HttpResponse r = EncodeOutput(op, json{{"ignored", 1}}, "rid");
    EXPECT_EQ(r.status, 204) << op.name;
    EXPECT_TRUE(r.body.empty()) << op.name;
    EXPECT_EQ(Header(r, "Content-Type"), nullptr) << op.name;
    EXPECT_NE(Header(r, "x-amzn-RequestId"), nullptr) << op.name;
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

TEST(EncoderTest, StatusesComeFromTheModel) {
  EXPECT_EQ(model::Operation(Op::kSendChannelMessage).success_status, 201);
  EXPECT_EQ(model::Operation(Op::kDeleteChannel).success_status, 204);
  EXPECT_EQ(model::Operation(Op::kListChannels).success_status, 200);
  EXPECT_EQ(model::Operation(Op::kCreateAppInstance).success_status, 201);
}

}  // namespace
}  // namespace chime::api
