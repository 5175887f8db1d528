// Query-string timestamps (ISO-8601 as botocore and the JS SDK write them) and
// epoch seconds, to epoch milliseconds.
#include "api/protocol/timestamp.hpp"

#include "api/control/test_clock.hpp"

#include <gtest/gtest.h>

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

TEST(TimestampTest, TheTestClockNeverReadsPastTheLatestTimestamp) {
  TestClock clock;
  clock.set_offset_ms(kLatestTimestampMs);
  EXPECT_EQ(clock.Now(), kLatestTimestampMs);
  EXPECT_EQ(clock.offset_ms(), kLatestTimestampMs);
}

}  // namespace
}  // namespace chime::api
