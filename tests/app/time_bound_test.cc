#include "app/time_bound.h"

#include <gtest/gtest.h>

namespace kuzet::app {
namespace {

constexpr int64_t kNow = 1'764'403'200'000'000;  // 2025-11-29T08:00:00Z

TEST(TimeBoundTest, AcceptsDurationsBackFromNowAndUtcDates) {
  struct Case {
    const char* text;
    int64_t expected;
  } cases[] = {
      {"24h", kNow - 24LL * 3600 * 1000000},
      {"90s", kNow - 90LL * 1000000},
      {"2025-11-01", 1'761'955'200'000'000},
      {"2025-11-01T08:30:00Z", 1'761'985'800'000'000},
  };
  for (const Case& c : cases) {
    auto bound = ParseTimeBound("--since", c.text, kNow);
    ASSERT_TRUE(bound.ok()) << c.text << ": " << bound.status().message();
    EXPECT_EQ(*bound, c.expected) << c.text;
  }
}

TEST(TimeBoundTest, RejectsWhatIsNeitherANamedDurationNorADate) {
  for (const char* text : {"yesterday", "24", "2025-13-01", "2025-11-01 08:30", ""}) {
    auto bound = ParseTimeBound("--since", text, kNow);
    ASSERT_FALSE(bound.ok()) << text;
    EXPECT_NE(bound.status().message().find("--since"), std::string::npos);
  }
}

}  // namespace
}  // namespace kuzet::app
