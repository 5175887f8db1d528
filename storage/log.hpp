// The process's one log sink. Declared here, at the lowest layer that logs
// (the checkpointer), so storage/, api/ and server/ all write through it
// while every dependency still points down: server -> api -> storage. The
// binary installs server::Logger (server/log.hpp: timestamp, --log-format
// text or json, --log-level) before it starts any thread. Until then, and in
// unit tests that install nothing, lines go to stderr as "LEVEL message" at
// info level and above.
//
// No JSON and no Boost here: storage/ stays a SQLite-only library.
#pragma once

#include <string_view>

namespace chime::storage {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

class LogSink {
 public:
  virtual bool Enabled(LogLevel level) const = 0;
  // Writes one whole line (thread-safe) if Enabled(level).
  virtual void Log(LogLevel level, std::string_view message) const = 0;

 protected:
  ~LogSink() = default;
};

// Makes `sink` the process's sink (not owned: it must outlive every thread
// that logs); nullptr restores the default.
void SetLogSink(const LogSink* sink);

void Log(LogLevel level, std::string_view message);

}  // namespace chime::storage
