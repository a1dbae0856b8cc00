#include "crawler/schedule.h"

#include <gtest/gtest.h>

namespace kuzet::crawler {
namespace {

TEST(AdaptIntervalTest, HalvesOnChangeGrowsByAQuarterOtherwiseWithinBounds) {
  struct Case {
    int64_t interval;
    bool changed;
    int64_t min, max;
    int64_t want;
  } cases[] = {
      {3600, true, 900, 14400, 1800},     // changed: halved
      {3600, false, 900, 14400, 4500},    // unchanged: ×1.25
      {1000, true, 900, 14400, 900},      // not below min
      {14000, false, 900, 14400, 14400},  // not above max
      {157, false, 25, 200, 196},         // rounded down
      {25, true, 25, 200, 25},            // at min, stays
      {5000, true, 60, 1000, 1000},       // out of bounds (config changed): clamped
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AdaptInterval(c.interval, c.changed, c.min, c.max), c.want)
        << c.interval << (c.changed ? " changed" : " unchanged");
  }
}

TEST(HashItemUrlsTest, SameItemsInAnyOrderHashAlikeAndAnyOtherListDoesNot) {
  uint64_t ab = HashItemUrls({"https://a.kz/1", "https://a.kz/2"});
  EXPECT_EQ(ab, HashItemUrls({"https://a.kz/2", "https://a.kz/1"}));
  EXPECT_NE(ab, HashItemUrls({"https://a.kz/1"}));
  EXPECT_NE(ab, HashItemUrls({"https://a.kz/1", "https://a.kz/2", "https://a.kz/3"}));
  // The separator keeps URL boundaries: "ab"+"c" is not "a"+"bc".
  EXPECT_NE(HashItemUrls({"ab", "c"}), HashItemUrls({"a", "bc"}));
  // Stored in the crawl state: the definition must not drift.
  EXPECT_EQ(HashItemUrls({}), 1469598103934665603ull);
}

}  // namespace
}  // namespace kuzet::crawler
