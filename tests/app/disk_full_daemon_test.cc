// `kuzet run` on a data dir whose disk fills up mid-crawl (a tmpfs this test mounts: it runs as
// root, and is skipped otherwise). The daemon must not abort (it did: SIGABRT from RocksDB's
// info-log writer, at every restart too), must say clearly that the disk is full and that it
// paused, must resume by itself once space returns, and must end up with every article stored
// once: the pages it could not store stay queued and are fetched again.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/run_command.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kArticles = 30;

// A feed of kArticles articles, each served after `delay`, each naming Zhanaozen.
class NewsSite {
 public:
  explicit NewsSite(std::chrono::milliseconds delay) {
    server_.Get("/feed.xml", [this](const httplib::Request&, httplib::Response& res) {
      std::string rss = "<rss version=\"2.0\"><channel><title>news</title>";
      for (int i = 1; i <= kArticles; ++i) {
        rss += "<item><link>" + Url("/a" + std::to_string(i)) + "</link></item>";
      }
      res.set_content(rss + "</channel></rss>", "application/rss+xml");
    });
    server_.Get(R"(/a(\d+))", [this, delay](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        ++article_requests_;
      }
      std::this_thread::sleep_for(delay);
      const std::string n = req.matches[1];
      std::string body = "<html><head><title>Report " + n + "</title></head><body><article>";
      for (int p = 0; p < 6; ++p) {
        body += "<p>Report " + n + ", part " + std::to_string(p) +
                ": oil workers in Zhanaozen went on strike for equal pay and the right to a "
                "union of their own; the company refused and the court heard the case.</p>";
      }
      res.set_content(body + "</article></body></html>", "text/html; charset=utf-8");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~NewsSite() {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int ArticleRequests() {
    std::lock_guard lock(mu_);
    return article_requests_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  int article_requests_ = 0;
};

std::set<std::string> StoredPaths(const std::string& config) {
  std::string out = testing::RunKuzet("mentions --limit 1000 --format json --config " + config).out;
  auto json = nlohmann::json::parse(out, nullptr, false);
  std::set<std::string> paths;
  if (!json.is_array()) return paths;
  for (const auto& m : json) {
    std::string url = m.value("url", "");
    paths.insert(url.substr(url.find('/', 8)));
  }
  return paths;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

TEST(DiskFullDaemonTest, FullDiskPausesTheDaemonWhichResumesWhenSpaceReturnsLosingNothing) {
  const fs::path dir = fs::temp_directory_path() / ("kuzet-disk-full-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const fs::path disk = dir / "disk";
  fs::create_directories(disk);
  if (geteuid() != 0 || mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=48m") != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "needs root to mount a tmpfs at " << disk;
  }
  struct Unmount {
    fs::path path;
    ~Unmount() {
      umount2(path.c_str(), MNT_DETACH);
      fs::remove_all(path.parent_path());
    }
  } unmount{disk};

  NewsSite site(100ms);
  const std::string config = (dir / "kuzet.toml").string();
  std::ofstream(config) << "[settings]\ndata_dir = \"" << (disk / "data").string() << R"("
per_host_delay = "0s"
per_host_connections = 1
concurrency = 1
allow_private_hosts = ["127.0.0.1"]

[[sites]]
id = "news"
feeds = [")" << site.Url("/feed.xml")
                        << R"("]
interval = "1h"

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen"]
)";
  const std::string log = (dir / "daemon.log").string();
  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GT(pid, 0);
  struct KillOnEarlyExit {  // a failed ASSERT must not leave the daemon running
    pid_t& pid;
    ~KillOnEarlyExit() {
      if (pid > 0 && kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
  } reaper{pid};
  ASSERT_TRUE(WaitFor([&] { return site.ArticleRequests() >= 4; }, 30s)) << testing::ReadFile(log);

  // Fill the disk: all but 64 KiB.
  const fs::path filler = disk / "filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string chunk(1 << 16, 'x');
    while (fs::space(disk).available > (64 << 10) &&
           out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
    }
  }
  const bool paused = WaitFor(
      [&] { return testing::ReadFile(log).find("crawling paused") != std::string::npos; }, 30s);
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, WNOHANG), 0)
      << "the daemon died on a full disk (signal "
      << (WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0) << ")\n"
      << testing::ReadFile(log);
  ASSERT_TRUE(paused) << testing::ReadFile(log);
  EXPECT_NE(testing::ReadFile(log).find("disk full at " + (disk / "data").string()),
            std::string::npos)
      << testing::ReadFile(log);
  // Paused: no more fetches while the disk stays full.
  std::this_thread::sleep_for(1s);
  const int requests_while_full = site.ArticleRequests();
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(site.ArticleRequests(), requests_while_full) << "crawled on with a full disk";

  fs::remove(filler);
  EXPECT_TRUE(WaitFor(
      [&] { return testing::ReadFile(log).find("writing resumed") != std::string::npos; }, 30s))
      << testing::ReadFile(log);
  std::set<std::string> stored;
  WaitFor([&] { return (stored = StoredPaths(config)).size() == kArticles; }, 60s);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  waitpid(pid, &wait_status, 0);
  pid = -1;
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) << testing::ReadFile(log);

  std::set<std::string> expected;
  for (int i = 1; i <= kArticles; ++i) expected.insert("/a" + std::to_string(i));
  EXPECT_EQ(stored, expected) << testing::ReadFile(log);
  if (::testing::Test::HasFailure()) std::cerr << testing::ReadFile(log);
}

}  // namespace
}  // namespace kuzet
