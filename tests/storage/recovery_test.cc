// Kill -9 recovery: a child process stores pages in a loop, reporting each page whose PutPage
// returned, and is killed with SIGKILL at a random moment (mostly mid-batch). After each kill the
// store must open, hold every reported page, and hold no partial page: every document has all of
// its mentions, every mention its index entries and outbox entry, and the search index exactly
// the stored documents. Several kills run against the same store, so recovery from a recovered
// store is covered too.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "extractor/keywords/search_keys.h"
#include "storage/encoding.h"
#include "storage/records.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::DumpFamilies;
using testing::FamilyDump;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
const char* const kRules[] = {"zhanaozen", "strike", "police", "union"};

// Page n matches rules 0 .. n % 4 (one to four), and has a long text, so batches are large.
PageInput NumberedPage(int n) {
  std::string text = "Report " + std::to_string(n) + ": Zhanaozen strike police union. ";
  while (text.size() < 8000) text += "Oil workers demanded equal pay. ";
  std::vector<MentionInput> mentions;
  for (int r = 0; r <= n % 4; ++r) mentions.push_back(Rule(kRules[r], text, "Zhanaozen"));
  return Page("https://a.kz/" + std::to_string(n), text, kT0 + n, mentions);
}

// Child: stores pages first, first+1, ... and writes each returned page's number to `report`.
[[noreturn]] void WriteUntilKilled(const std::string& dir, int first, int report) {
  auto store = Store::Open(dir);
  if (!store.ok()) _exit(2);
  for (int n = first;; ++n) {
    auto put = (*store)->writer().PutPage(NumberedPage(n));
    if (!put.ok() || put->new_mentions != n % 4 + 1) _exit(3);
    if (write(report, &n, sizeof n) != sizeof n) _exit(4);
  }
}

// In the child process, this runs before main and never returns. Arguments: "fd first dir".
const bool kIsWriterChild = [] {
  if (auto args = testing::ChildRole("recovery-writer")) {
    int fd = 0, first = 0, used = 0;
    if (sscanf(args->c_str(), "%d %d %n", &fd, &first, &used) != 2) _exit(5);
    WriteUntilKilled(args->substr(used), first, fd);
  }
  return false;
}();

