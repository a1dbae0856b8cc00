// `kuzet history DOC [--diff A B] [--format text|json]` after a real crawl of the loopback site
// with the [watch] table on (issue #20): the matched article's first mention began its watch
// (version 0, archived, its first re-fetch queued at the schedule's first age), and the versions
// a re-fetch stores are listed and diffed word by word.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/alert_entry.h"
#include "storage/store.h"
#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/app/test_site.h"
#include "tests/scratch_dir.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunKuzet;

class HistoryCliTest : public ::testing::Test {
 protected:
  void Crawl(bool watch) {
    std::ofstream(config_) << testing::SteppeCrawlConfig(site_) +
                                  (watch ? "\n[watch]\nschedule = [\"1h\", \"6h\"]\n" : "");
    ASSERT_NO_FATAL_FAILURE(testing::CrawlOnce(config_));
  }

  // The document of the English strike article, which mentions Zhanaozen.
  uint64_t MatchedDoc() { return testing::MentionedDoc(config_, "/en/strike.html"); }

  std::string DataDir() const { return (dir_.path() / "data").string(); }

  testing::TestSite site_;
  testing::ScratchDir dir_{"kuzet-history-cli"};
  std::string config_ = (dir_.path() / "kuzet.toml").string();
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

// `kuzet alerts --failed` lists a change alert (one outbox entry, delivered for every rule the
// change concerns) with all its rules: the article gone, every rule it matched before.
TEST_F(HistoryCliTest, AFailedChangeAlertIsListedWithEveryRule) {
  std::ofstream(config_) << testing::SteppeCrawlConfig(site_) +
                                "\n[[rules]]\nid = \"strike\"\nterms = [\"strike\"]\n"
                                "\n[watch]\nschedule = [\"1h\", \"6h\"]\n";
  ASSERT_NO_FATAL_FAILURE(testing::CrawlOnce(config_));
  const uint64_t doc = MatchedDoc();
  ASSERT_NE(doc, 0u);
  std::vector<std::string> rules;
  {
    auto store = storage::Store::Open(DataDir());
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto queued = (*store)->reader().QueuedWatch(doc);
    ASSERT_TRUE(queued.ok() && queued->has_value());
    auto versions = (*store)->reader().Versions(doc, 10);
    ASSERT_TRUE(versions.ok() && versions->size() == 1u);
    for (const storage::VersionName& n : versions->front().version.names) {
      if (std::find(rules.begin(), rules.end(), n.rule_id) == rules.end()) {
        rules.push_back(n.rule_id);
      }
    }
    std::sort(rules.begin(), rules.end());
    ASSERT_EQ(rules, (std::vector<std::string>{"strike", "zhanaozen"}));
    storage::VersionInput gone;
    gone.doc_id = doc;
    gone.due_us = (*queued)->due_us;
    storage::VersionRecord g;
    g.fetched_at_us = gone.due_us + 1;
    g.http_status = 404;
    g.kinds = {"gone"};
    gone.version = g;
    gone.alert = true;
    auto stored = (*store)->writer().PutVersion(gone);
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    ASSERT_TRUE((*store)
                    ->outbox()
                    .MarkAlertFailed(storage::ChangeAlertId(doc, stored->number), "smtp down")
                    .ok());
  }
  CommandResult listed = RunKuzet("alerts --failed --config " + config_);
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_NE(listed.out.find("strike,zhanaozen (change, version 1)"), std::string::npos)
      << listed.out;
  // The row names the document (what `kuzet history` takes), not the packed alert id.
  EXPECT_NE(listed.out.find("\ndoc " + std::to_string(doc) + " "), std::string::npos)
      << listed.out;
  EXPECT_EQ(listed.out.find(std::to_string(storage::ChangeAlertId(doc, 1))), std::string::npos)
      << listed.out;
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
