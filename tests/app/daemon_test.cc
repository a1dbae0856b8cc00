// The daemon as a monitor runs it: `kuzet run` crawls, keeps running through a SIGHUP with a
// broken config (keeping the old one), and exits cleanly and quickly on SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/app/test_site.h"
#include "tests/scratch_dir.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

size_t CountMentions(const std::string& config) {
  std::string out = testing::RunKuzet("mentions --by rule --format json --config " + config).out;
  auto json = nlohmann::json::parse(out, nullptr, false);
  return json.is_array() ? json.size() : 0;
}

// Waits for the child to exit; returns its wait status, or -1 after the timeout.
int WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

TEST(DaemonTest, CrawlsSurvivesABadReloadAndStopsCleanlyOnSigterm) {
  testing::TestSite site;
  kuzet::testing::ScratchDir scratch("kuzet-daemon");
  const fs::path& dir = scratch.path();
  std::string config = (dir / "kuzet.toml").string();
  std::ofstream(config) << testing::LoopbackSettings("info") + R"(
[[sites]]
id = "steppe"
start_urls = [")" + site.Url("/") +
                               R"("]
feeds = [")" + site.Url("/feed.xml") +
                               R"("]
interval = "1h"

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]
)";
  std::string log = (dir / "daemon.log").string();
  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GE(pid, 0);

  // The first crawl happens at start-up and stores the three Zhanaozen mentions.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  size_t mentions = 0;
  while (std::chrono::steady_clock::now() < deadline && (mentions = CountMentions(config)) < 3) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(mentions, 3u) << testing::ReadFile(log);

  // A broken config on SIGHUP is refused and the daemon keeps running on the old one.
  std::ofstream(config, std::ios::app) << "\n[[rules]]\nid = \"broken\"\nterms = 5\n";
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline &&
         testing::ReadFile(log).find("config not reloaded") == std::string::npos) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_NE(testing::ReadFile(log).find("config not reloaded"), std::string::npos)
      << testing::ReadFile(log);
  EXPECT_NE(testing::ReadFile(log).find("rules[1].terms"), std::string::npos)
      << testing::ReadFile(log);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0) << "the daemon died on a bad reload";

  // SIGTERM: a clean exit within a few seconds.
  auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  status = WaitForExit(pid, 5s);
  ASSERT_NE(status, -1) << "still running 5 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(log);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 5s);
  EXPECT_NE(testing::ReadFile(log).find("kuzet stopped"), std::string::npos);
  if (::testing::Test::HasFailure()) kill(pid, SIGKILL);
}

}  // namespace
}  // namespace kuzet
