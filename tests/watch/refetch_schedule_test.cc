// Tests of watch/refetch_schedule.h: the default steps, bounded and deterministic jitter that
// keeps the steps in order, missed steps folded into one fetch, and the validation of a schedule.
#include "watch/refetch_schedule.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace kuzet::watch {
namespace {

using std::chrono::hours;
using Seconds = RefetchSchedule::Seconds;
using TimePoint = RefetchSchedule::TimePoint;

const TimePoint kFirstSeen = TimePoint(std::chrono::seconds(1'323'993'600));  // 2011-12-16

TEST(RefetchScheduleTest, DefaultStepsWithoutJitterAreTheAges) {
  Result<RefetchSchedule> schedule = RefetchSchedule::Create(RefetchSchedule::DefaultAges(), 0);
  ASSERT_TRUE(schedule.ok()) << schedule.status().message();
  const hours expected[] = {hours(1),      hours(6),      hours(24),
                            hours(3 * 24), hours(7 * 24), hours(30 * 24)};
  ASSERT_EQ(schedule->steps(), std::size(expected));
  for (std::size_t step = 0; step < std::size(expected); ++step) {
    EXPECT_EQ(schedule->Due("https://vlast.kz/a", kFirstSeen, step), kFirstSeen + expected[step])
        << step;
  }
  EXPECT_EQ(schedule->Due("https://vlast.kz/a", kFirstSeen, 6), std::nullopt) << "then stop";
}

// Jitter: within ±jitter × the shorter neighbouring gap, the same for a URL on every call, varied
// across URLs, and never out of order even for uneven schedules.
TEST(RefetchScheduleTest, JitterIsBoundedDeterministicAndKeepsOrder) {
  const std::vector<Seconds> uneven = {hours(1), hours(2), hours(30 * 24), hours(30 * 24 + 1)};
  for (const auto& ages : {RefetchSchedule::DefaultAges(), uneven}) {
    Result<RefetchSchedule> schedule = RefetchSchedule::Create(ages, RefetchSchedule::kMaxJitter);
    ASSERT_TRUE(schedule.ok());
    std::set<TimePoint> first_steps;
    for (int i = 0; i < 200; ++i) {
      const std::string url = "https://vlast.kz/news/" + std::to_string(i);
      TimePoint previous = kFirstSeen;
      for (std::size_t step = 0; step < ages.size(); ++step) {
        const TimePoint due = *schedule->Due(url, kFirstSeen, step);
        EXPECT_EQ(due, *schedule->Due(url, kFirstSeen, step)) << "deterministic";
        const Seconds before = ages[step] - (step == 0 ? Seconds(0) : ages[step - 1]);
        const Seconds after = step + 1 < ages.size() ? ages[step + 1] - ages[step] : before;
        const auto bound = std::min(before, after) * RefetchSchedule::kMaxJitter;
        EXPECT_LE(std::chrono::abs(due - (kFirstSeen + ages[step])), bound) << url << " " << step;
        EXPECT_GT(due, previous) << url << " " << step;
        previous = due;
        if (step == 0) first_steps.insert(due);
      }
    }
    EXPECT_GT(first_steps.size(), 150u) << "URLs first found together spread out";
  }
}

TEST(RefetchScheduleTest, MissedStepsAreFoldedIntoOneFetch) {
  Result<RefetchSchedule> schedule = RefetchSchedule::Create(RefetchSchedule::DefaultAges(), 0);
  ASSERT_TRUE(schedule.ok());
  const char* url = "https://vlast.kz/a";
  struct Case {
    hours fetched_after;
    std::size_t done;
  };
  const Case cases[] = {{hours(0), 0},      {hours(1), 1},       {hours(5), 1},       {hours(6), 2},
                        {hours(8 * 24), 5}, {hours(30 * 24), 6}, {hours(400 * 24), 6}};
  for (const Case& c : cases) {
    EXPECT_EQ(schedule->StepsDoneBy(url, kFirstSeen, kFirstSeen + c.fetched_after), c.done)
        << c.fetched_after.count() << "h";
  }
  // A daemon back after a week: one fetch now, then the 30-day step.
  const std::size_t done = schedule->StepsDoneBy(url, kFirstSeen, kFirstSeen + hours(8 * 24));
  EXPECT_EQ(schedule->Due(url, kFirstSeen, done), kFirstSeen + hours(30 * 24));
}

TEST(RefetchScheduleTest, RejectsSchedulesOutOfOrderEmptyOrTooLongAndBadJitter) {
  EXPECT_FALSE(RefetchSchedule::Create({}).ok());
  EXPECT_FALSE(RefetchSchedule::Create({hours(6), hours(1)}).ok());
  EXPECT_FALSE(RefetchSchedule::Create({hours(1), hours(1)}).ok());
  EXPECT_FALSE(RefetchSchedule::Create({Seconds(0)}).ok());
  EXPECT_FALSE(RefetchSchedule::Create({hours(1)}, -0.1).ok());
  EXPECT_FALSE(RefetchSchedule::Create({hours(1)}, 0.5).ok());
  std::vector<Seconds> too_long;
  for (int i = 1; i <= 65; ++i) too_long.push_back(hours(i));
  EXPECT_FALSE(RefetchSchedule::Create(too_long).ok());
  too_long.pop_back();
  EXPECT_TRUE(RefetchSchedule::Create(too_long).ok());
  EXPECT_EQ(RefetchSchedule::Create({hours(6), hours(1)}).status().message(),
            "refetch step 2 (3600s) must be later than the one before it");
}

TEST(MergeAgesTest, EveryAgeOfEachScheduleOnceInOrder) {
  const std::vector<Seconds> site = {hours(1), hours(24), hours(30 * 24)};
  const std::vector<Seconds> rule = {hours(6), hours(24), hours(365 * 24)};
  const std::vector<Seconds> schedules[] = {site, rule};
  EXPECT_EQ(MergeAges(schedules),
            (std::vector<Seconds>{hours(1), hours(6), hours(24), hours(30 * 24), hours(365 * 24)}));
  EXPECT_TRUE(MergeAges({}).empty());
  std::vector<Seconds> many;
  for (int i = 100; i > 0; --i) many.push_back(hours(i));
  many.push_back(Seconds(0));
  const std::vector<Seconds> one[] = {many};
  const std::vector<Seconds> merged = MergeAges(one);
  ASSERT_EQ(merged.size(), RefetchSchedule::kMaxSteps);
  EXPECT_EQ(merged.front(), hours(1));
  EXPECT_EQ(merged.back(), hours(64));
  EXPECT_TRUE(RefetchSchedule::Create(merged).ok());
}

}  // namespace
}  // namespace kuzet::watch
