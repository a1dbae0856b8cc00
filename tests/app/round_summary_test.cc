// The daemon's round log (app/round_summary.h): one info line per round naming only the sites
// with news or errors; each site's counters at debug.
#include "app/round_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

namespace kuzet::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<config::Site> Sites(size_t n) {
  std::vector<config::Site> sites(n);
  for (size_t i = 0; i < n; ++i) sites[i].id = "site" + std::to_string(i);
  return sites;
}

SiteCounters Quiet() {
  SiteCounters c;
  c.pages = 3;
  c.unchanged = 3;
  return c;
}

TEST(RoundSummaryTest, AQuietRoundSaysNothingNewAndNamesNoSite) {
  const auto sites = Sites(1000);
  std::map<std::string, SiteCounters> counters;
  for (const auto& s : sites) counters[s.id] = Quiet();
  crawler::CrawlStats stats;
  stats.feeds_fetched = 1000;
  stats.not_modified = 990;
  stats.bytes = 2'500'000;
  EXPECT_EQ(FormatRoundSummary(sites, counters, stats),
            "crawl of 1000 site(s): 3000 pages, 0 new, 3000 unchanged, 0 new mention(s), "
            "0 error(s), 1000 feeds (990 not modified), 2.5 MB; nothing new");
}

TEST(RoundSummaryTest, NamesTheSitesWithNewsOrErrorsOnly) {
  const auto sites = Sites(4);
  std::map<std::string, SiteCounters> counters;
  counters["site0"] = Quiet();
  counters["site1"].pages = 5;
  counters["site1"].new_documents = 2;
  counters["site1"].new_mentions = 1;
  counters["site2"].errors = 3;
  counters["site2"].pages = 3;
  // site3 fetched nothing at all: no counters.
  crawler::CrawlStats stats;
  stats.stopped = true;
  const std::string line = FormatRoundSummary(sites, counters, stats);
  EXPECT_THAT(line, HasSubstr("crawl of 4 site(s): 11 pages, 2 new, 3 unchanged, "
                              "1 new mention(s), 3 error(s)"));
  EXPECT_THAT(line, HasSubstr("; news: site1 (1 mention, 2 new); errors: site2 (3)"));
  EXPECT_THAT(line, HasSubstr("; stopped, the rest stays queued"));
  EXPECT_THAT(line, Not(HasSubstr("site0")));
  EXPECT_THAT(line, Not(HasSubstr("site3")));
  EXPECT_THAT(line, Not(HasSubstr("nothing new")));
}

TEST(RoundSummaryTest, ALongListIsCutWithACount) {
  const auto sites = Sites(kRoundSummaryNamedSites + 30);
  std::map<std::string, SiteCounters> counters;
  for (const auto& s : sites) counters[s.id].new_documents = 1;
  const std::string line = FormatRoundSummary(sites, counters, {});
  EXPECT_THAT(line, HasSubstr("site19 (1 new) and 30 more"));
  EXPECT_THAT(line, Not(HasSubstr("site20 ")));
}

// The log itself: at info one line whatever the number of sites; at debug one more per site.
class LogRoundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("round_test", sink));
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }
  size_t Lines() const {
    const std::string text = out_.str();
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LogRoundTest, OneInfoLinePerRoundAndPerSiteDetailAtDebug) {
  const auto sites = Sites(1000);
  std::map<std::string, SiteCounters> counters;
  for (const auto& s : sites) counters[s.id] = Quiet();
  spdlog::set_level(spdlog::level::info);
  LogRound(sites, counters, {});
  EXPECT_EQ(Lines(), 1u) << out_.str().substr(0, 500);
  EXPECT_THAT(out_.str(), HasSubstr("info crawl of 1000 site(s)"));

  out_.str("");
  spdlog::set_level(spdlog::level::debug);
  LogRound(sites, counters, {});
  spdlog::set_level(spdlog::level::info);
  EXPECT_EQ(Lines(), 1001u);
  EXPECT_THAT(out_.str(), HasSubstr("debug site site999: 3 pages, 0 new, 3 unchanged, 0 new "
                                    "mentions, 0 errors (0 over budget)\n"));
}

}  // namespace
}  // namespace kuzet::app
