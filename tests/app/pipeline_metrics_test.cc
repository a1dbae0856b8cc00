// The crawl's counters in /metrics (app/pipeline_metrics.h): what the pipeline counts into them,
// their rendering in the exposition format (checked by promtool when installed), and counting
// from several threads while a reader takes snapshots.
#include "app/pipeline_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "app/http_api.h"
#include "app/pipeline.h"
#include "app/site_metrics_seed.h"
#include "base/time.h"
#include "tests/app/pipeline_test_pages.h"
#include "tests/app/run_command.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;
using testing::PageAt;

// Each kind of per-page failure, fed to a pipeline with metrics, lands in its own counter with
// the site (and budget or rule) that had it.
TEST(PipelineMetricsTest, PipelineCountsEachFailureBySiteAndBudgetOrRule) {
  fs::path dir = fs::temp_directory_path() / ("kuzet-pipeline-metrics-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto store = storage::Store::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  keywords::RuleSpec slow{"slow", {"/(a|aa)+b/"}};
  keywords::RuleSpec zh{"zh", {"Zhanaozen"}};
  auto matcher = keywords::Matcher::Compile({slow, zh});
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  config::Site site;
  site.id = "crafted";
  PipelineMetrics metrics;

  // Memory: 1 MB of "x<p>" would take Gumbo ~90 MB; the budget is 16 MiB.
  PagePipeline pipeline(*matcher, **store, PageLimits{std::chrono::seconds(30), 16u << 20},
                        &metrics);
  pipeline.OnPage(PageAt(site, "https://crafted.kz/bomb", testing::MemoryBombHtml()));
  // CPU: a long article and a budget of 1 µs.
  PagePipeline slow_pipeline(*matcher, **store,
                             PageLimits{std::chrono::microseconds(1), size_t{256} << 20}, &metrics);
  std::string long_article = "<html><body><article>";
  for (int i = 0; i < 3000; ++i) {
    long_article += "<p>The oil workers of Zhanaozen went on strike in May 2011, paragraph " +
                    std::to_string(i) + ".</p>";
  }
  slow_pipeline.OnPage(PageAt(site, "https://crafted.kz/long", long_article + "</article>"));
  // A regex term with catastrophic backtracking, and a PDF served as HTML.
  pipeline.OnPage(PageAt(site, "https://crafted.kz/regex", testing::BacktrackingArticleHtml()));
  pipeline.OnPage(PageAt(site, "https://crafted.kz/report.pdf", testing::PdfBytes()));
  pipeline.OnFetchError(site, "https://crafted.kz/gone",
                        Status::Unavailable("HTTP 404 for https://crafted.kz/gone"));

  PipelineCounts counts = metrics.Snapshot();
  EXPECT_EQ(counts.pages_processed["crafted"], 4u);
  EXPECT_EQ((counts.over_budget[{"crafted", Budget::kMemory}]), 1u);
  EXPECT_EQ((counts.over_budget[{"crafted", Budget::kCpu}]), 1u);
  EXPECT_EQ((counts.regex_timeouts[{"crafted", "slow"}]), 1u);
  EXPECT_EQ(counts.regex_timeouts.count({"crafted", "zh"}), 0u);
  EXPECT_EQ(counts.not_text["crafted"], 1u);
  EXPECT_EQ((counts.fetch_errors[{"crafted", FetchErrorKind::kHttp4xx}]), 1u);
  store->reset();
  fs::remove_all(dir);
}

// A regex that runs into its time limit can also use up the page's CPU budget: the page is
// counted over budget, and the rule's timeout is counted all the same.
TEST(PipelineMetricsTest, RegexTimeoutOnAPageOverItsCpuBudgetIsCountedToo) {
  fs::path dir =
      fs::temp_directory_path() / ("kuzet-pipeline-metrics-cpu-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto store = storage::Store::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"slow", {"/(a|aa)+b/"}}});
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  config::Site site;
  site.id = "crafted";
  PipelineMetrics metrics;
  // Extracting this small page takes well under 50 ms; the regex runs for several times that.
  PagePipeline pipeline(*matcher, **store,
                        PageLimits{std::chrono::milliseconds(50), size_t{256} << 20}, &metrics);
  pipeline.OnPage(PageAt(site, "https://crafted.kz/regex", testing::BacktrackingArticleHtml()));
  PipelineCounts counts = metrics.Snapshot();
  EXPECT_EQ((counts.over_budget[{"crafted", Budget::kCpu}]), 1u);
  EXPECT_EQ((counts.regex_timeouts[{"crafted", "slow"}]), 1u);
  store->reset();
  fs::remove_all(dir);
}

// Stored pages and their mentions by site (an unchanged page again stores nothing), each fetch in
// the histogram, the last success only from a 200 or 304, the interval from the config.
TEST(PipelineMetricsTest, PipelineCountsStoredPagesMentionsAndFetches) {
  fs::path dir = fs::temp_directory_path() / ("kuzet-pipeline-stored-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto store = storage::Store::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  config::Site site;
  site.id = "steppe";
  site.interval = std::chrono::minutes(30);
  site.max_interval = std::chrono::hours(2);
  site.feeds = {"https://steppe.kz/feed.xml"};
  PipelineMetrics metrics;
  PagePipeline pipeline(*matcher, **store, PageLimits{}, &metrics);
  std::string article =
      "<html><body><article><h1>Strike</h1><p>Oil workers in Zhanaozen walked off the job on "
      "Monday, demanding the wage rises they were promised after the strike of 2011.</p><p>The "
      "union said that two thousand workers joined.</p></article></body></html>";
  pipeline.OnPage(PageAt(site, "https://steppe.kz/1", article));
  pipeline.OnPage(PageAt(site, "https://steppe.kz/1", article));  // unchanged

  crawler::FetchResponse gone;
  gone.status = 404;
  pipeline.OnFetched(site, crawler::PageKind::kLink, gone, 0.2);
  pipeline.OnFetched(site, crawler::PageKind::kLink, Status::Network("timed out"), 40.0);
  PipelineCounts counts = metrics.Snapshot();
  EXPECT_EQ(counts.pages_stored["steppe"], 1u);
  EXPECT_EQ(counts.mentions_stored["steppe"], 1u);
  EXPECT_EQ(counts.last_success_seconds.count("steppe"), 0u) << "a 404 and a timeout";
  EXPECT_EQ(counts.interval_seconds["steppe"], 7200.0) << "feeds only: max_interval";
  EXPECT_EQ(counts.fetch_duration.count(), 2u);

  crawler::FetchResponse not_modified;
  not_modified.status = 304;
  double before = static_cast<double>(base::NowMicros()) / 1e6;
  pipeline.OnFetched(site, crawler::PageKind::kFeed, not_modified, 0.01);
  counts = metrics.Snapshot();
  EXPECT_GE(counts.last_success_seconds["steppe"], before);
  EXPECT_EQ(counts.fetch_duration.count(), 3u);
  EXPECT_EQ(counts.fetch_duration.CumulativeCount(0), 1u);  // 0.01 s
  site.start_urls = {"https://steppe.kz/"};                 // read every interval
  pipeline.OnFetched(site, crawler::PageKind::kStart, not_modified, 0.01);
  EXPECT_EQ(metrics.Snapshot().interval_seconds["steppe"], 1800.0);
  EXPECT_EQ(counts.store_write_errors, 0u);
  store->reset();
  fs::remove_all(dir);
}

// After a restart each site's last success goes on from the crawl state: the latest 200 or 304 of
// its start pages, feeds and sitemaps (a later failure does not erase it); every configured site
// gets its interval, one never read too.
TEST(PipelineMetricsTest, SeedsLastSuccessAndIntervalFromTheCrawlState) {
  fs::path dir = fs::temp_directory_path() / ("kuzet-seed-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto state = crawler::CrawlState::Open(dir.string());
  ASSERT_TRUE(state.ok()) << state.status().message();
  auto resource = [](crawler::PageKind kind, int status, int64_t at_s) {
    crawler::ResourceState r;
    r.kind = kind;
    r.last_status = status;
    r.last_fetch_us = at_s * 1000000;
    return r;
  };
  crawler::CrawlStateChange change;
  change.resources.push_back(
      {{"steppe", "https://steppe.kz/"}, resource(crawler::PageKind::kStart, 200, 1000)});
  change.resources.push_back(
      {{"steppe", "https://steppe.kz/feed.xml"}, resource(crawler::PageKind::kFeed, 304, 2000)});
  change.resources.push_back(
      {{"steppe", "https://steppe.kz/news.xml"}, resource(crawler::PageKind::kFeed, 503, 3000)});
  change.resources.push_back(
      {{"dead", "https://dead.kz/"}, resource(crawler::PageKind::kStart, 0, 3000)});
  ASSERT_TRUE((*state)->Commit(change).ok());

  config::Site steppe, dead, fresh;
  steppe.id = "steppe";
  steppe.start_urls = {"https://steppe.kz/"};
  steppe.interval = std::chrono::minutes(20);
  dead.id = "dead";
  dead.start_urls = {"https://dead.kz/"};
  fresh.id = "fresh";
  fresh.feeds = {"https://fresh.kz/feed.xml"};
  PipelineMetrics metrics;
  ASSERT_TRUE(SeedSiteMetrics(**state, {steppe, dead, fresh}, metrics).ok());
  PipelineCounts counts = metrics.Snapshot();
  EXPECT_EQ(counts.last_success_seconds["steppe"], 2000.0);
  EXPECT_EQ(counts.last_success_seconds.count("dead"), 0u);
  EXPECT_EQ(counts.last_success_seconds.count("fresh"), 0u);
  EXPECT_EQ(counts.interval_seconds["steppe"], 1200.0);
  EXPECT_EQ(counts.interval_seconds["dead"], 3600.0);
  EXPECT_EQ(counts.interval_seconds["fresh"], 14400.0);  // feeds only: max_interval

  metrics.ObserveFetch("steppe", true, 0.1, 5000.0);
  metrics.SeedLastSuccess("steppe", 2000.0);
  EXPECT_EQ(metrics.Snapshot().last_success_seconds["steppe"], 5000.0);
  state->reset();
  fs::remove_all(dir);
}

PipelineCounts SomeCounts() {
  PipelineCounts c;
  c.pages_processed["steppe"] = 7;
  c.pages_processed["quote\"back\\slash\nnewline"] = 1;
  c.fetch_errors[{"steppe", FetchErrorKind::kTimeout}] = 2;
  c.not_text["steppe"] = 1;
  c.over_budget[{"steppe", Budget::kMemory}] = 3;
  c.over_budget[{"steppe", Budget::kCpu}] = 4;
  c.regex_timeouts[{"steppe", "strike\"s"}] = 5;
  c.fetch_errors[{"steppe", FetchErrorKind::kHttp5xx}] = 1;
  c.pages_stored["steppe"] = 6;
  c.mentions_stored["steppe"] = 9;
  c.last_success_seconds["steppe"] = 1796487015.5;
  c.interval_seconds["steppe"] = 3600;
  for (double seconds : {0.02, 0.3, 31.0, 90.0}) c.fetch_duration.Observe(seconds);
  c.store_write_errors = 2;
  c.alert_sends["email"] = 3;
  c.alert_send_failures["webhook"] = 4;
  c.alert_given_up["webhook"] = 1;
  return c;
}

TEST(PipelineMetricsTest, RendersCountersWithEscapedLabels) {
  MetricsSnapshot m;
  m.pipeline = SomeCounts();
  std::string text = RenderMetrics(m);
  for (const char* expected : {
           "# TYPE kuzet_pages_processed_total counter\n"
           "kuzet_pages_processed_total{site=\"quote\\\"back\\\\slash\\nnewline\"} 1\n"
           "kuzet_pages_processed_total{site=\"steppe\"} 7\n",
           "# TYPE kuzet_fetch_errors_total counter\n"
           "kuzet_fetch_errors_total{site=\"steppe\",kind=\"timeout\"} 2\n",
           "# TYPE kuzet_pages_not_text_total counter\n"
           "kuzet_pages_not_text_total{site=\"steppe\"} 1\n",
           "# TYPE kuzet_pages_over_budget_total counter\n"
           "kuzet_pages_over_budget_total{site=\"steppe\",budget=\"cpu\"} 4\n"
           "kuzet_pages_over_budget_total{site=\"steppe\",budget=\"memory\"} 3\n",
           "# TYPE kuzet_regex_timeouts_total counter\n"
           "kuzet_regex_timeouts_total{site=\"steppe\",rule=\"strike\\\"s\"} 5\n",
           "kuzet_site_last_success_timestamp_seconds{site=\"steppe\"} 1796487015.500000\n",
           "kuzet_site_interval_seconds{site=\"steppe\"} 3600.000000\n",
           "kuzet_pages_stored_total{site=\"steppe\"} 6\n",
           "kuzet_site_mentions_stored_total{site=\"steppe\"} 9\n",
           "# TYPE kuzet_fetch_duration_seconds histogram\n"
           "kuzet_fetch_duration_seconds_bucket{le=\"0.05\"} 1\n"
           "kuzet_fetch_duration_seconds_bucket{le=\"0.1\"} 1\n"
           "kuzet_fetch_duration_seconds_bucket{le=\"0.25\"} 1\n"
           "kuzet_fetch_duration_seconds_bucket{le=\"0.5\"} 2\n",
           "kuzet_fetch_duration_seconds_bucket{le=\"30\"} 2\n"
           "kuzet_fetch_duration_seconds_bucket{le=\"60\"} 3\n"
           "kuzet_fetch_duration_seconds_bucket{le=\"+Inf\"} 4\n"
           "kuzet_fetch_duration_seconds_sum 121.320000\n"
           "kuzet_fetch_duration_seconds_count 4\n",
           "kuzet_store_write_errors_total 2\n",
           "kuzet_alert_sends_total{channel=\"email\"} 3\n",
           "kuzet_alert_send_failures_total{channel=\"webhook\"} 4\n",
           "kuzet_alert_channels_given_up_total{channel=\"webhook\"} 1\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
  }
}

// `kuzet serve` has no crawl: its /metrics leaves the crawl's families out rather than show
// zeros it does not know.
TEST(PipelineMetricsTest, WithoutPipelineCountsTheFamiliesAreLeftOut) {
  MetricsSnapshot m;
  std::string text = RenderMetrics(m);
  for (const char* family :
       {"kuzet_pages_processed_total", "kuzet_fetch_errors_total", "kuzet_pages_not_text_total",
        "kuzet_pages_over_budget_total", "kuzet_regex_timeouts_total"}) {
    EXPECT_EQ(text.find(family), std::string::npos) << family;
  }
  EXPECT_NE(text.find("kuzet_mentions_total"), std::string::npos);
}

TEST(PipelineMetricsTest, RenderingPassesPromtool) {
  if (kuzet::testing::RunShell("test -x /usr/bin/promtool").exit_code != 0) {
    GTEST_SKIP() << "/usr/bin/promtool (Debian package prometheus) is missing";
  }
  MetricsSnapshot m;
  m.mentions_total = 2;
  m.mentions_by_rule["zhanaozen"] = 2;
  m.pipeline = SomeCounts();
  m.build = GetBuildInfo();
  m.outbox = OutboxCounts{2, 1};
  m.store_size_bytes = 123456;
  m.queued_urls = std::map<std::string, int64_t>{{"steppe", 12}, {"dead", 0}};
  m.healthy = false;
  fs::path file = fs::temp_directory_path() / ("kuzet-metrics-" + std::to_string(getpid()));
  std::ofstream(file) << RenderMetrics(m);
  kuzet::testing::CommandResult check =
      kuzet::testing::RunShell("/usr/bin/promtool check metrics < " + file.string() + " 2>&1");
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_EQ(check.out, "") << "lint findings";
  fs::remove(file);
}

// Counted from several threads while another takes snapshots: no count is lost, and every
// snapshot sees counters that only grow.
TEST(PipelineMetricsTest, CountsFromManyThreadsAreAllKept) {
  PipelineMetrics metrics;
  constexpr int kThreads = 4, kEach = 5000;
  std::atomic<bool> done{false};
  bool shrank = false;
  std::thread reader([&] {
    uint64_t last = 0;
    while (!done.load()) {
      uint64_t now = metrics.Snapshot().pages_processed["steppe"];
      if (now < last) shrank = true;
      last = now;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        metrics.CountPageProcessed("steppe");
        metrics.CountRegexTimeout("steppe", "slow");
      }
    });
  }
  for (std::thread& w : writers) w.join();
  done = true;
  reader.join();
  PipelineCounts counts = metrics.Snapshot();
  EXPECT_EQ(counts.pages_processed["steppe"], uint64_t{kThreads} * kEach);
  EXPECT_EQ((counts.regex_timeouts[{"steppe", "slow"}]), uint64_t{kThreads} * kEach);
  EXPECT_FALSE(shrank);
}

}  // namespace
}  // namespace kuzet::app
