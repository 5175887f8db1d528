// TestClock: one emulator's clock, the system clock moved forward by the test
// clock's offset (POST /_chime-local/clock). Each emulator (Dispatcher) has its
// own, in its Fixture, so two emulators in one process never share a clock.
// Requests read it once, into RequestContext::now_ms; background work (the
// expiry sweep, the channel-flow runner) reads the clock of its emulator.
// Thread-safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "api/protocol/timestamp.hpp"

namespace chime::api {

class TestClock {
 public:
  // Epoch milliseconds now, never later than 9999-12-31T23:59:59.999Z: the
  // clock endpoint refuses moves past it, but real time plus an offset may not.
  int64_t Now() const {
    using namespace std::chrono;
    const int64_t real = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    return std::min(real + offset_ms(), kLatestTimestampMs);
  }
  int64_t offset_ms() const { return offset_ms_.load(std::memory_order_relaxed); }
  void set_offset_ms(int64_t offset_ms) { offset_ms_.store(offset_ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace chime::api
