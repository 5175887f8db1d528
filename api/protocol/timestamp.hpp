// Timestamps on the wire: JSON bodies carry epoch seconds (a number, with a
// millisecond fraction); query strings carry ISO-8601 (botocore writes
// 2024-08-07T12:00:00Z or with .ffffff, JS writes .fffZ). Storage keeps
// epoch milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chime::api {

// The emulator's clock is its Fixture's TestClock (api/control/test_clock.hpp);
// what follows is pure.

// Epoch milliseconds -> the JSON number the SDKs read as a timestamp.
inline double EpochSeconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// The representable range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z (what
// four-digit ISO-8601 years can say). Epoch seconds outside it would overflow
// or lose the millisecond conversion (1e16 s * 1000 does not fit in int64).
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;
// 9999-12-31T23:59:59.999Z: the test clock never reads later than this.
inline constexpr int64_t kLatestTimestampMs = kMaxTimestampSeconds * 1000 + 999;
inline constexpr bool InTimestampRange(double seconds) {
  return seconds >= static_cast<double>(kMinTimestampSeconds) &&
         seconds <= static_cast<double>(kMaxTimestampSeconds);  // false for NaN
}

// Parses ISO-8601 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)),
// or a plain epoch-seconds number; returns epoch milliseconds. nullopt when
// malformed, or when an epoch-seconds number is outside the range above (then
// *out_of_range is set, if given).
std::optional<int64_t> ParseTimestampMs(std::string_view text, bool* out_of_range = nullptr);

// Epoch milliseconds -> "2026-11-28T20:10:00.123Z": UTC, three fraction
// digits, what the journal, the log lines, WebSocket frames and channel-flow
// events show. Correct before 1970 (-1 is 1969-12-31T23:59:59.999Z); a year
// past 9999 gets more digits, one before year 0 a '-'.
std::string IsoTimestampMs(int64_t epoch_ms);

// Epoch seconds -> the SigV4 x-amz-date form "20261128T201000Z" (ISO 8601
// basic format, UTC), for signing and for the dates strict SigV4 reports.
std::string AmzDate(int64_t epoch_seconds);

// The HTTP Date header value (RFC 7231 IMF-fixdate) of the wall clock now,
// e.g. "Sat, 28 Nov 2026 23:30:00 GMT": every response carries it, and the JS
// SDK corrects its clock skew from it after an InvalidSignatureException.
// Wall clock, not the test clock: strict SigV4 compares request dates with it.
std::string HttpDateNow();

}  // namespace chime::api
