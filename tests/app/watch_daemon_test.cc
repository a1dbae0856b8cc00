// The edit and deletion watch end to end (issue #20 item 2): `kuzet run` with a short [watch]
// schedule against a loopback site whose article the test edits and then deletes. The article is
// published, matched and archived (version 0); edited with a watched name removed (version 1:
// text_edited, name_removed, its text archived with the page's other mention); deleted (version
// 2: gone, the 404 archived); the last step finds it gone again (no version) and the watch is over.
// A kill -9 of the daemon between two steps changes none of it. `kuzet history` lists exactly those
// versions.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/editable_site.h"
#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/wait_until.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testing::ArticlePage;
using testing::EditableSite;

class WatchDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kuzet-watch-daemon-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "kuzet.toml").string();
    log_ = (dir_ / "kuzet.log").string();
    // Steps 6 s apart (±10 % jitter): time enough to change the page between two re-fetches.
    std::ofstream(config_) << testing::LoopbackSettings("info") + R"(
[[sites]]
id = "steppe"
start_urls = [")" + site_.Url("/") +
                                  R"("]
interval = "1h"
max_depth = 1

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen"]

[[rules]]
id = "leaders"
terms = ["Tuletayeva"]

[watch]
schedule = ["6s", "12s", "18s"]
)";
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << testing::ReadFile(log_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  void Start() {
    pid_ = testing::StartKuzetRun(config_, log_);
    ASSERT_GT(pid_, 0);
  }
  void Kill9() {
    ASSERT_EQ(kill(pid_, SIGKILL), 0);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // The versions `kuzet history` lists (JSON), empty while there is no watched document.
  nlohmann::json Versions() {
    testing::CommandResult r =
        testing::RunKuzet("history 1 --config " + config_ + " --format json 2>&1");
    if (r.exit_code != 0) {
      last_error_ = "exit " + std::to_string(r.exit_code) + ": " + r.out;
      return nlohmann::json::array();
    }
    return nlohmann::json::parse(r.out)["versions"];
  }
  std::vector<std::vector<std::string>> Kinds() {
    std::vector<std::vector<std::string>> kinds;
    for (const auto& v : Versions()) kinds.push_back(v["kinds"].get<std::vector<std::string>>());
    return kinds;
  }

  // The records of `warc` as webrecorder's warcio reads them (warcio_check.mjs, one JSON object
  // each); nullopt when node or warcio is not installed (./setup.sh --test).
  std::optional<std::vector<nlohmann::json>> ReadWithWarcio(const std::string& warc) {
    const fs::path warcio = KUZET_WARCIO_DIR;
    if (testing::RunShell("node --version").exit_code != 0 ||
        !fs::exists(warcio / "dist/index.js")) {
      std::cerr << "warcio check skipped: node or warcio is not installed (./setup.sh --test)\n";
      return std::nullopt;
    }
    testing::CommandResult read = testing::RunShell("node '" + std::string(KUZET_SOURCE_DIR) +
                                                    "/tests/storage/warc/warcio_check.mjs' '" +
                                                    warcio.string() + "' '" + warc + "' 2>&1");
    EXPECT_EQ(read.exit_code, 0) << read.out;
    std::vector<nlohmann::json> records;
    std::istringstream lines(read.out);
    for (std::string line; std::getline(lines, line);) {
      records.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
    }
    return records;
  }

  EditableSite site_;
  fs::path dir_;
  std::string config_, log_;
  pid_t pid_ = -1;
  std::string last_error_;  // of the last `kuzet history` that failed
};

TEST_F(WatchDaemonTest, PublishedEditedDeletedGiveExactlyTheirVersionsThroughAKill9) {
  using KindList = std::vector<std::vector<std::string>>;
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 1; }, 30s, 200ms))
      << testing::ReadFile(log_);
  // Edited before the first re-fetch (6 s after the first fetch): a watched name removed.
  site_.Serve(200, ArticlePage("One activist"));
  // Killed -9 and restarted: the queue entry is durable, the re-fetch happens after the restart.
  ASSERT_NO_FATAL_FAILURE(Kill9());
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 2; }, 40s, 200ms))
      << testing::ReadFile(log_);
  site_.Serve(404, "");
  ASSERT_NO_FATAL_FAILURE(Kill9());
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 3; }, 40s, 200ms))
      << testing::ReadFile(log_);
  // The last step (18 s) finds it gone again: no version, and the watch is over.
  const int requests = site_.ArticleRequests();
  ASSERT_TRUE(WaitUntil([&] { return site_.ArticleRequests() > requests; }, 40s, 200ms));
  ASSERT_TRUE(WaitUntil(
      [&] { return testing::ReadFile(log_).find("(HTTP 404): unchanged") != std::string::npos; },
      10s, 200ms))
      << testing::ReadFile(log_);
  // A clean stop, then exactly these versions.
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  int wait_status = 0;
  waitpid(pid_, &wait_status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
  EXPECT_EQ(Kinds(), (KindList{{"original"}, {"text_edited", "name_removed"}, {"gone"}}))
      << last_error_;
  const nlohmann::json versions = Versions();
  EXPECT_EQ(versions[1]["names_removed"],
            nlohmann::json::parse(R"([{"rule": "leaders", "name": "Tuletayeva"}])"));
  EXPECT_EQ(versions[1]["http_status"], 200);
  EXPECT_EQ(versions[1]["evidence"], true);  // archived with the zhanaozen mention it still has
  EXPECT_EQ(versions[2]["http_status"], 404);
  EXPECT_EQ(versions[2]["evidence"], true);  // the 404 as received
  EXPECT_EQ(versions[0]["evidence"], true);

  // The archive: the captures of versions 0, 1 and 2, every digest recomputed (kuzet's own
  // verifier, and webrecorder's warcio when installed: ./setup.sh --test).
  const std::string warc = (dir_ / "doc1.warc.gz").string();
  testing::CommandResult verified =
      testing::RunKuzet("evidence 1 --config " + config_ + " --verify --out " + warc + " 2>&1");
  ASSERT_EQ(verified.exit_code, 0) << verified.out;
  if (auto records = ReadWithWarcio(warc)) {
    std::vector<int> statuses;
    for (const nlohmann::json& record : *records) {
      EXPECT_EQ(record["blockDigestOk"], true) << record;
      if (record["type"] == "response") {
        statuses.push_back(record["httpStatus"].get<int>());
        EXPECT_EQ(record["payloadDigestOk"], true) << record;
      }
    }
    EXPECT_EQ(statuses, (std::vector<int>{200, 200, 404}));
  }

  testing::CommandResult diff = testing::RunKuzet("history 1 --config " + config_ + " --diff 0 1");
  ASSERT_EQ(diff.exit_code, 0) << diff.out;
  EXPECT_NE(diff.out.find("[-Roza-]{+One+} [-Tuletayeva-]{+activist+} led the oil workers"),
            std::string::npos)
      << diff.out;
}

