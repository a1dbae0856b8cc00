// `kuzet serve` as a user runs it: a real process over a data dir, found through the address it
// prints, stopped by SIGTERM; its refusal to open a non-loopback port without a token; and
// `kuzet run` serving the same API while it crawls a real site, when [server] is enabled.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "storage/store.h"
#include "tests/app/http_test_store.h"
#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/app/test_site.h"
#include "tests/scratch_dir.h"
#include "tests/wait_until.h"

extern char** environ;

namespace kuzet {
namespace {

namespace fs = std::filesystem;

// A child process with its stdout (and stderr) on a pipe.
struct Child {
  pid_t pid = 0;
  FILE* out = nullptr;
};

Child Spawn(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  Child child;
  if (posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) child.pid = 0;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  child.out = fdopen(fds[0], "r");
  return child;
}

int Wait(const Child& child) {
  int status = 0;
  waitpid(child.pid, &status, 0);
  if (child.out) fclose(child.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ServeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kuzet-serve-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto store = storage::Store::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    for (const auto& page : testing::SamplePages(now - 60LL * 1000000)) {
      ASSERT_TRUE((*store)->writer().PutPage(page).ok());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ServeCommandTest, ServesUntilSigterm) {
  Child serve =
      Spawn({KUZET_BINARY, "serve", "--data-dir", dir_.string(), "--listen", "127.0.0.1:0"});
  ASSERT_GT(serve.pid, 0);
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof line, serve.out), nullptr);
  int port = 0;
  ASSERT_EQ(std::sscanf(line, "listening on http://127.0.0.1:%d/", &port), 1) << line;

  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/api/mentions?rule=zhanaozen");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["mentions"].size(), 3u);
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<title>Kuzet mentions</title>"), std::string::npos);

  kill(serve.pid, SIGTERM);
  EXPECT_EQ(Wait(serve), 0);
}

// With --config, the page's filters offer the configured sites by name (and shows them so).
TEST_F(ServeCommandTest, ServeWithAConfigNamesItsSites) {
  std::string config = dir_.string() + ".toml";
  std::ofstream(config) << "[settings]\ndata_dir = \"" << dir_.string()
                        << "\"\n[[sites]]\nid = \"steppe\"\nname = \"Steppe News\"\n"
                           "start_urls = [\"http://steppe.test/\"]\n[[rules]]\nid = "
                           "\"zhanaozen\"\nterms = [\"Zhanaozen\"]\n";
  Child serve = Spawn({KUZET_BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0"});
  ASSERT_GT(serve.pid, 0);
  char line[256] = {};
  int port = 0;  // the address line, after any log lines on stdout
  while (port == 0 && fgets(line, sizeof line, serve.out) != nullptr) {
    if (std::sscanf(line, "listening on http://127.0.0.1:%d/", &port) != 1) port = 0;
  }
  ASSERT_NE(port, 0) << line;
  httplib::Client client("127.0.0.1", port);
  auto page = client.Get("/?site=steppe");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<option value=\"steppe\" selected=\"selected\">Steppe News</option>"),
            std::string::npos)
      << page->body;
  EXPECT_NE(page->body.find("data-site=\"steppe\">Steppe News</span>"), std::string::npos);
  kill(serve.pid, SIGTERM);
  EXPECT_EQ(Wait(serve), 0);
  fs::remove(config);
}

TEST_F(ServeCommandTest, RefusesAnOpenAddressWithoutAToken) {
  Child serve =
      Spawn({KUZET_BINARY, "serve", "--data-dir", dir_.string(), "--listen", "0.0.0.0:0"});
  ASSERT_GT(serve.pid, 0);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, serve.out)) > 0) out.append(buf, n);
  EXPECT_EQ(Wait(serve), 1);
  EXPECT_NE(out.find("without a bearer token"), std::string::npos) << out;
}

TEST(DaemonServerTest, RunServesTheApiWhileCrawling) {
  testing::TestSite site;
  kuzet::testing::ScratchDir scratch("kuzet-daemon-http");
  const fs::path& dir = scratch.path();
  int port = testing::FreePort();
  ASSERT_GT(port, 0);
  setenv("KUZET_DAEMON_HTTP_TEST_TOKEN", "daemon-token", 1);
  std::string config = (dir / "kuzet.toml").string();
  std::ofstream(config) << testing::LoopbackSettings("warn") + R"(
[server]
enabled = true
listen = "127.0.0.1:)" + std::to_string(port) +
                               R"("
token_env = "KUZET_DAEMON_HTTP_TEST_TOKEN"

[[sites]]
id = "steppe"
name = "Steppe Labour News"
languages = ["en", "ru", "kk"]
start_urls = [")" + site.Url("/") +
                               R"("]
feeds = [")" + site.Url("/feed.xml") +
                               R"("]
interval = "15m"
max_depth = 1

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]
)";
  Child daemon = Spawn({KUZET_BINARY, "run", "--config", config});
  ASSERT_GT(daemon.pid, 0);

  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth("daemon-token");
  nlohmann::json mentions;
  // Until the first crawl has stored its mentions.
  WaitUntil(
      [&] {
        auto res = client.Get("/api/mentions?rule=zhanaozen");
        if (!res || res->status != 200) return false;
        mentions = nlohmann::json::parse(res->body)["mentions"];
        return !mentions.empty();
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100));
  ASSERT_FALSE(mentions.empty()) << "the daemon's API showed no mention of its crawl";
  for (const auto& m : mentions) {
    EXPECT_EQ(m["rule"], "zhanaozen");
    EXPECT_EQ(m["site"], "steppe");
    EXPECT_NE(m["snippet_parts"]["match"].get<std::string>(), "");
  }
  httplib::Client anonymous("127.0.0.1", port);
  auto refused = anonymous.Get("/metrics");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);

  kill(daemon.pid, SIGTERM);
  EXPECT_EQ(Wait(daemon), 0);
}

}  // namespace
}  // namespace kuzet
