// `kuzet history DOC [--diff A B] [--format text|json]` after a real crawl of the loopback site
// with the [watch] table on (issue #20): the matched article's first mention began its watch
// (version 0, archived, its first re-fetch queued at the schedule's first age), and the versions
// a re-fetch stores are listed and diffed word by word.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/store.h"
#include "tests/app/run_command.h"
#include "tests/app/test_site.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunKuzet;

class HistoryCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kuzet-history-cli-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "kuzet.toml").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Crawl(bool watch) {
    std::ofstream(config_) << R"([settings]
data_dir = "data"
per_host_delay = "0s"
allow_private_hosts = ["127.0.0.1"]
log_level = "warn"

[[sites]]
id = "steppe"
start_urls = [")" + site_.Url("/") +
                                  R"("]
max_depth = 1

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]
)" + (watch ? "\n[watch]\nschedule = [\"1h\", \"6h\"]\n" : "");
    CommandResult crawl = RunKuzet("crawl --once --config " + config_ + " 2>&1");
    ASSERT_EQ(crawl.exit_code, 0) << crawl.out;
  }

  // The document of the English strike article, which mentions Zhanaozen.
  uint64_t MatchedDoc() {
    CommandResult r = RunKuzet("mentions --config " + config_ + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    for (const auto& m : nlohmann::json::parse(r.out)) {
      if (m["url"].get<std::string>().find("/en/strike.html") != std::string::npos) {
        return m["doc_id"].get<uint64_t>();
      }
    }
    ADD_FAILURE() << "no mention of /en/strike.html: " << r.out;
    return 0;
  }

  std::string DataDir() const { return (dir_ / "data").string(); }

  testing::TestSite site_;
  fs::path dir_;
  std::string config_;
};

TEST_F(HistoryCliTest, AWatchedArticleHasItsOriginalVersionArchivedAndItsFirstRefetchQueued) {
  ASSERT_NO_FATAL_FAILURE(Crawl(/*watch=*/true));
  const uint64_t doc = MatchedDoc();
  ASSERT_NE(doc, 0u);
  CommandResult json =
      RunKuzet("history " + std::to_string(doc) + " --config " + config_ + " --format json");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const auto history = nlohmann::json::parse(json.out);
  ASSERT_EQ(history["versions"].size(), 1u) << json.out;
  const auto& v0 = history["versions"][0];
  EXPECT_EQ(v0["version"], 0);
  EXPECT_EQ(v0["kinds"], nlohmann::json::array({"original"}));
  EXPECT_EQ(v0["http_status"], 200);
  EXPECT_EQ(v0["digest"].get<std::string>().size(), 64u);
  EXPECT_EQ(v0["evidence"], true);  // [evidence] is on by default
  EXPECT_EQ(v0["names"][0]["rule"], "zhanaozen");

  CommandResult text = RunKuzet("history " + std::to_string(doc) + " --config " + config_);
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("/en/strike.html"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("original; archived"), std::string::npos) << text.out;

  // Its first re-fetch is queued at 1 h from the fetch, give or take the 10 % jitter.
  auto store = storage::Store::Open(DataDir(), storage::Store::Mode::kReadOnly);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto queued = (*store)->reader().QueuedWatch(doc);
  ASSERT_TRUE(queued.ok()) << queued.status().message();
  ASSERT_TRUE(queued->has_value());
  auto versions = (*store)->reader().Versions(doc, 10);
  ASSERT_TRUE(versions.ok() && versions->size() == 1u);
  const int64_t fetched = versions->front().version.fetched_at_us;
  EXPECT_GE((*queued)->due_us, fetched + 3240'000'000LL);
  EXPECT_LE((*queued)->due_us, fetched + 3960'000'000LL);
  EXPECT_EQ((*queued)->entry.step, 0u);
  EXPECT_EQ((*queued)->entry.watched_since_us, fetched);
}

