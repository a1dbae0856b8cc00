// Group commit (PutPages): a group of pages is decided exactly as the same pages stored one by
// one, whatever the grouping: the same results and, byte for byte, the same keys and values on
// disk. The order-sensitive cases are in the sequence: two copies of one text in one group (one
// document, one duplicate URL), a near-duplicate joining the story of a document made earlier in
// the same group, a URL stored twice in a group (changed, then unchanged), mentions of a
// document first seen in the group. And under concurrency: writers racing with copies of one
// text still make one document of it and one story of its near copies.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "storage/records.h"
#include "storage/sha256.h"
#include "storage/simhash.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::DumpFamilies;
using testing::kCourtArticle;
using testing::kStrikeArticle;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kMinute = 60'000'000;

std::vector<PageInput> Sequence() {
  const std::string strike_copy = kStrikeArticle;
  const std::string strike_edit = "Updated: " + kStrikeArticle;
  std::vector<PageInput> pages;
  auto add = [&](const std::string& url, const std::string& text, bool mention) {
    std::vector<MentionInput> mentions;
    if (mention) mentions.push_back(Rule("zhanaozen", text, "Zhanaozen"));
    if (mention && text.find("court") != std::string::npos) {
      mentions.push_back(Rule("court", text, "court"));
    }
    pages.push_back(Page(url, text, kT0 + static_cast<int64_t>(pages.size()) * kMinute, mentions));
  };
  add("https://a.kz/strike", kStrikeArticle, true);
  add("https://b.kz/copy", strike_copy, true);      // an exact copy: a duplicate URL
  add("https://c.kz/edit", strike_edit, true);      // a near copy: joins the story
  add("https://a.kz/court", kCourtArticle, false);  // a document of its own, no mention yet
  add("https://a.kz/court", kCourtArticle + " Zhanaozen court.", true);  // changed: mentions
  add("https://a.kz/court", kCourtArticle + " Zhanaozen court.", true);  // unchanged
  add("https://d.kz/copy", strike_edit, false);                          // a copy of the near copy
  add("https://b.kz/copy", strike_copy, true);             // the duplicate URL again: unchanged
  add("https://e.kz/short", "Zhanaozen in brief.", true);  // too short for a SimHash
  return pages;
}

// Stores `pages` in groups of `group_size` (1: PutPage one by one) and returns the results.
std::vector<PutPageResult> StoreInGroups(const std::string& dir,
                                         const std::vector<PageInput>& pages, size_t group_size) {
  auto store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().message();
  std::vector<PutPageResult> results;
  if (!store.ok()) return results;
  for (size_t at = 0; at < pages.size(); at += group_size) {
    const size_t n = std::min(group_size, pages.size() - at);
    if (group_size == 1) {
      auto put = (*store)->writer().PutPage(pages[at]);
      EXPECT_TRUE(put.ok()) << put.status().message();
      if (put.ok()) results.push_back(*put);
      continue;
    }
    auto put = (*store)->writer().PutPages(std::span<const PageInput>(pages).subspan(at, n));
    EXPECT_TRUE(put.ok()) << put.status().message();
    if (!put.ok()) continue;
    EXPECT_EQ(put->size(), n);
    results.insert(results.end(), put->begin(), put->end());
  }
  return results;
}

void ExpectSameResult(const PutPageResult& a, const PutPageResult& b, size_t page) {
  EXPECT_EQ(a.doc_id, b.doc_id) << "page " << page;
  EXPECT_EQ(a.unchanged, b.unchanged) << "page " << page;
  EXPECT_EQ(a.new_document, b.new_document) << "page " << page;
  EXPECT_EQ(a.duplicate, b.duplicate) << "page " << page;
  EXPECT_EQ(a.new_mentions, b.new_mentions) << "page " << page;
  EXPECT_EQ(a.story_id, b.story_id) << "page " << page;
}

TEST(GroupCommitTest, AnyGroupingStoresWhatPagesOneByOneStore) {
  const std::vector<PageInput> pages = Sequence();
  TempDir one_by_one;
  const std::vector<PutPageResult> expected = StoreInGroups(one_by_one.path(), pages, 1);
  ASSERT_EQ(expected.size(), pages.size());
  // The sequence does exercise what it is meant to.
  EXPECT_TRUE(expected[1].duplicate);
  EXPECT_EQ(expected[1].doc_id, expected[0].doc_id);
  EXPECT_TRUE(expected[2].new_document);
  EXPECT_EQ(expected[2].story_id, expected[0].doc_id);
  EXPECT_EQ(expected[4].new_mentions, 2);
  EXPECT_TRUE(expected[5].unchanged);
  EXPECT_TRUE(expected[6].duplicate);
  EXPECT_TRUE(expected[7].unchanged);
  const testing::FamilyDump expected_dump = DumpFamilies(one_by_one.db_path());

  for (size_t group_size : {2, 3, 4, 9}) {
    SCOPED_TRACE("groups of " + std::to_string(group_size));
    TempDir grouped;
    const std::vector<PutPageResult> results = StoreInGroups(grouped.path(), pages, group_size);
    ASSERT_EQ(results.size(), pages.size());
    for (size_t i = 0; i < pages.size(); ++i) ExpectSameResult(results[i], expected[i], i);
    EXPECT_TRUE(DumpFamilies(grouped.db_path()) == expected_dump)
        << "the grouped store's keys and values differ from the one-by-one store's";
  }
}