TEST(RecoveryTest, KilledWriterLosesNoAcknowledgedPageAndLeavesNoPartialOne) {
  TempDir dir;
  std::mt19937 random(20111216);  // the day of the Zhanaozen shootings
  std::set<int> acknowledged;
  std::set<int> stored;  // pages on disk after the last kill
  auto search_keys = keywords::SearchKeys::Create();
  ASSERT_TRUE(search_keys.ok());
  int next_page = 0;
  size_t unindexed_at_kill = 0;  // documents whose postings a kill lost, over all rounds
  for (int round = 0; round < 6; ++round) {
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    pid_t child =
        testing::SpawnChild("recovery-writer", std::to_string(report[1]) + " " +
                                                   std::to_string(next_page) + " " + dir.path());
    ASSERT_GE(child, 0);
    close(report[1]);
    // Let it write a while: a few pages, then a random part of one more page's time.
    int n;
    for (int seen = 0; seen < 5; ++seen) {
      ASSERT_EQ(read(report[0], &n, sizeof n), static_cast<ssize_t>(sizeof n))
          << "writer died on its own";
      acknowledged.insert(n);
    }
    // The fault is injected at a random moment on purpose, not a wait for anything.
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 20000));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited with " << WEXITSTATUS(status);
    while (read(report[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) acknowledged.insert(n);
    close(report[0]);
    next_page = *acknowledged.rbegin() + 1;

    // The writer keeps new documents' postings in memory (PageWriter::kSearchBufferDocuments):
    // the kill lost those of the documents above search_indexed_through, which the open below
    // must index again from their text.
    {
      FamilyDump killed = DumpFamilies(dir.db_path());
      const std::string& through = killed["meta"][std::string(kSearchIndexedThroughKey)];
      ASSERT_EQ(through.size(), 8u);
      for (const auto& [key, value] : killed["docs"]) {
        unindexed_at_kill += DecodeFixed64BE(key) > DecodeFixed64BE(through);
      }
    }
    // The store opens, and every acknowledged page is there with all its mentions.
    {
      auto store = Store::Open(dir.path());
      ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status().message();
      for (int page : acknowledged) {
        auto url = (*store)->reader().GetUrl(NumberedPage(page).url);
        ASSERT_TRUE(url.ok() && url->has_value()) << "page " << page << " lost";
        auto doc = (*store)->reader().GetDocument((*url)->doc_id);
        ASSERT_TRUE(doc.ok() && doc->has_value());
        EXPECT_EQ((*doc)->mentions.size(), static_cast<size_t>(page % 4 + 1)) << "page " << page;
      }
    }

    // No partial page anywhere, including the one the kill interrupted (present or absent whole).
    FamilyDump dump = DumpFamilies(dir.db_path());
    const auto& docs = dump["docs"];
    const auto& mentions = dump["mentions"];
    // Stored pages are 0..k; besides the acknowledged ones, at most the page each kill
    // interrupted (written, not yet reported).
    std::set<int> stored_now;
    for (const auto& [key, value] : docs) {
      Document d;
      ASSERT_TRUE(DecodeDocument(value, d));
      stored_now.insert(std::stoi(d.url.substr(d.url.rfind('/') + 1)));
    }
    ASSERT_FALSE(stored_now.empty());
    EXPECT_EQ(*stored_now.rbegin() + 1, static_cast<int>(stored_now.size()));
    int interrupted = 0;
    for (int page : stored_now) interrupted += !acknowledged.count(page) && !stored.count(page);
    EXPECT_LE(interrupted, 1);
    stored = stored_now;
    std::map<uint64_t, int> mentions_per_doc;
    std::set<uint64_t> mention_ids;
    for (const auto& [key, value] : mentions) {
      Mention m;
      ASSERT_TRUE(DecodeMention(value, m));
      ++mentions_per_doc[m.doc_id];
      mention_ids.insert(m.id);
      EXPECT_EQ(dump["mentions_by_time"].count(TimeIndexKey(m.found_at_us, m.id)), 1u);
      EXPECT_EQ(dump["mentions_by_rule"].count(RuleIndexKey(m.rule_id, m.found_at_us, m.id)), 1u);
      EXPECT_EQ(dump["mentions_by_rule"].count(RuleIdIndexKey(m.rule_id, m.id)), 1u);
      EXPECT_EQ(dump["mentions_by_site"].count(SiteIndexKey(m.site_id, m.found_at_us, m.id)), 1u);
      EXPECT_EQ(dump["doc_rule"].count(DocRuleKey(m.doc_id, m.rule_id)), 1u);
      EXPECT_EQ(dump["outbox"].count(OutboxKey(m.found_at_us, m.id)), 1u);
    }
    for (const char* index : {"mentions_by_time", "mentions_by_site", "doc_rule", "outbox"}) {
      EXPECT_EQ(dump[index].size(), mentions.size()) << index;
    }
    // By time and by id (read cursors).
    EXPECT_EQ(dump["mentions_by_rule"].size(), 2 * mentions.size());
    for (const auto& [key, value] : docs) {
      Document d;
      ASSERT_TRUE(DecodeDocument(value, d));
      int page = std::stoi(d.url.substr(d.url.rfind('/') + 1));
      EXPECT_EQ(mentions_per_doc[d.id], page % 4 + 1) << "page " << page << " is partial";
      EXPECT_EQ(dump["urls"].count(d.url), 1u);
      EXPECT_EQ(dump["stories"].count(DocStoryKey(d.id)), 1u) << "page " << page << " has no story";
    }
    // The search index holds every stored document under every word key of its text (those the
    // kill lost indexed again by the open), and no document that is not stored.
    const auto postings = testing::SearchPostings(dump);
    std::set<uint64_t> indexed, stored_ids;
    for (const auto& [word, id] : postings) indexed.insert(id);
    for (const auto& [key, value] : docs) {
      Document d;
      ASSERT_TRUE(DecodeDocument(value, d));
      stored_ids.insert(d.id);
      for (const std::string& word : search_keys->KeysOf(d.text, d.lang).keys) {
        ASSERT_EQ(postings.count({word, d.id}), 1u) << "document " << d.id << " not under " << word;
      }
    }
    EXPECT_EQ(indexed, stored_ids);
    // The id counters were persisted with the records they numbered.
    ASSERT_EQ(dump["meta"].count(std::string(kNextMentionIdKey)), 1u);
    uint64_t next_mention = DecodeFixed64BE(dump["meta"][std::string(kNextMentionIdKey)]);
    EXPECT_GT(next_mention, mention_ids.empty() ? 0 : *mention_ids.rbegin());
    if (HasFailure()) return;
    next_page = std::max(next_page, static_cast<int>(docs.size()));
  }
  EXPECT_GE(acknowledged.size(), 30u);
  EXPECT_GT(unindexed_at_kill, 0u) << "no kill found buffered postings to lose";
}

}  // namespace
}  // namespace kuzet::storage