TEST_F(HistoryCliTest, StoredVersionsAreListedAndDiffedWordByWord) {
  ASSERT_NO_FATAL_FAILURE(Crawl(/*watch=*/true));
  const uint64_t doc = MatchedDoc();
  ASSERT_NE(doc, 0u);
  std::string original;
  {
    auto store = storage::Store::Open(DataDir());
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto queued = (*store)->reader().QueuedWatch(doc);
    ASSERT_TRUE(queued.ok() && queued->has_value());
    auto versions = (*store)->reader().Versions(doc, 10);
    ASSERT_TRUE(versions.ok() && versions->size() == 1u);
    original = versions->front().version.text;
    const size_t at = original.find("Zhanaozen");
    ASSERT_NE(at, std::string::npos) << original;
    // The article edited: the name replaced (what the re-fetch step stores).
    storage::VersionInput edit;
    edit.doc_id = doc;
    edit.due_us = (*queued)->due_us;
    storage::VersionRecord v;
    v.fetched_at_us = (*queued)->due_us + 1;
    v.http_status = 200;
    v.digest = std::string(64, 'e');
    v.kinds = {"text_edited", "name_removed"};
    v.names_removed = {{"zhanaozen", "Zhanaozen"}};
    v.has_text = true;
    v.title = versions->front().version.title;
    v.text = original.substr(0, at) + "the town" + original.substr(at + 9);
    edit.version = v;
    edit.next_due_us = (*queued)->due_us + 3600'000'000LL;
    edit.next = (*queued)->entry;
    edit.next.step = 1;
    auto stored = (*store)->writer().PutVersion(edit);
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    ASSERT_EQ(stored->number, 1u);
    // Then gone.
    storage::VersionInput gone;
    gone.doc_id = doc;
    gone.due_us = *edit.next_due_us;
    storage::VersionRecord g;
    g.fetched_at_us = gone.due_us + 1;
    g.http_status = 404;
    g.kinds = {"gone"};
    gone.version = g;
    ASSERT_TRUE((*store)->writer().PutVersion(gone).ok());
  }
  CommandResult text = RunKuzet("history " + std::to_string(doc) + " --config " + config_);
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("text_edited, name_removed; removed: Zhanaozen (zhanaozen)"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(" 404 "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("gone"), std::string::npos) << text.out;

  CommandResult diff =
      RunKuzet("history " + std::to_string(doc) + " --config " + config_ + " --diff 0 1");
  ASSERT_EQ(diff.exit_code, 0) << diff.out;
  EXPECT_NE(diff.out.find("[-Zhanaozen-]{+the town+}"), std::string::npos) << diff.out;
  // Gone: every word removed.
  CommandResult to_gone =
      RunKuzet("history " + std::to_string(doc) + " --config " + config_ + " --diff 1 2");
  ASSERT_EQ(to_gone.exit_code, 0) << to_gone.out;
  EXPECT_EQ(to_gone.out.find("{+"), std::string::npos) << to_gone.out;
  EXPECT_NE(to_gone.out.find("[-"), std::string::npos) << to_gone.out;
  // A version that is not there.
  CommandResult missing =
      RunKuzet("history " + std::to_string(doc) + " --config " + config_ + " --diff 0 7 2>&1");
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_NE(missing.out.find("no version 7 (versions 0 to 2)"), std::string::npos) << missing.out;
}

TEST_F(HistoryCliTest, WithoutTheWatchADocumentHasNoHistory) {
  ASSERT_NO_FATAL_FAILURE(Crawl(/*watch=*/false));
  const uint64_t doc = MatchedDoc();
  ASSERT_NE(doc, 0u);
  CommandResult r = RunKuzet("history " + std::to_string(doc) + " --config " + config_ + " 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("is not watched"), std::string::npos) << r.out;
  auto store = storage::Store::Open(DataDir(), storage::Store::Mode::kReadOnly);
  ASSERT_TRUE(store.ok());
  auto due = (*store)->reader().DueWatches(INT64_MAX, 100);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

}  // namespace
}  // namespace kuzet
