// `kuzet crawl --once` re-fetches the watched documents due by then (issue #20), so a monitor who
// runs Kuzet from cron rather than as a daemon has the edit watch too: the article is published
// and matched by one run, a run before its first re-fetch is due makes none, and after the
// article is edited (a watched name removed) the next run once it is due stores the edit.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/editable_site.h"
#include "tests/app/run_command.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class WatchOnceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kuzet-watch-once-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "kuzet.toml").string();
    // The first re-fetch 4 s after the first fetch (±0.4 s of jitter), the next an hour later.
    std::ofstream(config_) << R"([settings]
data_dir = "data"
per_host_delay = "0s"
allow_private_hosts = ["127.0.0.1"]

[[sites]]
id = "steppe"
start_urls = [")" + site_.Url("/") +
                                  R"("]
max_depth = 1

[[rules]]
id = "leaders"
terms = ["Tuletayeva"]

[watch]
schedule = ["4s", "1h"]
)";
  }
  void TearDown() override { fs::remove_all(dir_); }

  testing::CommandResult CrawlOnce() {
    return testing::RunKuzet("crawl --once --config " + config_ + " 2>&1");
  }
  std::vector<std::vector<std::string>> Kinds() {
    testing::CommandResult r =
        testing::RunKuzet("history 1 --config " + config_ + " --format json 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::vector<std::vector<std::string>> kinds;
    if (r.exit_code != 0) return kinds;
    const nlohmann::json history = nlohmann::json::parse(r.out);
    for (const auto& v : history["versions"]) {
      kinds.push_back(v["kinds"].get<std::vector<std::string>>());
    }
    return kinds;
  }

  testing::EditableSite site_;
  fs::path dir_;
  std::string config_;
};

TEST_F(WatchOnceTest, ARunAfterTheReFetchIsDueStoresTheEdit) {
  using KindList = std::vector<std::vector<std::string>>;
  testing::CommandResult first = CrawlOnce();
  ASSERT_EQ(first.exit_code, 0) << first.out;
  ASSERT_EQ(Kinds(), (KindList{{"original"}})) << first.out;
  // Not due yet: a run right away re-fetches nothing.
  testing::CommandResult early = CrawlOnce();
  ASSERT_EQ(early.exit_code, 0) << early.out;
  EXPECT_EQ(early.out.find("re-fetched"), std::string::npos) << early.out;

  site_.Serve(200, testing::ArticlePage("One activist"));
  std::this_thread::sleep_for(4500ms);
  testing::CommandResult second = CrawlOnce();
  ASSERT_EQ(second.exit_code, 0) << second.out;
  EXPECT_NE(second.out.find("re-fetched 1 watched document(s)"), std::string::npos) << second.out;
  EXPECT_EQ(Kinds(), (KindList{{"original"}, {"text_edited", "name_removed"}}));
}

// A robots.txt answering 503 when the re-fetch is due is a site briefly down (RFC 9309 §2.3.1.4:
// nothing is crawled), not a refusal: the run stores no failed fetch and the watch stays at its
// step, so the next run, the robots.txt readable again, stores the edit. (Before, the run stored
// a fetch_failed version and the watch moved to its next step, an hour later.)
TEST_F(WatchOnceTest, AnUnreachableRobotsTxtLeavesTheReFetchDue) {
  using KindList = std::vector<std::vector<std::string>>;
  testing::CommandResult first = CrawlOnce();
  ASSERT_EQ(first.exit_code, 0) << first.out;
  ASSERT_EQ(Kinds(), (KindList{{"original"}})) << first.out;

  site_.Serve(200, testing::ArticlePage("One activist"));
  site_.ServeRobotsStatus(503);
  std::this_thread::sleep_for(4500ms);
  const int requests_before = site_.ArticleRequests();
  testing::CommandResult down = CrawlOnce();
  ASSERT_EQ(down.exit_code, 0) << down.out;
  EXPECT_EQ(down.out.find("re-fetched"), std::string::npos) << down.out;
  EXPECT_NE(down.out.find("robots.txt unreachable: HTTP 503"), std::string::npos) << down.out;
  EXPECT_NE(down.out.find("1 watched document(s) left due: their robots.txt could not be read"),
            std::string::npos)
      << down.out;
  EXPECT_EQ(site_.ArticleRequests(), requests_before);  // still not crawled
  EXPECT_EQ(Kinds(), (KindList{{"original"}}));

  site_.ServeRobotsStatus(200);
  testing::CommandResult back = CrawlOnce();
  ASSERT_EQ(back.exit_code, 0) << back.out;
  EXPECT_NE(back.out.find("re-fetched 1 watched document(s)"), std::string::npos) << back.out;
  EXPECT_EQ(Kinds(), (KindList{{"original"}, {"text_edited", "name_removed"}}));
}

}  // namespace
}  // namespace kuzet
