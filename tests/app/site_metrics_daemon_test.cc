// Fault: of two sites, one answers and one refuses every connection. `kuzet run` with [server]
// must tell them apart in /metrics (issue #19 item 4): the dead site's errors by kind and no last
// success, the live site's recent last success, pages and mentions stored; the fetch latency
// histogram, queue lengths, outbox, store size, health and build info; all of it valid for
// `promtool check metrics`. /healthz answers without the bearer token that /metrics needs. After
// a restart the live site's last success is still there, read from the crawl state.
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
#include "tests/app/refusing_port.h"
#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/app/test_site.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testing::RefusingPort;

using testing::SeriesValue;

TEST(SiteMetricsDaemonTest, DeadSiteAndLiveSiteAreToldApartInMetrics) {
  testing::TestSite live;
  RefusingPort dead;
  ASSERT_GT(dead.port(), 0);
  fs::path dir = fs::temp_directory_path() / ("kuzet-site-metrics-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  int port = testing::FreePort();
  ASSERT_GT(port, 0);
  std::string config = (dir / "kuzet.toml").string();
  std::ofstream(config) << testing::LoopbackSettings("warn") + R"(
[server]
enabled = true
listen = "127.0.0.1:)" + std::to_string(port) +
                               R"("
token_env = "KUZET_TEST_TOKEN"

[[sites]]
id = "steppe"
start_urls = [")" + live.Url("/") +
                               R"("]
feeds = [")" + live.Url("/feed.xml") +
                               R"("]
interval = "1h"

[[sites]]
id = "dead"
start_urls = ["http://127.0.0.1:)" +
                               std::to_string(dead.port()) + R"(/"]
interval = "30m"

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]
)";
  std::string log = (dir / "daemon.log").string();
  double started = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  pid_t pid = testing::StartKuzetRun(config, log, {{"KUZET_TEST_TOKEN", "s3cret"}});
  ASSERT_GE(pid, 0);

  httplib::Client client("127.0.0.1", port);
  httplib::Headers auth = {{"Authorization", "Bearer s3cret"}};
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    auto res = client.Get("/metrics", auth);
    if (!res || res->status != 200) continue;
    text = res->body;
    if (SeriesValue(text, R"(kuzet_site_mentions_stored_total{site="steppe"})").value_or(0) >= 1 &&
        SeriesValue(text, R"(kuzet_fetch_errors_total{site="dead",kind="connect"})")) {
      break;
    }
  }
  double now = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
  SCOPED_TRACE(text);

  // The dead site: its errors by kind, its interval, and no success to show.
  EXPECT_GE(
      SeriesValue(text, R"(kuzet_fetch_errors_total{site="dead",kind="connect"})").value_or(0),
      1.0);
  EXPECT_EQ(SeriesValue(text, R"(kuzet_site_last_success_timestamp_seconds{site="dead"})"),
            std::nullopt);
  EXPECT_EQ(SeriesValue(text, R"(kuzet_site_interval_seconds{site="dead"})"), 1800.0);
  EXPECT_EQ(SeriesValue(text, R"(kuzet_pages_stored_total{site="dead"})"), std::nullopt);

  // The live site: a last success during this test, pages and mentions stored.
  std::optional<double> success =
      SeriesValue(text, R"(kuzet_site_last_success_timestamp_seconds{site="steppe"})");
  ASSERT_TRUE(success.has_value());
  EXPECT_GE(*success, started - 1);
  EXPECT_LE(*success, now + 1);
  EXPECT_EQ(SeriesValue(text, R"(kuzet_site_interval_seconds{site="steppe"})"), 3600.0);
  EXPECT_GE(SeriesValue(text, R"(kuzet_pages_stored_total{site="steppe"})").value_or(0), 2.0);
  EXPECT_GE(SeriesValue(text, R"(kuzet_site_mentions_stored_total{site="steppe"})").value_or(0),
            1.0);
  for (const char* kind : {"connect", "dns", "timeout", "tls"}) {
    EXPECT_EQ(SeriesValue(text, std::string(R"(kuzet_fetch_errors_total{site="steppe",kind=")") +
                                    kind + "\"}"),
              std::nullopt)
        << kind;
  }

  // Every fetch in the histogram, the failed ones too; the buckets cumulative up to +Inf.
  double count = SeriesValue(text, "kuzet_fetch_duration_seconds_count").value_or(0);
  EXPECT_GE(count, 4.0) << "front page, feed, articles, and the dead site's front page";
  EXPECT_EQ(SeriesValue(text, R"(kuzet_fetch_duration_seconds_bucket{le="+Inf"})"), count);
  EXPECT_LE(SeriesValue(text, R"(kuzet_fetch_duration_seconds_bucket{le="0.05"})").value_or(-1),
            count);
  EXPECT_GE(SeriesValue(text, R"(kuzet_fetch_duration_seconds_bucket{le="0.05"})").value_or(-1),
            0.0);

  // Scrape-time gauges: the queue of every configured site, outbox, size, health, build.
  EXPECT_TRUE(SeriesValue(text, R"(kuzet_site_queued_urls{site="steppe"})").has_value());
  EXPECT_TRUE(SeriesValue(text, R"(kuzet_site_queued_urls{site="dead"})").has_value());
  EXPECT_EQ(SeriesValue(text, R"(kuzet_alert_outbox_entries{state="failed"})"), 0.0);
  EXPECT_TRUE(SeriesValue(text, R"(kuzet_alert_outbox_entries{state="pending"})").has_value());
  EXPECT_GT(SeriesValue(text, "kuzet_store_size_bytes").value_or(0), 0.0);
  EXPECT_EQ(SeriesValue(text, "kuzet_store_write_errors_total"), 0.0);
  EXPECT_EQ(SeriesValue(text, "kuzet_healthy"), 1.0);
  EXPECT_NE(text.find("\nkuzet_build_info{version=\""), std::string::npos);

  if (kuzet::testing::RunShell("test -x /usr/bin/promtool").exit_code == 0) {
    fs::path file = dir / "metrics.txt";
    std::ofstream(file) << text;
    testing::CommandResult check =
        testing::RunShell("/usr/bin/promtool check metrics < " + file.string() + " 2>&1");
    EXPECT_EQ(check.exit_code, 0) << check.out;
    EXPECT_EQ(check.out, "") << "lint findings";
  } else {
    std::printf("promtool check metrics skipped: /usr/bin/promtool (package prometheus) missing\n");
  }

  // /healthz: no token needed, and nothing in it but the verdict; /metrics needs the token.
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ready\n");
  auto unauthorized = client.Get("/metrics");
  ASSERT_TRUE(unauthorized);
  EXPECT_EQ(unauthorized->status, 401);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(log);

  // Restarted, before the live site is due again (interval 1h): its last success is the one the
  // crawl state kept, not forgotten, and the dead site has its interval at once.
  double stopped = now + 1;
  pid = testing::StartKuzetRun(config, log, {{"KUZET_TEST_TOKEN", "s3cret"}});
  ASSERT_GE(pid, 0);
  std::string restarted;
  deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline && restarted.empty()) {
    std::this_thread::sleep_for(100ms);
    auto res = client.Get("/metrics", auth);
    if (res && res->status == 200) restarted = res->body;
  }
  std::optional<double> seeded =
      SeriesValue(restarted, R"(kuzet_site_last_success_timestamp_seconds{site="steppe"})");
  ASSERT_TRUE(seeded.has_value()) << restarted;
  EXPECT_GE(*seeded, started - 1);
  EXPECT_LE(*seeded, stopped) << "a fetch after the restart, not the one the state kept";
  EXPECT_EQ(SeriesValue(restarted, R"(kuzet_site_interval_seconds{site="dead"})"), 1800.0);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(log);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzet
