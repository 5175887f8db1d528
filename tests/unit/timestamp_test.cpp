// Query-string timestamps (ISO-8601 as botocore and the JS SDK write them) and
// epoch seconds, to epoch milliseconds.
#include "api/protocol/timestamp.hpp"

#include "api/control/test_clock.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace chime::api {
namespace {

constexpr int64_t k20240807T12 = 1723032000000;  // 2024-08-07T12:00:00Z

TEST(TimestampTest, BotocoreAndJsForms) {
  EXPECT_EQ(ParseTimestampMs("2024-08-07T12:00:00Z"), k20240807T12);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T12:00:00.123Z"), k20240807T12 + 123);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T12:00:00.123456Z"), k20240807T12 + 123);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T12:00:00.5Z"), k20240807T12 + 500);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T12:00:00.999999999Z"), k20240807T12 + 999);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T12:00:00+00:00"), k20240807T12);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T12:00:00.250+00:00"), k20240807T12 + 250);
  EXPECT_EQ(ParseTimestampMs("2024-08-07t12:00:00z"), k20240807T12);
}

TEST(TimestampTest, Offsets) {
  EXPECT_EQ(ParseTimestampMs("2024-08-07T14:00:00+02:00"), k20240807T12);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T06:30:00-05:30"), k20240807T12);
  EXPECT_EQ(ParseTimestampMs("2024-08-07T14:00:00+0200"), k20240807T12);
}

