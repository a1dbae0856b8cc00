// alert/delivery_policy.h: backoff doubling and its cap, the sliding hourly cap, digest timing.
#include "alert/delivery_policy.h"

#include <gtest/gtest.h>

namespace kuzet::alert {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

constexpr int64_t kHour = int64_t{3600} * 1000000;

TEST(BackoffDelayTest, DoublesFromTheInitialDelayUpToTheCap) {
  DeliveryPolicy policy;
  policy.retry_initial = seconds(60);
  policy.retry_max = seconds(3600);
  const int64_t expected_s[] = {60, 120, 240, 480, 960, 1920, 3600, 3600};
  for (uint32_t attempts = 1; attempts <= 8; ++attempts) {
    EXPECT_EQ(BackoffDelay(policy, attempts), seconds(expected_s[attempts - 1])) << attempts;
  }
  EXPECT_EQ(BackoffDelay(policy, 4000000000u), seconds(3600)) << "no overflow";
}

TEST(BackoffDelayTest, CapBelowInitialMeansTheInitialDelay) {
  DeliveryPolicy policy;
  policy.retry_initial = seconds(30);
  policy.retry_max = seconds(10);
  EXPECT_EQ(BackoffDelay(policy, 1), seconds(30));
  EXPECT_EQ(BackoffDelay(policy, 5), seconds(30));
}

TEST(HourlyRateCapTest, AllowsUpToTheCapPerSlidingHour) {
  HourlyRateCap cap(3);
  const int64_t t0 = 1000 * kHour;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cap.Allows(t0 + i * 1000000));
    cap.Record(t0 + i * 1000000);
  }
  EXPECT_FALSE(cap.Allows(t0 + 10 * 1000000));
  // The first send leaves the window one hour after it, freeing one slot.
  EXPECT_EQ(cap.NextAllowed(t0 + 10 * 1000000), t0 + kHour);
  EXPECT_FALSE(cap.Allows(t0 + kHour - 1));
  EXPECT_TRUE(cap.Allows(t0 + kHour));
  cap.Record(t0 + kHour);
  EXPECT_FALSE(cap.Allows(t0 + kHour));
  EXPECT_EQ(cap.NextAllowed(t0 + kHour), t0 + kHour + 1000000);
}

TEST(DigestIsDueTest, DueOnceTheOldestWaitedTheInterval) {
  const int64_t found = 5 * kHour;
  EXPECT_FALSE(DigestIsDue(found, seconds(600), found));
  EXPECT_FALSE(DigestIsDue(found, seconds(600), found + 600 * 1000000 - 1));
  EXPECT_TRUE(DigestIsDue(found, seconds(600), found + 600 * 1000000));
}

}  // namespace
}  // namespace kuzet::alert
