// The daemon's HTTP server reads the store the daemon writes (issue #16 item 3): a mention is
// served the moment it is stored, and `kuzet run` opens no second (secondary) RocksDB instance.
// The binary test also moves [server] listen with a real SIGHUP.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "app/http_server.h"
#include "base/time.h"
#include "storage/search_index.h"
#include "storage/store.h"
#include "tests/app/http_test_store.h"
#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/app/test_site.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// The number of mentions /api/mentions lists, -1 when it does not answer 200.
int ApiMentionCount(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2s);
  auto res = client.Get("/api/mentions?limit=1000");
  if (!res || res->status != 200) return -1;
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  return body.is_object() ? static_cast<int>(body["mentions"].size()) : -1;
}

// The entries of `dir` whose names start with "kuzet-secondary-" (Store::Open kReadOnly makes
// one under the temporary directory for each read-only instance).
std::vector<std::string> SecondaryDirs(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("kuzet-secondary-")) found.push_back(name);
  }
  return found;
}

// The daemon's config over the loopback site: its feed and home page, the rule "zhanaozen" (three
// of the site's articles), the HTTP server on `listen_port`.
std::string SteppeDaemonConfig(const testing::TestSite& site, int listen_port) {
  return testing::LoopbackSettings("info") + R"(
[[sites]]
id = "steppe"
start_urls = [")" +
         site.Url("/") + R"("]
feeds = [")" +
         site.Url("/feed.xml") + R"("]
interval = "1h"

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]

[server]
enabled = true
listen = "127.0.0.1:)" +
         std::to_string(listen_port) + R"("
)";
}

// SIGTERM, then the exit status 0 within 10 s (SIGKILL after that, failing the test).
void StopAndExpectCleanExit(pid_t pid, const std::string& log) {
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  bool exited = WaitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 10s);
  if (!exited) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  EXPECT_TRUE(exited && WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(log);
}

TEST(HttpServerOwnStoreTest, MentionIsServedTheMomentItIsStored) {
  fs::path dir = fs::temp_directory_path() / ("kuzet-own-store-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto store = storage::Store::Open((dir / "data").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  HttpServerOptions options;
  options.store = store->get();
  options.listen = "127.0.0.1:0";
  // A reader that had to catch up would not see a new write for an hour.
  options.catch_up_interval = std::chrono::hours(1);
  auto server = HttpServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status().message();
  int port = (*server)->port();
  EXPECT_EQ(ApiMentionCount(port), 0);
  for (int i = 0; i < 3; ++i) {
    auto put = (*store)->writer().PutPage(testing::NumberedPage(i, base::NowMicros()));
    ASSERT_TRUE(put.ok()) << put.status().message();
    ASSERT_EQ(put->new_mentions, 1);
    EXPECT_EQ(ApiMentionCount(port), i + 1) << "mention " << i << " not served at once";
  }
  (*server)->Stop();
  server->reset();
  store->reset();
  fs::remove_all(dir);
}

TEST(DaemonOwnStoreTest, RunServesItsOwnStoreWithoutASecondaryInstance) {
  testing::TestSite site;
  fs::path dir = fs::temp_directory_path() / ("kuzet-run-own-store-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "tmp");
  int port = testing::FreePort(), moved_port = testing::FreePort();
  ASSERT_GT(port, 0);
  ASSERT_GT(moved_port, 0);
  ASSERT_NE(port, moved_port);
  std::string config = (dir / "kuzet.toml").string();
  auto write_config = [&](int listen_port) {
    std::ofstream(config, std::ios::trunc) << SteppeDaemonConfig(site, listen_port);
  };
  write_config(port);
  std::string log = (dir / "daemon.log").string();
  // TMPDIR is where a read-only (secondary) instance would put its private directory.
  pid_t pid = testing::StartKuzetRun(config, log, {{"TMPDIR", (dir / "tmp").string()}});
  ASSERT_GE(pid, 0);

  EXPECT_TRUE(WaitFor([&] { return ApiMentionCount(port) == 3; })) << testing::ReadFile(log);
  EXPECT_EQ(SecondaryDirs(dir / "tmp"), std::vector<std::string>()) << testing::ReadFile(log);
  EXPECT_EQ(SecondaryDirs(dir / "data"), std::vector<std::string>());

  // SIGHUP with a new listen address: the server moves, with the same store behind it.
  write_config(moved_port);
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  EXPECT_TRUE(WaitFor([&] { return ApiMentionCount(moved_port) == 3; })) << testing::ReadFile(log);
  // The new address is served before the old one stops (daemon.cc binds it first): the old is
  // closed once the move is logged, not the moment the new one answers (a flake of session 15).
  EXPECT_TRUE(WaitFor([&] {
    return testing::ReadFile(log).find("[server] listen: moved from") != std::string::npos;
  })) << testing::ReadFile(log);
  EXPECT_EQ(ApiMentionCount(port), -1) << "the old address still serves";

  StopAndExpectCleanExit(pid, log);
  fs::remove_all(dir);
}

// After each crawl round the daemon writes the search postings its writer buffers
// (storage/page_writer.h): a search beside it then reads only the articles that may match, not
// every article of the round, which a round of fewer than kSearchBufferDocuments pages would
// otherwise leave unindexed until the daemon stops.
TEST(DaemonOwnStoreTest, SearchIndexIsWrittenAfterEachRound) {
  testing::TestSite site;
  fs::path dir = fs::temp_directory_path() / ("kuzet-run-search-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  int port = testing::FreePort();
  ASSERT_GT(port, 0);
  std::string config = (dir / "kuzet.toml").string();
  std::ofstream(config) << SteppeDaemonConfig(site, port);
  std::string log = (dir / "daemon.log").string();
  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GE(pid, 0);
  ASSERT_TRUE(WaitFor([&] { return ApiMentionCount(port) == 3; })) << testing::ReadFile(log);

  // "ереуіл" is in the Kazakh article only (as "ереуілге").
  auto query = storage::CompileSearchQuery("ереуіл");
  ASSERT_TRUE(query.ok()) << query.status().message();
  size_t examined = 0, hits = 0;
  bool narrowed = WaitFor([&] {
    auto store = storage::Store::Open((dir / "data").string(), storage::Store::Mode::kReadOnly);
    if (!store.ok()) return false;
    auto result = (*store)->searcher().Search(*query, {});
    if (!result.ok()) return false;
    examined = result->examined;
    hits = result->hits.size();
    return examined == 1;
  });
  EXPECT_TRUE(narrowed) << "read " << examined << " article(s) for " << hits << " hit(s)\n"
                        << testing::ReadFile(log);
  EXPECT_EQ(hits, 1u);

  StopAndExpectCleanExit(pid, log);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzet::app