TEST(TimestampTest, CalendarEdges) {
  EXPECT_EQ(ParseTimestampMs("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestampMs("2000-02-29T00:00:00Z"), 951782400000);
  EXPECT_EQ(ParseTimestampMs("2024-12-31T23:59:59Z"), 1735689599000);
  EXPECT_EQ(ParseTimestampMs("1969-12-31T23:59:59Z"), -1000);
}

TEST(TimestampTest, EpochSecondsNumbers) {
  EXPECT_EQ(ParseTimestampMs("1723032000"), k20240807T12);
  EXPECT_EQ(ParseTimestampMs("1723032000.5"), k20240807T12 + 500);
  EXPECT_EQ(ParseTimestampMs("1723032000.123"), k20240807T12 + 123);
  EXPECT_EQ(ParseTimestampMs("0"), 0);
  EXPECT_EQ(ParseTimestampMs("-1.5"), -1500);
}

TEST(TimestampTest, RejectsMalformed) {
  for (std::string s : {"", "abc", "2024-08-07", "2024-08-07T12:00", "2024-13-07T12:00:00Z",
                        "2024-00-07T12:00:00Z", "2024-08-32T12:00:00Z", "2024-08-00T12:00:00Z",
                        "2024-08-07T24:00:00Z", "2024-08-07T12:60:00Z", "2024-08-07T12:00:61Z",
                        "2024-08-07T12:00:00.Z", "2024-08-07T12:00:00ZZ", "2024-08-07T12:00:00+02",
                        "2024-08-07T12:00:00+2:00", "2024/08/07T12:00:00Z", "2024-08-07X12:00:00Z", "1723032000x",
                        "12.3.4", "nan", "inf", "2024-8-07T12:00:00Z"}) {
    EXPECT_FALSE(ParseTimestampMs(s).has_value()) << "accepted: " << s;
  }
}

TEST(TimestampTest, RejectsDaysThatDoNotExist) {
  EXPECT_FALSE(ParseTimestampMs("2024-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestampMs("2023-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestampMs("2024-04-31T00:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestampMs("1900-02-29T00:00:00Z").has_value());
  EXPECT_TRUE(ParseTimestampMs("2024-02-29T00:00:00Z").has_value());
  EXPECT_TRUE(ParseTimestampMs("2000-02-29T00:00:00Z").has_value());
}

TEST(TimestampTest, RejectsOutOfRangeOffsets) {
  EXPECT_FALSE(ParseTimestampMs("2024-08-07T12:00:00+24:00").has_value());
  EXPECT_FALSE(ParseTimestampMs("2024-08-07T12:00:00+01:60").has_value());
  EXPECT_TRUE(ParseTimestampMs("2024-08-07T12:00:00+14:00").has_value());
}

TEST(TimestampTest, EpochSecondsHelper) {
  EXPECT_DOUBLE_EQ(EpochSeconds(k20240807T12 + 123), 1723032000.123);
  EXPECT_DOUBLE_EQ(EpochSeconds(0), 0.0);
}

TEST(TimestampTest, NowIsMillisecondsNearTheClock) {
  int64_t now = TestClock().Now();
  EXPECT_GT(now, 1700000000000);   // after 2023-11
  EXPECT_LT(now, 4102444800000);   // before 2100
}

// The one ISO-8601 formatter (journal, log lines, WebSocket frames, flow events).
TEST(TimestampTest, IsoTimestampMs) {
  EXPECT_EQ(IsoTimestampMs(1764360600123), "2025-11-28T20:10:00.123Z");
  EXPECT_EQ(IsoTimestampMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoTimestampMs(k20240807T12 + 7), "2024-08-07T12:00:00.007Z");
  EXPECT_EQ(IsoTimestampMs(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(IsoTimestampMs(kLatestTimestampMs), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(IsoTimestampMs(kMinTimestampSeconds * 1000), "0001-01-01T00:00:00.000Z");
}

TEST(TimestampTest, IsoTimestampMsBefore1970) {
  EXPECT_EQ(IsoTimestampMs(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(IsoTimestampMs(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(IsoTimestampMs(-1001), "1969-12-31T23:59:58.999Z");
  EXPECT_EQ(IsoTimestampMs(-86400000), "1969-12-31T00:00:00.000Z");
  EXPECT_EQ(IsoTimestampMs(-951782400000), "1939-11-04T00:00:00.000Z");
}

TEST(TimestampTest, IsoTimestampMsOutsideFourDigitYears) {
  EXPECT_EQ(IsoTimestampMs(kLatestTimestampMs + 1), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoTimestampMs(kMinTimestampSeconds * 1000 - 1), "0000-12-31T23:59:59.999Z");
  EXPECT_EQ(IsoTimestampMs((kMinTimestampSeconds - 367LL * 86400) * 1000), "-0001-12-31T00:00:00.000Z");
  EXPECT_FALSE(IsoTimestampMs(INT64_MAX).empty());  // no overflow at the ends
  EXPECT_FALSE(IsoTimestampMs(INT64_MIN).empty());
}

TEST(TimestampTest, IsoTimestampMsRoundTripsThroughTheParser) {
  for (int64_t ms = kMinTimestampSeconds * 1000; ms < kLatestTimestampMs; ms += 86400000LL * 3653 + 3600007) {
    EXPECT_EQ(ParseTimestampMs(IsoTimestampMs(ms)), ms) << IsoTimestampMs(ms);
  }
}

TEST(TimestampTest, AmzDate) {
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
  EXPECT_EQ(AmzDate(k20240807T12 / 1000 + 59), "20240807T120059Z");
  EXPECT_EQ(AmzDate(-1), "19691231T235959Z");
  EXPECT_EQ(AmzDate(kMaxTimestampSeconds), "99991231T235959Z");
  EXPECT_FALSE(AmzDate(INT64_MAX).empty());
  EXPECT_FALSE(AmzDate(INT64_MIN).empty());
}

TEST(TimestampTest, TheTestClockNeverReadsPastTheLatestTimestamp) {
  TestClock clock;
  clock.set_offset_ms(kLatestTimestampMs);
  EXPECT_EQ(clock.Now(), kLatestTimestampMs);
  EXPECT_EQ(clock.offset_ms(), kLatestTimestampMs);
}

}  // namespace
}  // namespace chime::api
