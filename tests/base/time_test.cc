#include "base/time.h"

#include <gtest/gtest.h>

#include <chrono>

namespace kuzet::base {
namespace {

TEST(TimeTest, UnixMicrosOfKnownInstants) {
  using std::chrono::system_clock;
  struct Case {
    system_clock::time_point time;
    int64_t micros;
  };
  const Case cases[] = {
      {system_clock::time_point{}, 0},
      // 2011-12-16T00:00:00Z, the day of the Zhanaozen shootings.
      {system_clock::time_point{std::chrono::seconds(1323993600)}, 1323993600000000},
      {system_clock::time_point{std::chrono::microseconds(-1)}, -1},
  };
  for (const Case& c : cases) EXPECT_EQ(ToUnixMicros(c.time), c.micros);
}

TEST(TimeTest, NowIsTheSystemClock) {
  const int64_t before = ToUnixMicros(std::chrono::system_clock::now());
  const int64_t now = NowMicros();
  const int64_t after = ToUnixMicros(std::chrono::system_clock::now());
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

}  // namespace
}  // namespace kuzet::base
