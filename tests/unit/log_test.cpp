// Issue 8 part 4: the request log line in both formats, and the debug
// input/response with sensitive members masked.
#include "server/log.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/protocol/input_log.hpp"
#include "storage/log.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::server {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1764360600123;  // 2025-11-28T20:10:00.123Z

RequestLogRecord FailedRecord() {
  api::HttpResponse res;
  res.status = 400;
  res.operation = "SendChannelMessage";
  res.headers = {{"Content-Type", "application/json"},
                 {"x-amzn-RequestId", "11111111-2222-4333-8444-555555555555"},
                 {"x-amzn-ErrorType", "BadRequestException"}};
  res.body = R"({"Code":"BadRequest","Message":"1 validation error detected: \"Content\""})";
  RequestLogRecord r;
  r.method = "POST";
  r.path = "/channels/x/messages";
  r.latency_ms = 1.23456;
  FillFromResponse(r, res);
  return r;
}

TEST(LogTest, LinesBefore1970CarryTheRightTime) {
  // The test clock may be set before 1970; the line still says when.
  EXPECT_EQ(FormatMessageLine(LogLevel::kInfo, "m", LogFormat::kText, -1).substr(0, 25), "1969-12-31T23:59:59.999Z ");
}

TEST(LogTest, FailedRequestAsText) {
  std::string line = FormatRequestLine(FailedRecord(), LogFormat::kText, kNow);
  EXPECT_EQ(line,
            "2025-11-28T20:10:00.123Z INFO request_id=11111111-2222-4333-8444-555555555555 POST "
            "/channels/x/messages operation=SendChannelMessage status=400 latency=1.235ms "
            "error_type=BadRequestException message=\"1 validation error detected: \\\"Content\\\"\"\n");
}

TEST(LogTest, FailedRequestAsJson) {
  std::string line = FormatRequestLine(FailedRecord(), LogFormat::kJson, kNow);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
  json j = json::parse(line);
  EXPECT_EQ(j["time"], "2025-11-28T20:10:00.123Z");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["requestId"], "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/channels/x/messages");
  EXPECT_EQ(j["operation"], "SendChannelMessage");
  EXPECT_EQ(j["status"], 400);
  EXPECT_DOUBLE_EQ(j["latencyMs"].get<double>(), 1.235);
  EXPECT_EQ(j["errorType"], "BadRequestException");
  EXPECT_EQ(j["errorMessage"], "1 validation error detected: \"Content\"");
  EXPECT_FALSE(j.contains("input"));
}

TEST(LogTest, SuccessHasNoErrorFieldsAndServerErrorsAreErrorLevel) {
  RequestLogRecord ok;
  ok.status = 200;
  ok.operation = "Health";
  std::string text = FormatRequestLine(ok, LogFormat::kText, kNow);
  EXPECT_EQ(text.find("error_type"), std::string::npos);
  EXPECT_NE(text.find(" INFO "), std::string::npos);
  json j = json::parse(FormatRequestLine(ok, LogFormat::kJson, kNow));
  EXPECT_FALSE(j.contains("errorType"));
  RequestLogRecord failed;
  failed.status = 500;
  EXPECT_NE(FormatRequestLine(failed, LogFormat::kText, kNow).find(" ERROR "), std::string::npos);
  EXPECT_EQ(json::parse(FormatRequestLine(failed, LogFormat::kJson, kNow))["level"], "error");
}

TEST(LogTest, MessageLinesAndInvalidUtf8) {
  EXPECT_EQ(FormatMessageLine(LogLevel::kWarn, "accept failed", LogFormat::kText, kNow),
            "2025-11-28T20:10:00.123Z WARN accept failed\n");
  json j = json::parse(FormatMessageLine(LogLevel::kWarn, "bad \xff byte", LogFormat::kJson, kNow));
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["message"], "bad \xef\xbf\xbd byte");  // replaced, not thrown
}

TEST(LogTest, LoggerFiltersByLevelAndWritesOneLine) {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* mem = open_memstream(&buf, &size);
  {
    Logger logger(LogLevel::kError, LogFormat::kText, mem);
    logger.Log(LogLevel::kInfo, "hidden");
    RequestLogRecord ok;
    ok.status = 200;
    logger.Request(ok);  // info: hidden at error level
    RequestLogRecord failed;
    failed.status = 503;
    logger.Request(failed);
  }
  std::fclose(mem);
  std::string out(buf, size);
  std::free(buf);
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_NE(out.find("status=503"), std::string::npos);
  EXPECT_EQ(out.find("status=200"), std::string::npos);
}

// storage/ and api/ log through storage::Log: once a Logger is installed their
// lines get its timestamp, level filter and format.
TEST(LogTest, InstalledLoggerIsTheSinkOfEveryLayer) {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* mem = open_memstream(&buf, &size);
  {
    const Logger logger(LogLevel::kWarn, LogFormat::kJson, mem);
    storage::SetLogSink(&logger);
    storage::Log(LogLevel::kInfo, "hidden at warn level");
    storage::Log(LogLevel::kWarn, "background WAL checkpoint failed: disk I/O error");
    storage::SetLogSink(nullptr);
  }
  std::fclose(mem);
  std::string out(buf, size);
  std::free(buf);
  ASSERT_EQ(out.find('\n'), out.size() - 1) << out;  // exactly one line
  json j = json::parse(out);
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["message"], "background WAL checkpoint failed: disk I/O error");
  EXPECT_TRUE(j.contains("time"));
}

TEST(InputLogTest, DebugInputAndResponseMaskSensitiveMembers) {
  using chime::testing::Enc;
  const std::string channel = "arn:aws:chime:us-east-1:123456789012:app-instance/a/channel/c";
  api::HttpRequest req;
  req.method = "POST";
  req.target = "/channels/" + Enc(channel) + "/messages";
  req.headers = {{"x-amz-chime-bearer", "arn:aws:chime:us-east-1:123456789012:app-instance/a/user/u"}};
  req.body = json({{"Content", "secret text"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
                   {"Metadata", "secret meta"}, {"ClientRequestToken", "t1"},
                   {"MessageAttributes", {{"secret-key", {{"StringValues", {"v"}}}}}}})
                 .dump();
  api::LoggableExchange ex = api::DescribeForLog(req, 201, R"({"ChannelArn":"c","MessageId":"m"})");
  std::string input = ex.input.dump();
  EXPECT_EQ(input.find("secret"), std::string::npos) << input;
  EXPECT_EQ(ex.input["Type"], "STANDARD");
  EXPECT_EQ(ex.input["ChannelArn"], channel);
  EXPECT_EQ(ex.input["Content"], "***");
  EXPECT_EQ(ex.response["MessageId"], "m");

  api::HttpRequest get;
  get.method = "GET";
  get.target = "/channels/" + Enc(channel) + "/messages/m";
  get.headers = req.headers;
  api::LoggableExchange read =
      api::DescribeForLog(get, 200, R"({"ChannelArn":"c","ChannelMessage":{"Content":"secret","MessageId":"m"}})");
  EXPECT_EQ(read.response["ChannelMessage"]["Content"], "***") << read.response.dump();
  EXPECT_EQ(read.response["ChannelMessage"]["MessageId"], "m");

  api::HttpRequest bad = req;
  bad.body = "{";
  EXPECT_TRUE(api::DescribeForLog(bad, 400, "{}").input.is_string());
}

}  // namespace
}  // namespace chime::server
