#include "server/log.hpp"

#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>

#include "api/protocol/timestamp.hpp"

namespace chime::server {

namespace {

using nlohmann::json;

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string UpperName(LogLevel level) {
  std::string name(LogLevelName(level));
  for (char& c : name) c = static_cast<char>(c - 'a' + 'A');
  return name;
}

// JSON text of a string; invalid UTF-8 (a client's bytes) is replaced, never thrown on.
std::string Quoted(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

LogLevel LevelOf(const RequestLogRecord& r) { return r.status >= 500 ? LogLevel::kError : LogLevel::kInfo; }

}  // namespace

void FillFromResponse(RequestLogRecord& record, const api::HttpResponse& response) {
  record.status = response.status;
  record.operation = response.operation.empty() ? "-" : response.operation;
  for (const auto& [name, value] : response.headers) {
    if (IEquals(name, "x-amzn-RequestId")) record.request_id = value;
    if (response.status >= 300 && IEquals(name, "x-amzn-ErrorType")) record.error_type = value;
  }
  if (response.status >= 300 && !response.body.empty()) {
    json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_object()) {
      for (const char* key : {"Message", "message"}) {
        if (auto it = body.find(key); it != body.end() && it->is_string()) {
          record.error_message = it->get<std::string>();
          break;
        }
      }
    }
  }
}

std::string FormatMessageLine(LogLevel level, std::string_view message, LogFormat format, int64_t now_ms) {
  if (format == LogFormat::kJson) {
    json j = {{"time", api::IsoTimestampMs(now_ms)}, {"level", LogLevelName(level)}, {"message", std::string(message)}};
    return Dump(j) + "\n";
  }
  std::string line = api::IsoTimestampMs(now_ms);
  line += ' ';
  line += UpperName(level);
  line += ' ';
  line += message;
  line += '\n';
  return line;
}

std::string FormatRequestLine(const RequestLogRecord& r, LogFormat format, int64_t now_ms) {
  const bool failed = r.status < 200 || r.status >= 300;
  if (format == LogFormat::kJson) {
    json j = {{"time", api::IsoTimestampMs(now_ms)},
              {"level", LogLevelName(LevelOf(r))},
              {"requestId", r.request_id},
              {"method", r.method},
              {"path", r.path},
              {"operation", r.operation},
              {"status", r.status},
              {"latencyMs", std::round(r.latency_ms * 1000.0) / 1000.0}};
    if (failed) {
      j["errorType"] = r.error_type;
      j["errorMessage"] = r.error_message;
    }
    if (!r.note.empty()) j["note"] = r.note;
    if (!r.input.is_null()) j["input"] = r.input;
    if (!r.response.is_null()) j["response"] = r.response;
    return Dump(j) + "\n";
  }
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3fms", r.latency_ms);
  std::string line = api::IsoTimestampMs(now_ms);
  line += ' ';
  line += UpperName(LevelOf(r));
  line += " request_id=" + r.request_id;
  line += ' ' + r.method + ' ' + r.path;
  line += " operation=" + r.operation;
  line += " status=" + std::to_string(r.status);
  line += " latency=";
  line += latency;
  if (failed) {
    line += " error_type=" + (r.error_type.empty() ? std::string("-") : r.error_type);
    line += " message=" + Quoted(r.error_message);
  }
  if (!r.note.empty()) line += " note=" + Quoted(r.note);
  if (!r.input.is_null()) line += " input=" + Dump(r.input);
  if (!r.response.is_null()) line += " response=" + Dump(r.response);
  line += '\n';
  return line;
}

void Logger::Write(const std::string& line) const { std::fwrite(line.data(), 1, line.size(), out_); }

void Logger::Log(LogLevel level, std::string_view message) const {
  if (!Enabled(level)) return;
  Write(FormatMessageLine(level, message, format_, NowMs()));
}

void Logger::Request(const RequestLogRecord& record) const {
  if (!Enabled(LevelOf(record))) return;
  Write(FormatRequestLine(record, format_, NowMs()));
}

}  // namespace chime::server