// A conditional re-fetch answered 304 Not Modified stores no version (unchanged) but is evidence
// that the page still said the same then: it is archived as a WARC revisit record of profile
// server-not-modified (WARC 1.1 §6.7.3) with the 304's head, referring to the capture of version
// 0, and `kuzet evidence --verify` writes it out with the rest.
TEST_F(WatchDaemonTest, NotModifiedRefetchIsArchivedAsAServerNotModifiedRevisit) {
  site_.ServeValidators(true);
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 1; }, 30s, 200ms))
      << testing::ReadFile(log_);
  ASSERT_TRUE(WaitUntil(
      [&] { return testing::ReadFile(log_).find("(HTTP 304): unchanged") != std::string::npos; },
      40s, 200ms))
      << testing::ReadFile(log_);
  EXPECT_GE(site_.NotModifiedAnswers(), 1);
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  int wait_status = 0;
  waitpid(pid_, &wait_status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
  EXPECT_EQ(Kinds(), (std::vector<std::vector<std::string>>{{"original"}})) << last_error_;

  const std::string warc = (dir_ / "doc1.warc.gz").string();
  testing::CommandResult verified =
      testing::RunKuzet("evidence 1 --config " + config_ + " --verify --out " + warc + " 2>&1");
  ASSERT_EQ(verified.exit_code, 0) << verified.out;
  auto records = ReadWithWarcio(warc);
  if (!records) return;
  std::vector<std::string> types;
  const nlohmann::json* response = nullptr;
  const nlohmann::json* revisit = nullptr;
  for (const nlohmann::json& record : *records) {
    EXPECT_EQ(record["blockDigestOk"], true) << record;
    if (record["type"] != "warcinfo") types.push_back(record["type"].get<std::string>());
    if (record["type"] == "response" && response == nullptr) response = &record;
    if (record["type"] == "revisit" && revisit == nullptr) revisit = &record;
  }
  // Version 0's capture, then the 304's (a slow machine may have fetched it twice).
  ASSERT_GE(types.size(), 6u) << records->size();
  EXPECT_EQ(std::vector<std::string>(types.begin(), types.begin() + 6),
            (std::vector<std::string>{"request", "response", "metadata", "request", "revisit",
                                      "metadata"}));
  ASSERT_NE(response, nullptr);
  ASSERT_NE(revisit, nullptr);
  EXPECT_EQ((*revisit)["profile"], "http://netpreserve.org/warc/1.1/revisit/server-not-modified");
  EXPECT_EQ((*revisit)["httpStatus"], 304);
  EXPECT_EQ((*revisit)["refersTo"], (*response)["id"]);
  EXPECT_EQ((*revisit)["refersToTargetUri"], site_.Url("/a.html"));
  EXPECT_EQ((*revisit)["refersToDate"], (*response)["date"]);
  EXPECT_EQ((*revisit)["targetUri"], site_.Url("/a.html"));
  EXPECT_EQ((*revisit)["payloadBytes"], 0);
}

