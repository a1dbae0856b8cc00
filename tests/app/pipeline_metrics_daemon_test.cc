// Fault: a site serves a page over the memory budget, a PDF as text/html and a dead link, and a
// rule's regex backtracks catastrophically on one article. `kuzet run` with [server] enabled must
// show each per-page failure in /metrics with its site (and budget or rule), and log it with the
// URL, rather than miss it silently (issue #14 item 5, issue #15 item 1).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "tests/app/exposition_text.h"
#include "tests/app/pipeline_test_pages.h"
#include "tests/app/run_command.h"
#include "tests/crawler/test_server.h"
#include "tests/scratch_dir.h"
#include "tests/wait_until.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testing::SeriesValue;

// The crafted site: a front page linking to each hostile page. (The PDF's URL has no .pdf: the
// crawler's scope would not fetch it.)
class CraftedSite {
 public:
  CraftedSite() {
    server_.server().Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          "<html><body><a href=\"/bomb\">a</a> <a href=\"/regex\">b</a> "
          "<a href=\"/report\">c</a> <a href=\"/gone\">d</a></body></html>",
          "text/html; charset=utf-8");
    });
    server_.server().Get("/bomb", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(app::testing::MemoryBombHtml(), "text/html; charset=utf-8");
    });
    server_.server().Get("/regex", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(app::testing::BacktrackingArticleHtml(), "text/html; charset=utf-8");
    });
    server_.server().Get("/report", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(app::testing::PdfBytes(), "text/html; charset=utf-8");
    });
    server_.Start();
  }
  std::string Url(const std::string& path) const { return server_.Url(path); }

 private:
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

TEST(PipelineMetricsDaemonTest, OverBudgetPageAndRegexTimeoutAreCountedInMetrics) {
  CraftedSite site;
  kuzet::testing::ScratchDir scratch("kuzet-metrics-daemon");
  const fs::path& dir = scratch.path();
  int port = testing::FreePort();
  ASSERT_GT(port, 0);
  std::string config = (dir / "kuzet.toml").string();
  std::ofstream(config) << R"([settings]
data_dir = "data"
per_host_delay = "0s"
allow_private_hosts = ["127.0.0.1"]
log_level = "warn"
page_memory_budget = 16777216
page_cpu_budget = "30s"

[server]
enabled = true
listen = "127.0.0.1:)" + std::to_string(port) +
                               R"("

[[sites]]
id = "crafted"
start_urls = [")" + site.Url("/") +
                               R"("]
interval = "1h"

[[rules]]
id = "slow"
terms = ["/(a|aa)+b/"]

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen"]
)";
  std::string log = (dir / "daemon.log").string();
  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GE(pid, 0);

  const std::string over_budget =
      R"(kuzet_pages_over_budget_total{site="crafted",budget="memory"})";
  const std::string regex_timeouts = R"(kuzet_regex_timeouts_total{site="crafted",rule="slow"})";
  httplib::Client client("127.0.0.1", port);
  std::string text;
  WaitUntil(
      [&] {
        auto res = client.Get("/metrics");
        if (!res || res->status != 200) return false;
        text = res->body;
        // Every link followed: the four pages processed and the dead link counted.
        return SeriesValue(text, R"(kuzet_pages_processed_total{site="crafted"})").value_or(0) >=
                   4 &&
               SeriesValue(text, R"(kuzet_fetch_errors_total{site="crafted",kind="http_4xx"})")
                   .has_value();
      },
      60s, 200ms);
  EXPECT_EQ(SeriesValue(text, over_budget), 1.0) << text << testing::ReadFile(log);
  EXPECT_EQ(SeriesValue(text, regex_timeouts), 1.0) << text;
  EXPECT_EQ(SeriesValue(text, R"(kuzet_regex_timeouts_total{site="crafted",rule="zhanaozen"})"),
            std::nullopt);
  EXPECT_EQ(SeriesValue(text, R"(kuzet_pages_not_text_total{site="crafted"})"), 1.0) << text;
  EXPECT_GE(
      SeriesValue(text, R"(kuzet_fetch_errors_total{site="crafted",kind="http_4xx"})").value_or(0),
      1.0)
      << "the dead link /gone";
  // The front page, the bomb, the article and the PDF.
  EXPECT_EQ(SeriesValue(text, R"(kuzet_pages_processed_total{site="crafted"})"), 4.0) << text;

  // And each is in the log with its URL (and rule).
  std::string logged = testing::ReadFile(log);
  EXPECT_NE(logged.find(site.Url("/bomb") + ": page over budget"), std::string::npos) << logged;
  EXPECT_NE(logged.find(site.Url("/regex") + ": rule slow: regex hit the time limit"),
            std::string::npos)
      << logged;

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(log);
}

}  // namespace
}  // namespace kuzet
