#include "storage/log.hpp"

#include <atomic>
#include <cstdio>
#include <string>

namespace chime::storage {

namespace {

// Before a sink is installed: what the binary wrote before it had one.
class DefaultSink final : public LogSink {
 public:
  bool Enabled(LogLevel level) const override { return level <= LogLevel::kInfo; }
  void Log(LogLevel level, std::string_view message) const override {
    static constexpr std::string_view kNames[] = {"ERROR ", "WARN ", "INFO ", "DEBUG "};
    std::string line(kNames[static_cast<int>(level)]);
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
};

const DefaultSink kDefaultSink;
std::atomic<const LogSink*> installed{nullptr};

const LogSink& Sink() {
  const LogSink* sink = installed.load(std::memory_order_acquire);
  return sink ? *sink : kDefaultSink;
}

}  // namespace

void SetLogSink(const LogSink* sink) { installed.store(sink, std::memory_order_release); }

void Log(LogLevel level, std::string_view message) {
  const LogSink& sink = Sink();
  if (sink.Enabled(level)) sink.Log(level, message);
}

}  // namespace chime::storage