// Redirects to other origins (two more loopback servers), judged by the same content test as a
// same-origin redirect: the site moved to a new domain with the article (moved, not alerted), then
// the article redirected to that domain's front page (redirected_away), then to a page whose
// robots.txt refuses Kuzet: not fetched, recorded as a failed fetch, tried at the next step.
TEST_F(WatchDaemonTest, CrossOriginRedirectsAreJudgedByContentAndRobotsTxtIsObeyed) {
  using KindList = std::vector<std::vector<std::string>>;
  EditableSite new_domain, closed;
  closed.ServeRobots("User-agent: *\nDisallow: /\n");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 1; }, 30s, 200ms))
      << testing::ReadFile(log_);
  site_.RedirectTo(new_domain.Url("/a.html"));
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 2; }, 40s, 200ms))
      << testing::ReadFile(log_);
  site_.RedirectTo(new_domain.Url("/"));
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 3; }, 40s, 200ms))
      << testing::ReadFile(log_);
  site_.RedirectTo(closed.Url("/a.html"));
  ASSERT_TRUE(WaitUntil([&] { return Versions().size() == 4; }, 40s, 200ms))
      << testing::ReadFile(log_);
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  EXPECT_EQ(Kinds(),
            (KindList{{"original"}, {"moved", "unchanged"}, {"redirected_away"}, {"fetch_failed"}}))
      << last_error_;
  const nlohmann::json versions = Versions();
  EXPECT_EQ(versions[1]["http_status"], 200);
  EXPECT_EQ(versions[1]["final_url"], new_domain.Url("/a.html")) << versions[1];
  EXPECT_EQ(versions[2]["final_url"], new_domain.Url("/")) << versions[2];
  EXPECT_EQ(versions[3]["http_status"], 0);
  EXPECT_EQ(new_domain.ArticleRequests(), 1);  // the moved article, once
  EXPECT_EQ(closed.ArticleRequests(), 0);      // refused by its robots.txt

  // The archive shows where the article went: each redirected capture holds the old origin's
  // 301 (its own request and response) before what it led to (the moved article a revisit of
  // version 0's payload), every digest recomputed.
  const std::string warc = (dir_ / "doc1.warc.gz").string();
  testing::CommandResult verified =
      testing::RunKuzet("evidence 1 --config " + config_ + " --verify --out " + warc + " 2>&1");
  ASSERT_EQ(verified.exit_code, 0) << verified.out;
  if (auto records = ReadWithWarcio(warc)) {
    std::vector<std::string> responses;
    for (const nlohmann::json& record : *records) {
      EXPECT_EQ(record["blockDigestOk"], true) << record;
      if (record["type"] == "response") {
        EXPECT_EQ(record["payloadDigestOk"], true) << record;
        responses.push_back(std::to_string(record["httpStatus"].get<int>()) + " " +
                            record["targetUri"].get<std::string>());
      } else if (record["type"] == "revisit") {
        responses.push_back("revisit " + record["targetUri"].get<std::string>());
      }
    }
    EXPECT_EQ(responses, (std::vector<std::string>{
                             "200 " + site_.Url("/a.html"), "301 " + site_.Url("/a.html"),
                             "revisit " + new_domain.Url("/a.html"), "301 " + site_.Url("/a.html"),
                             "200 " + new_domain.Url("/")}));
  }
}

}  // namespace
}  // namespace kuzet
