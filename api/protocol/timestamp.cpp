#include "api/protocol/timestamp.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace chime::api {

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The inverse: the proleptic Gregorian date of a day since 1970-01-01.
struct CivilDate {
  int64_t year;
  unsigned month, day;
};
CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

// A UTC time split into fields; floor division, so times before 1970 are right.
struct UtcFields {
  CivilDate date;
  unsigned hour, minute, second, millis;
};
UtcFields SplitUtc(int64_t epoch_ms) {
  constexpr int64_t kMsPerDay = 86400000;
  int64_t days = epoch_ms / kMsPerDay, in_day = epoch_ms % kMsPerDay;
  if (in_day < 0) {
    --days;
    in_day += kMsPerDay;
  }
  const auto ms = static_cast<unsigned>(in_day);
  return {CivilFromDays(days), ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000};
}

// `value` in at least `width` digits (no snprintf: nothing to truncate).
void AppendPadded(std::string& out, uint64_t value, size_t width) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  out.append(n < width ? width - n : 0, '0');
  while (n > 0) out.push_back(digits[--n]);
}

void AppendYear(std::string& out, int64_t year) {
  if (year < 0) out.push_back('-');
  AppendPadded(out, year < 0 ? 0 - static_cast<uint64_t>(year) : static_cast<uint64_t>(year), 4);
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<int64_t> ParseTimestampMs(std::string_view s, bool* out_of_range) {
  if (out_of_range) *out_of_range = false;
  // Epoch seconds as a number ("1723046400" or "1723046400.5").
  if (!s.empty() && (s.front() == '-' || (s.front() >= '0' && s.front() <= '9')) &&
      s.find('-', 1) == std::string_view::npos && s.find('T') == std::string_view::npos) {
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    const bool number = p == s.data() + s.size() && (ec == std::errc() || ec == std::errc::result_out_of_range);
    if (!number) return std::nullopt;
    if (ec != std::errc() || !InTimestampRange(v)) {
      if (out_of_range) *out_of_range = true;
      return std::nullopt;
    }
    return static_cast<int64_t>(std::llround(v * 1000.0));
  }
  int year, mon, day, hour, min, sec;
  if (!Digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, mon) || s[7] != '-' ||
      !Digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, hour) ||
      s[13] != ':' || !Digits(s, 14, 2, min) || s[16] != ':' || !Digits(s, 17, 2, sec))
    return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > DaysInMonth(year, mon) || hour > 23 || min > 59 || sec > 60)
    return std::nullopt;
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    int sign = s[pos] == '-' ? -1 : 1;
    if (!Digits(s, pos + 1, 2, oh)) return std::nullopt;
    size_t mpos = pos + 3;
    if (mpos < s.size() && s[mpos] == ':') ++mpos;
    if (!Digits(s, mpos, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
    pos = mpos + 2;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec - offset_min * 60;
  return secs * 1000 + millis;
}

std::string IsoTimestampMs(int64_t epoch_ms) {
  const UtcFields t = SplitUtc(epoch_ms);
  std::string out;
  out.reserve(24);
  AppendYear(out, t.date.year);
  out.push_back('-');
  AppendPadded(out, t.date.month, 2);
  out.push_back('-');
  AppendPadded(out, t.date.day, 2);
  out.push_back('T');
  AppendPadded(out, t.hour, 2);
  out.push_back(':');
  AppendPadded(out, t.minute, 2);
  out.push_back(':');
  AppendPadded(out, t.second, 2);
  out.push_back('.');
  AppendPadded(out, t.millis, 3);
  out.push_back('Z');
  return out;
}

std::string AmzDate(int64_t epoch_seconds) {
  // Seconds past what milliseconds can hold are held at the edge (no overflow).
  constexpr int64_t kMaxSeconds = INT64_MAX / 1000, kMinSeconds = INT64_MIN / 1000;
  const UtcFields t = SplitUtc(std::clamp(epoch_seconds, kMinSeconds, kMaxSeconds) * 1000);
  std::string out;
  out.reserve(16);
  AppendYear(out, t.date.year);
  AppendPadded(out, t.date.month, 2);
  AppendPadded(out, t.date.day, 2);
  out.push_back('T');
  AppendPadded(out, t.hour, 2);
  AppendPadded(out, t.minute, 2);
  AppendPadded(out, t.second, 2);
  out.push_back('Z');
  return out;
}

std::string HttpDateNow() {
  // Formatted once per second per thread: it is on every response's path.
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached = buf;
    cached_second = now;
  }
  return cached;
}

}  // namespace chime::api
