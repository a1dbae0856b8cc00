// WatchPlan (app/watch_plan.h): the [watch] table's schedules as the pipeline and the re-fetch
// step use them.
#include "app/watch_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kuzet::app {
namespace {

using std::chrono::seconds;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kSecond = 1'000'000;

storage::PageInput PageWith(std::vector<std::string> rules, std::string site = "vlast") {
  storage::PageInput page;
  page.site_id = std::move(site);
  page.url = "https://vlast.kz/zhanaozen.html";
  page.fetched_at_us = kT0;
  for (std::string& rule : rules) {
    storage::MentionInput m;
    m.rule_id = std::move(rule);
    page.mentions.push_back(std::move(m));
  }
  return page;
}

config::Watch TableWith(std::vector<seconds> schedule) {
  config::Watch watch;
  watch.enabled = true;
  watch.schedule = std::move(schedule);
  return watch;
}

TEST(WatchPlanTest, AFirstMentionIsDueAtTheFirstAgeGivenOrTakenTheJitter) {
  auto plan = WatchPlan::Create(config::Watch{});  // the default: 1h, 6h, 1d, 3d, 7d, 30d
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  auto start = plan->Start(PageWith({"zhanaozen"}));
  ASSERT_TRUE(start.has_value());
  // ±10 % of the gap before the first step (its age).
  EXPECT_GE(start->due_us, kT0 + 3240 * kSecond);
  EXPECT_LE(start->due_us, kT0 + 3960 * kSecond);
  // The same page, the same time (a restart computes the same): deterministic.
  EXPECT_EQ(plan->Start(PageWith({"zhanaozen"}))->due_us, start->due_us);
  // A page without mentions is not watched.
  EXPECT_FALSE(plan->Start(PageWith({})).has_value());
}

TEST(WatchPlanTest, SitesAndRulesWithASchedulePutTheirAgesTogether) {
  config::Watch watch = TableWith({seconds(3600), seconds(86400)});
  watch.sites.push_back({"vlast", {seconds(10), seconds(7200)}, 0});
  watch.rules.push_back({"tuletayeva", {seconds(20), seconds(7200), seconds(864000)}, 0});
  auto plan = WatchPlan::Create(watch);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  using Ages = std::vector<seconds>;
  EXPECT_EQ(plan->ScheduleFor("other", std::vector<std::string>{"zhanaozen"}).ages(),
            (Ages{seconds(3600), seconds(86400)}));
  EXPECT_EQ(plan->ScheduleFor("vlast", std::vector<std::string>{"zhanaozen"}).ages(),
            (Ages{seconds(10), seconds(7200)}));
  EXPECT_EQ(plan->ScheduleFor("vlast", std::vector<std::string>{"zhanaozen", "tuletayeva"}).ages(),
            (Ages{seconds(10), seconds(20), seconds(7200), seconds(864000)}));
  // Different schedules have different fingerprints; the same one the same.
  const auto a = plan->ScheduleFor("other", std::vector<std::string>{});
  const auto b = plan->ScheduleFor("vlast", std::vector<std::string>{});
  EXPECT_NE(WatchPlan::FingerprintOf(a), WatchPlan::FingerprintOf(b));
  EXPECT_EQ(WatchPlan::FingerprintOf(a),
            WatchPlan::FingerprintOf(plan->ScheduleFor("x", std::vector<std::string>{})));
  EXPECT_EQ(plan->Start(PageWith({"zhanaozen"}))->schedule_fingerprint,
            WatchPlan::FingerprintOf(b));
}

TEST(WatchPlanTest, AFetchDoesEveryStepDueByThenAndTheLastEndsTheWatch) {
  auto plan = WatchPlan::Create(TableWith({seconds(1), seconds(2), seconds(3)}));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  storage::WatchEntry entry{"https://vlast.kz/a", "vlast", 0, 0, kT0};
  const std::vector<std::string> rules = {"zhanaozen"};
  // Fetched on time: the next step is 1, due after the fetch.
  auto next = plan->After(entry, kT0 + kSecond + kSecond / 5, rules);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->entry.step, 1u);
  EXPECT_GT(next->due_us, kT0 + kSecond + kSecond / 5);
  // Fetched late, after every step's time (a daemon stopped for long): the watch is over.
  EXPECT_FALSE(plan->After(entry, kT0 + 60 * kSecond, rules).has_value());
  // Fetched early (a fetch runs before its time only when queued so): at least its own step.
  auto early = plan->After(entry, kT0, rules);
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->entry.step, 1u);
  // The last step.
  entry.step = 2;
  EXPECT_FALSE(plan->After(entry, kT0 + 3 * kSecond, rules).has_value());
}

TEST(WatchPlanTest, ASchedulesThatRefetchScheduleRefusesIsRefused) {
  EXPECT_FALSE(WatchPlan::Create(TableWith({seconds(5), seconds(5)})).ok());
  EXPECT_FALSE(WatchPlan::Create(TableWith({})).ok());
}

}  // namespace
}  // namespace kuzet::app
