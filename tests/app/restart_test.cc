// kill -9 in the middle of a crawl, then restart: the daemon resumes from its durable frontier.
// Nothing is lost (every article ends up stored with its mention, once) and nothing that was
// stored before the kill is fetched again; the feed, read an interval (1h) ago, is not re-read.
// `kuzet status` reads the queue beside the killed and the running daemon.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/run_command.h"
#include "tests/crawler/test_server.h"
#include "tests/wait_until.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kArticles = 24;

// Distinct article texts (exact duplicates would be stored once), each naming Zhanaozen.
std::string Article(int i) {
  static const char* const kWords[] = {"workers",  "oil",      "strike",  "court",    "union",
                                       "wages",    "protest",  "company", "square",   "police",
                                       "trial",    "families", "demands", "verdict",  "activists",
                                       "December", "town",     "field",   "contract", "leaders"};
  std::string text = "<html><head><title>Report " + std::to_string(i) +
                     "</title></head><body><article><h1>Report " + std::to_string(i) + "</h1>";
  unsigned seed = static_cast<unsigned>(i) * 2654435761u;
  for (int p = 0; p < 4; ++p) {
    text += "<p>";
    if (p == 1) text += "The events in Zhanaozen were discussed again. ";
    for (int w = 0; w < 40; ++w) {
      seed = seed * 1103515245u + 12345u;
      text += std::string(kWords[(seed >> 16) % 20]) + (w % 9 == 8 ? ". " : " ");
    }
    text += "</p>";
  }
  return text + "</article></body></html>";
}

class SlowNewsSite {
 public:
  explicit SlowNewsSite(std::chrono::milliseconds article_delay = 150ms) {
    server_.server().Get("/feed.xml", [this](const httplib::Request& req, httplib::Response& res) {
      Log(req.path);
      std::string rss = "<rss version=\"2.0\"><channel><title>news</title>";
      for (int i = 1; i <= kArticles; ++i) {
        rss += "<item><link>" + Url("/a" + std::to_string(i)) + "</link></item>";
      }
      res.set_content(rss + "</channel></rss>", "application/rss+xml");
    });
    server_.server().Get(
        R"(/a(\d+))", [this, article_delay](const httplib::Request& req, httplib::Response& res) {
          Log(req.path);
          std::this_thread::sleep_for(article_delay);  // slow enough to be killed mid-crawl
          res.set_content(Article(std::stoi(req.matches[1])), "text/html; charset=utf-8");
        });
    server_.Start();
  }
  std::string Url(const std::string& path) const { return server_.Url(path); }
  std::vector<std::string> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  size_t ArticleRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::count_if(requests_.begin(), requests_.end(),
                         [](const std::string& p) { return p.rfind("/a", 0) == 0; });
  }

 private:
  void Log(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(path);
  }
  std::mutex mu_;
  std::vector<std::string> requests_;
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

// URL path of every stored mention.
std::multiset<std::string> StoredPaths(const std::string& config) {
  std::string out =
      testing::RunKuzet("mentions --by rule --limit 1000 --format json --config " + config).out;
  auto json = nlohmann::json::parse(out, nullptr, false);
  std::multiset<std::string> paths;
  if (!json.is_array()) return paths;
  for (const auto& m : json) {
    std::string url = m.value("url", "");
    paths.insert(url.substr(url.find('/', 8)));
  }
  return paths;
}

nlohmann::json Status(const std::string& config) {
  auto result = testing::RunKuzet("status --format json --config " + config);
  auto json = nlohmann::json::parse(result.out, nullptr, false);
  EXPECT_TRUE(json.is_array() && json.size() == 1) << result.out;
  return json.is_array() && !json.empty() ? json[0] : nlohmann::json::object();
}

// A config for `site` in a fresh temporary dir; returns the config's path.
std::string WriteConfig(const SlowNewsSite& site, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string config = (dir / "kuzet.toml").string();
  std::ofstream(config) << R"([settings]
data_dir = "data"
per_host_delay = "0s"
per_host_connections = 1
concurrency = 2
allow_private_hosts = ["127.0.0.1"]

[[sites]]
id = "news"
feeds = [")" + site.Url("/feed.xml") +
                               R"("]
interval = "1h"

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen"]
)";
  return config;
}

