// Timestamps on the wire: JSON bodies carry epoch seconds (a number, with a
// millisecond fraction); query strings carry ISO-8601 (botocore writes
// 2024-08-07T12:00:00Z or with .ffffff, JS writes .fffZ). Storage keeps
// epoch milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chime::api {

int64_t NowMs();

// Epoch milliseconds -> the JSON number the SDKs read as a timestamp.
inline double EpochSeconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// Parses ISO-8601 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)),
// or a plain epoch-seconds number; returns epoch milliseconds.
std::optional<int64_t> ParseTimestampMs(std::string_view text);

}  // namespace chime::api