TEST(GroupCommitTest, ARefusedPageStoresNothingOfItsGroup) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  std::vector<PageInput> pages = Sequence();
  pages[3].mentions.push_back(Rule(std::string("bad\0rule", 8), pages[3].text, "court"));
  auto put = (*store)->writer().PutPages(pages);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Status::Code::kInvalidArgument);
  for (const PageInput& page : pages) {
    EXPECT_FALSE((*store)->reader().GetUrl(page.url)->has_value()) << page.url;
  }
  EXPECT_EQ(*(*store)->reader().LastMentionId(), 0u);
  // The ids were not consumed: the next page gets the first ones.
  auto first = (*store)->writer().PutPage(Sequence()[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->doc_id, 1u);
  EXPECT_EQ(*(*store)->reader().LastMentionId(), 1u);
}

TEST(GroupCommitTest, AGroupOverTheLimitIsRefused) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  std::vector<PageInput> pages;
  for (size_t i = 0; i <= PageWriter::kMaxPagesPerGroup; ++i) {
    pages.push_back(Page("https://a.kz/" + std::to_string(i), "text " + std::to_string(i), kT0));
  }
  auto put = (*store)->writer().PutPages(pages);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE((*store)->reader().GetUrl("https://a.kz/0")->has_value());
}

// Keys computed ahead by the caller's threads (PageInput::text_keys, what the pipeline's workers
// do) store exactly what the writer's own computation stores, in any grouping.
TEST(GroupCommitTest, KeysComputedAheadStoreWhatTheWriterComputes) {
  const std::vector<PageInput> pages = Sequence();
  TempDir by_writer;
  const std::vector<PutPageResult> expected = StoreInGroups(by_writer.path(), pages, 1);
  ASSERT_EQ(expected.size(), pages.size());
  std::vector<PageInput> ahead = pages;
  {
    TempDir scratch;  // a store only for its Searcher::KeysOf
    auto store = Store::Open(scratch.path());
    ASSERT_TRUE(store.ok());
    for (PageInput& page : ahead) {
      page.text_keys = TextKeysOf(page.text);
      auto search_keys = (*store)->searcher().KeysOf(page.text, page.lang);
      ASSERT_TRUE(search_keys.ok()) << search_keys.status().message();
      page.search_keys = std::move(search_keys).value();
    }
  }
  for (size_t group_size : {1, 4}) {
    SCOPED_TRACE("groups of " + std::to_string(group_size));
    TempDir dir;
    const std::vector<PutPageResult> results = StoreInGroups(dir.path(), ahead, group_size);
    ASSERT_EQ(results.size(), pages.size());
    for (size_t i = 0; i < pages.size(); ++i) ExpectSameResult(results[i], expected[i], i);
    EXPECT_TRUE(DumpFamilies(dir.db_path()) == DumpFamilies(by_writer.db_path()));
  }
}

// The writer takes keys computed ahead as they are, without folding and hashing the text again
// on its (serial) thread -- seen here by giving it the keys of another text of the same size --,
// and ignores keys made for a text of another size.
TEST(GroupCommitTest, KeysComputedAheadAreNotComputedAgain) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  const std::string text = kStrikeArticle;
  std::string other = kStrikeArticle;
  other[0] = other[0] == 'X' ? 'Y' : 'X';
  ASSERT_NE(NormalizeForFingerprint(text), NormalizeForFingerprint(other));

  PageInput page = Page("https://a.kz/1", text, kT0);
  page.text_keys = TextKeysOf(other);
  auto first = (*store)->writer().PutPage(page);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->new_document);
  // The document was filed under the keys it was given: `other` is its exact duplicate.
  auto second = (*store)->writer().PutPage(Page("https://b.kz/2", other, kT0 + kMinute));
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->doc_id, first->doc_id);

  PageInput stale = Page("https://c.kz/3", kCourtArticle, kT0 + 2 * kMinute);
  stale.text_keys = TextKeysOf(text);  // another size: ignored
  ASSERT_NE(stale.text_keys->text_bytes, stale.text.size());
  auto third = (*store)->writer().PutPage(stale);
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_TRUE(third->new_document);
  auto state = (*store)->reader().GetUrl("https://c.kz/3");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->content_hash, Sha256Hex(NormalizeForFingerprint(kCourtArticle)));
}