TEST(RestartTest, KilledDaemonResumesItsQueueLosingAndRepeatingNothing) {
  SlowNewsSite site;
  fs::path dir = fs::temp_directory_path() / ("kuzet-restart-" + std::to_string(getpid()));
  std::string config = WriteConfig(site, dir);
  std::string log = (dir / "daemon.log").string();

  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GT(pid, 0);
  WaitUntil([&] { return site.ArticleRequests() >= 8; }, 30s);
  ASSERT_GE(site.ArticleRequests(), 8u) << testing::ReadFile(log);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  size_t requests_before_restart = site.Requests().size();
  std::multiset<std::string> stored_before = StoredPaths(config);
  ASSERT_LT(stored_before.size(), static_cast<size_t>(kArticles)) << "killed too late";

  // The killed daemon's queue, as `kuzet status` reads it.
  nlohmann::json status = Status(config);
  int64_t queued = status.value("queued", -1);
  EXPECT_GE(queued + static_cast<int64_t>(stored_before.size()), kArticles) << status.dump();
  EXPECT_TRUE(status["round_finished"].is_null()) << status.dump();

  pid = testing::StartKuzetRun(config, log);
  ASSERT_GT(pid, 0);
  std::multiset<std::string> stored;
  WaitUntil([&] { return (stored = StoredPaths(config)).size() >= static_cast<size_t>(kArticles); },
            30s, 100ms);
  // Status while the daemon runs: the round finished, nothing queued.
  WaitUntil([&] { return !(status = Status(config))["round_finished"].is_null(); }, 10s, 100ms);
  EXPECT_EQ(status.value("queued", -1), 0) << status.dump();
  EXPECT_EQ(status.value("total_errors", -1), 0) << status.dump();
  EXPECT_FALSE(status["next_due"].is_null())
      << "the feed is due again in an hour: " << status.dump();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  waitpid(pid, &wait_status, 0);

  // Nothing lost, nothing stored twice.
  std::multiset<std::string> expected;
  for (int i = 1; i <= kArticles; ++i) expected.insert("/a" + std::to_string(i));
  EXPECT_EQ(stored, expected) << testing::ReadFile(log);
  // Nothing stored before the kill was fetched again, and the feed was read once.
  std::vector<std::string> requests = site.Requests();
  std::vector<std::string> after(requests.begin() + static_cast<long>(requests_before_restart),
                                 requests.end());
  for (const std::string& path : after) {
    EXPECT_EQ(stored_before.count(path), 0u) << path << " was stored before the kill";
  }
  EXPECT_EQ(std::count(requests.begin(), requests.end(), "/feed.xml"), 1);
  // Fetched twice at most: the fetches in flight (concurrency 2) when the process died.
  std::map<std::string, int> times;
  for (const std::string& path : requests) ++times[path];
  int repeated = 0;
  for (const auto& [path, n] : times) {
    EXPECT_LE(n, 2) << path;
    repeated += n - 1;
  }
  EXPECT_LE(repeated, 2);
  if (::testing::Test::HasFailure()) std::cerr << testing::ReadFile(log);
  fs::remove_all(dir);
}

TEST(RestartTest, SigtermMidCrawlExitsWithinSecondsAndLeavesTheRestQueued) {
  SlowNewsSite site(4s);  // every article takes 4 s: SIGTERM always finds fetches in flight
  fs::path dir = fs::temp_directory_path() / ("kuzet-sigterm-" + std::to_string(getpid()));
  std::string config = WriteConfig(site, dir);
  std::string log = (dir / "daemon.log").string();
  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GT(pid, 0);
  WaitUntil([&] { return site.ArticleRequests() >= 1; }, 30s);
  ASSERT_GE(site.ArticleRequests(), 1u) << testing::ReadFile(log);
  auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  auto took = std::chrono::steady_clock::now() - sent;
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) << testing::ReadFile(log);
  EXPECT_LT(took, 4500ms) << "SIGTERM waits for in-flight fetches at most 3 s";
  EXPECT_NE(testing::ReadFile(log).find("the rest stays queued"), std::string::npos)
      << testing::ReadFile(log);
  nlohmann::json status = Status(config);
  EXPECT_EQ(status.value("queued", -1), kArticles) << status.dump();
  EXPECT_TRUE(status["next_due"].is_null()) << "queued URLs make it due now: " << status.dump();

  // The site renamed in the config: its queue is still shown, as not configured.
  std::string text = testing::ReadFile(config);
  text.replace(text.find("id = \"news\""), 11, "id = \"wire\"");
  std::ofstream(config) << text;
  auto listed = nlohmann::json::parse(
      testing::RunKuzet("status --format json --config " + config).out, nullptr, false);
  ASSERT_TRUE(listed.is_array() && listed.size() == 2) << listed.dump();
  EXPECT_EQ(listed[1],
            (nlohmann::json{{"site", "news"}, {"configured", false}, {"queued", kArticles}}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzet
