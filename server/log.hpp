// Logger: the server's lines on stderr (stdout carries only the ready line).
// Every line starts with a UTC timestamp; --log-format json writes the same
// fields as one JSON object per line. Each request gets one line with its
// request id (the response's x-amzn-RequestId), operation, status, latency
// and, for every non-2xx answer, the error type and the message the client
// got. At debug level the line also carries the bound input (sensitive
// members masked) and the response body.
//
// The process's log sink (storage/log.hpp): main installs one, so the lines of
// storage/ and api/ get the same timestamp, level and format as the server's.
//
// Beast-free so the unit tests can include it. Thread-safe: one fwrite per line.
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "server/config.hpp"
#include "storage/log.hpp"

namespace chime::server {

struct RequestLogRecord {
  std::string method = "-";
  std::string path = "-";  // without the query string
  std::string operation = "-";
  std::string request_id = "-";
  int status = 0;
  double latency_ms = 0;
  std::string error_type;     // x-amzn-ErrorType, non-2xx only
  std::string error_message;  // "Message" of the error body, non-2xx only
  std::string note;           // e.g. "write failed: Broken pipe"
  // Debug level only (null otherwise).
  nlohmann::json input;
  nlohmann::json response;
};

// Request id, error type and error message of a response (before its body is
// moved out for sending).
void FillFromResponse(RequestLogRecord& record, const api::HttpResponse& response);

// The formatted lines (with the trailing newline); exposed for tests.
std::string FormatMessageLine(LogLevel level, std::string_view message, LogFormat format, int64_t now_ms);
std::string FormatRequestLine(const RequestLogRecord& record, LogFormat format, int64_t now_ms);

class Logger final : public storage::LogSink {
 public:
  Logger(LogLevel level, LogFormat format, std::FILE* out = stderr) : level_(level), format_(format), out_(out) {}

  bool Enabled(LogLevel level) const override { return level <= level_; }
  LogFormat format() const { return format_; }
  void Log(LogLevel level, std::string_view message) const override;
  // At error level for 5xx answers, info otherwise.
  void Request(const RequestLogRecord& record) const;

 private:
  void Write(const std::string& line) const;
  LogLevel level_;
  LogFormat format_;
  std::FILE* out_;
};

}  // namespace chime::server
