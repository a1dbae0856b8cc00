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

PipelineCounts SomeCounts() {
  PipelineCounts c;
  c.pages_processed["steppe"] = 7;
  c.pages_processed["quote\"back\\slash\nnewline"] = 1;
  c.fetch_errors[{"steppe", FetchErrorKind::kTimeout}] = 2;
  c.not_text["steppe"] = 1;
  c.over_budget[{"steppe", Budget::kMemory}] = 3;
  c.over_budget[{"steppe", Budget::kCpu}] = 4;
  c.regex_timeouts[{"steppe", "strike\"s"}] = 5;
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
