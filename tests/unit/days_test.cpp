// Day arithmetic of ExpirationSettings and RetentionSettings
// (api/common/days.hpp, used by api/common/expiry.cpp and retention.hpp):
// stored days outside the API's 1..5475 (a snapshot can carry any integer)
// saturate instead of overflowing into a wrapped time.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "api/common/days.hpp"
#include "api/common/expiry.hpp"

namespace chime::api {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kNow = 1'723'046'400'000;  // 2024-08-07
constexpr int64_t k2Pow62 = int64_t{1} << 62;

TEST(DaysTest, InRangeValuesAreExact) {
  EXPECT_EQ(PlusDaysMs(kNow, 1), kNow + 86'400'000);
  EXPECT_EQ(PlusDaysMs(kNow, 5475), kNow + 5475 * kMsPerDay);
  EXPECT_EQ(MinusDaysMs(kNow, 5475), kNow - 5475 * kMsPerDay);
  EXPECT_EQ(PlusDaysMs(kNow, 0), kNow);
  EXPECT_EQ(MinusDaysMs(kNow, -1), kNow + kMsPerDay);
}

TEST(DaysTest, HugeDaysSaturateInsteadOfWrapping) {
  for (int64_t days : {k2Pow62, kMax, kMax / kMsPerDay + 1}) {
    EXPECT_EQ(PlusDaysMs(kNow, days), kMax) << days;
    EXPECT_EQ(MinusDaysMs(kNow, days), kMin) << days;
  }
  for (int64_t days : {-k2Pow62, kMin, kMin + 1}) {
    EXPECT_EQ(PlusDaysMs(kNow, days), kMin) << days;
    EXPECT_EQ(MinusDaysMs(kNow, days), kMax) << days;
  }
  // The product fits, the sum does not.
  const int64_t fits = kMax / kMsPerDay;
  EXPECT_EQ(PlusDaysMs(kMax - 1, 1), kMax);
  EXPECT_EQ(PlusDaysMs(kNow, fits), kMax);
  EXPECT_EQ(MinusDaysMs(kMin + 1, 1), kMin);
  EXPECT_EQ(MinusDaysMs(-kNow, fits), kMin);
  // Extreme starting points with small offsets.
  EXPECT_EQ(PlusDaysMs(kMin, 1), kMin + kMsPerDay);
  EXPECT_EQ(MinusDaysMs(kMax, 1), kMax - kMsPerDay);
}

// 2^62 days wrapped `created + days * 86400000` to a time in the past: the
// channel was deleted by the next sweep as expired.
TEST(DaysTest, AChannelWithHugeExpirationDaysNeverExpires) {
  const std::optional<std::string> created = "CREATED_TIMESTAMP";
  for (int64_t days : {k2Pow62, kMax}) {
    EXPECT_EQ(ExpiresAtMs(days, created, kNow, std::nullopt), kMax) << days;
    storage::ChannelRecord c;
    c.created_ms = kNow;
    c.expiration_days = days;
    c.expiration_criterion = "LAST_MESSAGE_TIMESTAMP";
    c.last_message_ms = kMax - 5;
    EXPECT_FALSE(ChannelExpired(c, kNow)) << days;
    EXPECT_FALSE(ChannelExpired(c, kMax - 1)) << days;
    storage::PrincipalRecord p;
    p.created_ms = kMin;
    p.expiration_days = days;
    p.expiration_criterion = created;
    EXPECT_FALSE(PrincipalExpired(p, kNow)) << days;
  }
  EXPECT_EQ(ExpiresAtMs(1, created, kNow, std::nullopt), kNow + kMsPerDay);
}

}  // namespace
}  // namespace chime::api