// The same for the search index's word keys (PageInput::search_keys): the writer indexes the
// document under the keys it is given -- here those of another text of the same size -- instead
// of breaking and folding the words again, and ignores keys made for a text of another size.
TEST(GroupCommitTest, SearchKeysComputedAheadAreNotComputedAgain) {
  TempDir dir;
  const std::string text = kStrikeArticle;
  std::string other = kStrikeArticle;
  other.replace(0, 4, "Qxzv");
  std::set<std::pair<std::string, uint64_t>> expected;  // the search family's (key, doc) pairs
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok());
    const Searcher& searcher = (*store)->searcher();
    auto given = searcher.KeysOf(other, "en");
    auto own = searcher.KeysOf(text, "en");
    ASSERT_TRUE(given.ok() && own.ok());
    ASSERT_EQ(given->text_bytes, text.size());
    ASSERT_NE(given->keys, own->keys);

    PageInput page = Page("https://a.kz/1", text, kT0);
    page.search_keys = *given;
    auto first = (*store)->writer().PutPages(std::span<const PageInput>(&page, 1));
    ASSERT_TRUE(first.ok()) << first.status().message();
    ASSERT_TRUE((*first)[0].new_document);
    for (const std::string& key : given->keys) {
      expected.emplace(key, (*first)[0].doc_id);
    }

    PageInput stale = Page("https://c.kz/3", kCourtArticle, kT0 + kMinute);
    stale.search_keys = *own;  // another size: ignored
    ASSERT_NE(stale.search_keys->text_bytes, stale.text.size());
    auto second = (*store)->writer().PutPage(stale);
    ASSERT_TRUE(second.ok()) << second.status().message();
    ASSERT_TRUE(second->new_document);
    auto court = searcher.KeysOf(kCourtArticle, "en");
    ASSERT_TRUE(court.ok());
    for (const std::string& key : court->keys) expected.emplace(key, second->doc_id);
  }
  const testing::FamilyDump dump = DumpFamilies(dir.db_path());
  const std::set<std::pair<std::string, uint64_t>> stored = testing::SearchPostings(dump);
  std::vector<std::pair<std::string, uint64_t>> differ;
  std::set_symmetric_difference(stored.begin(), stored.end(), expected.begin(), expected.end(),
                                std::back_inserter(differ));
  EXPECT_TRUE(differ.empty()) << differ.size() << " index entries differ, the first "
                              << (differ.empty() ? "" : differ[0].first);
}

// The article with a short line of its own: another text with the same SimHash (short lines do
// not count), so every near copy is a near-duplicate of every other, whoever comes first.
std::string NearCopy(const std::string& id) { return kStrikeArticle + "\nShared by reader " + id; }

// Writers racing with groups that all hold copies of one text and near copies of it: the text
// is one document (every other URL a duplicate of it), and every near copy is in its story.
TEST(GroupCommitTest, ConcurrentGroupsOfCopiesMakeOneDocumentAndOneStory) {
  TempDir dir;
  auto opened = Store::Open(dir.path());
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  ASSERT_EQ(TextSimHash(NearCopy("x")), TextSimHash(kStrikeArticle));
  constexpr int kThreads = 4, kGroups = 5, kGroupSize = 4;
  std::vector<std::vector<PutPageResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int g = 0; g < kGroups; ++g) {
        std::vector<PageInput> group;
        for (int i = 0; i < kGroupSize; ++i) {
          const std::string id =
              std::to_string(t) + "-" + std::to_string(g) + "-" + std::to_string(i);
          // Even pages: exact copies; odd pages: near copies (a short line of their own).
          const std::string text = i % 2 == 0 ? kStrikeArticle : NearCopy(id);
          group.push_back(Page("https://site" + id + ".kz/", text, kT0,
                               {Rule("zhanaozen", text, "Zhanaozen")}));
        }
        auto put = store.writer().PutPages(group);
        EXPECT_TRUE(put.ok()) << put.status().message();
        if (put.ok()) results[t].insert(results[t].end(), put->begin(), put->end());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<uint64_t> copy_docs, stories;
  int new_documents = 0;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(results[t].size(), static_cast<size_t>(kGroups * kGroupSize));
    for (size_t i = 0; i < results[t].size(); ++i) {
      const PutPageResult& r = results[t][i];
      if (i % 2 == 0) copy_docs.insert(r.doc_id);
      stories.insert(r.story_id);
      new_documents += r.new_document ? 1 : 0;
    }
  }
  EXPECT_EQ(copy_docs.size(), 1u) << "copies of one text made more than one document";
  EXPECT_EQ(stories.size(), 1u) << "near copies of one text are in more than one story";
  // One document for the exact text, one for each near copy.
  EXPECT_EQ(new_documents, 1 + kThreads * kGroups * kGroupSize / 2);
  auto members = store.reader().StoryDocuments(*copy_docs.begin());
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->size(), static_cast<size_t>(new_documents));
  auto doc = store.reader().GetDocument(*copy_docs.begin());
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->duplicate_urls.size(),
            static_cast<size_t>(kThreads * kGroups * kGroupSize / 2 - 1));
  EXPECT_EQ(*store.reader().LastMentionId(), static_cast<uint64_t>(new_documents));
}

}  // namespace
}  // namespace kuzet::storage
