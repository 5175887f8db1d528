// Days of ExpirationSettings and RetentionSettings as epoch-millisecond
// offsets. The API holds both to 1..5475 days, but a stored value can be
// anything a snapshot carried: `from + days * ms` would overflow (undefined;
// in practice it wraps, so 2^62 days made a channel expired at once and hid
// every message). These saturate instead: a huge number of days means "the
// far future" (or the far past), never a wrapped time.
#pragma once

#include <cstdint>
#include <limits>

namespace chime::api {

inline constexpr int64_t kMsPerDay = 24LL * 60 * 60 * 1000;

// from_ms + days days, held to the int64 range.
inline int64_t PlusDaysMs(int64_t from_ms, int64_t days) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  int64_t offset = 0, out = 0;
  if (__builtin_mul_overflow(days, kMsPerDay, &offset)) return days > 0 ? kMax : kMin;
  if (__builtin_add_overflow(from_ms, offset, &out)) return offset > 0 ? kMax : kMin;
  return out;
}

// from_ms - days days, held to the int64 range.
inline int64_t MinusDaysMs(int64_t from_ms, int64_t days) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  int64_t offset = 0, out = 0;
  if (__builtin_mul_overflow(days, kMsPerDay, &offset)) return days > 0 ? kMin : kMax;
  if (__builtin_sub_overflow(from_ms, offset, &out)) return offset > 0 ? kMin : kMax;
  return out;
}

}  // namespace chime::api
