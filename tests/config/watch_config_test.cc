// Tests of the [watch] table of config/config.h: defaults, every key read, and each error with its
// exact message and line.
#include <gtest/gtest.h>

#include "config/config.h"

namespace kuzet::config {
namespace {

using std::chrono::hours;

constexpr std::string_view kRules = R"([[sites]]
id = "vlast"
feeds = ["https://vlast.kz/rss"]
[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен"]
[[rules]]
id = "strike-leaders"
terms = ["Roza Tuletayeva"]
)";

Result<Config> Parse(std::string_view watch_table) {
  return ParseConfig(std::string(kRules) + std::string(watch_table), "t.toml");
}

TEST(WatchConfigTest, AbsentTableMeansNoWatchAndTheDefaultSchedule) {
  Result<Config> parsed = Parse("");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_FALSE(parsed->watch.enabled);
  EXPECT_EQ(parsed->watch.schedule, (std::vector<Seconds>{hours(1), hours(6), hours(24), hours(72),
                                                          hours(168), hours(720)}));
  EXPECT_TRUE(parsed->watch.alert_cosmetic.empty());
}

TEST(WatchConfigTest, EveryKeyIsRead) {
  Result<Config> parsed = Parse(R"(
[watch]
schedule = ["30m", "2h", "1d12h", "90d"]
alert_cosmetic = ["strike-leaders"]
)");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const Watch& watch = parsed->watch;
  EXPECT_TRUE(watch.enabled) << "on when the table is present";
  EXPECT_EQ(watch.schedule,
            (std::vector<Seconds>{Seconds(1800), hours(2), hours(36), hours(90 * 24)}));
  EXPECT_EQ(watch.alert_cosmetic, std::vector<std::string>{"strike-leaders"});
  EXPECT_EQ(watch.line, 11);

  Result<Config> off = Parse("[watch]\nenabled = false\n");
  ASSERT_TRUE(off.ok()) << off.status().message();
  EXPECT_FALSE(off->watch.enabled);
}

struct ErrorCase {
  const char* name;
  const char* table;  // after kRules' 9 lines
  const char* message;
};

TEST(WatchConfigTest, EachErrorGivesItsExactMessage) {
  const ErrorCase cases[] = {
      {"unknown key", "[watch]\nschedul = [\"1h\"]\n",
       "t.toml:11: watch.schedul: unknown key (did you mean \"schedule\"?)"},
      {"empty schedule", "[watch]\nschedule = []\n",
       "t.toml:11: watch.schedule: expected 1 to 64 durations, got 0"},
      {"bare number", "[watch]\nschedule = [\"1h\", \"6\"]\n",
       "t.toml:11: watch.schedule[1]: expected a duration like \"15m\", got \"6\" (add a unit: s, "
       "m, h or d)"},
      {"zero age", "[watch]\nschedule = [\"0m\", \"1h\"]\n",
       "t.toml:11: watch.schedule[0]: expected a duration > 0, got \"0m\""},
      {"out of order", "[watch]\nschedule = [\"1d\", \"6h\"]\n",
       "t.toml:11: watch.schedule: expected ages in increasing order, like [\"1h\", \"6h\", "
       "\"1d\"]"},
      {"repeated age", "[watch]\nschedule = [\"1h\", \"60m\"]\n",
       "t.toml:11: watch.schedule: expected ages in increasing order, like [\"1h\", \"6h\", "
       "\"1d\"]"},
      {"not strings", "[watch]\nschedule = \"1h\"\n",
       "t.toml:11: watch.schedule: expected an array of strings, got a string"},
      {"unknown rule", "[watch]\nalert_cosmetic = [\"zhanaozn\"]\n",
       "t.toml:11: watch.alert_cosmetic[0]: no rule has id \"zhanaozn\" (did you mean "
       "\"zhanaozen\"?)"},
      {"rule listed twice", "[watch]\nalert_cosmetic = [\"zhanaozen\", \"zhanaozen\"]\n",
       "t.toml:11: watch.alert_cosmetic[1]: rule \"zhanaozen\" listed twice"},
      {"enabled not a boolean", "[watch]\nenabled = \"yes\"\n",
       "t.toml:11: watch.enabled: expected a boolean (true or false), got a string"},
      {"site schedule for an unknown site", "[[watch.sites]]\nid = \"vlst\"\nschedule = [\"1h\"]\n",
       "t.toml:11: watch.sites[0].id: no site has id \"vlst\" (did you mean \"vlast\"?)"},
      {"rule schedule without a schedule", "[[watch.rules]]\nid = \"zhanaozen\"\n",
       "t.toml:10: watch.rules[0].schedule: missing required key"},
      {"rule schedule without an id", "[[watch.rules]]\nschedule = [\"1h\"]\n",
       "t.toml:10: watch.rules[0].id: missing required key"},
      {"site schedule twice",
       "[[watch.sites]]\nid = \"vlast\"\nschedule = [\"1h\"]\n"
       "[[watch.sites]]\nid = \"vlast\"\nschedule = [\"2h\"]\n",
       "t.toml:14: watch.sites[1].id: duplicate id \"vlast\" (first defined at line 11)"},
      {"site schedule out of order",
       "[[watch.sites]]\nid = \"vlast\"\nschedule = [\"2h\", \"1h\"]\n",
       "t.toml:12: watch.sites[0].schedule: expected ages in increasing order, like [\"1h\", "
       "\"6h\", \"1d\"]"},
      {"unknown key in a rule schedule",
       "[[watch.rules]]\nid = \"zhanaozen\"\nschedule = [\"1h\"]\nalert = true\n",
       "t.toml:13: watch.rules[0].alert: unknown key"},
      {"sites not an array of tables", "[watch]\nsites = [\"vlast\"]\n",
       "t.toml:11: watch.sites[0]: expected a table, got a string"},
  };
  for (const ErrorCase& c : cases) {
    Result<Config> parsed = Parse(c.table);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().message(), c.message) << c.name;
  }
  Result<Config> not_a_table = ParseConfig("watch = true\n", "t.toml");
  ASSERT_FALSE(not_a_table.ok());
  EXPECT_EQ(not_a_table.status().message(),
            "t.toml:1: watch: expected a table ([watch]), got a boolean");
}

TEST(WatchConfigTest, SchedulesPerSiteAndPerRule) {
  Result<Config> parsed = Parse(R"(
[watch]
schedule = ["1h", "1d"]

[[watch.sites]]
id = "vlast"
schedule = ["2h", "7d"]

[[watch.rules]]
id = "strike-leaders"
schedule = ["1h", "30d", "365d"]
)");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const Watch& watch = parsed->watch;
  EXPECT_EQ(watch.schedule, (std::vector<Seconds>{hours(1), hours(24)}));
  EXPECT_EQ(watch.sites, (std::vector<WatchSchedule>{{"vlast", {hours(2), hours(7 * 24)}, 14}}));
  EXPECT_EQ(watch.rules, (std::vector<WatchSchedule>{
                             {"strike-leaders", {hours(1), hours(30 * 24), hours(365 * 24)}, 18}}));
}

TEST(WatchConfigTest, SixtyFourStepsAreTheMost) {
  std::string steps;
  for (int i = 1; i <= 65; ++i) steps += (i > 1 ? ", \"" : "\"") + std::to_string(i) + "h\"";
  Result<Config> too_many = Parse("[watch]\nschedule = [" + steps + "]\n");
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().message(),
            "t.toml:11: watch.schedule: expected 1 to 64 durations, got 65");
  steps = steps.substr(0, steps.rfind(','));
  EXPECT_TRUE(Parse("[watch]\nschedule = [" + steps + "]\n").ok());
}

}  // namespace
}  // namespace kuzet::config
