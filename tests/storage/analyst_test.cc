// Tests of what the analyst's tools read (issue #7): mentions past a read cursor, the cursors
// themselves, stories newest first with their sites and URLs, mentions of one story, and
// retention (dropping old texts while keeping everything an analyst cites).
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/read_cursors.h"
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
constexpr int64_t kHour = 3'600'000'000;

std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 Store::Mode mode = Store::Mode::kReadWrite) {
  auto store = Store::Open(dir, mode);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<uint64_t> MentionIds(const std::vector<Mention>& mentions) {
  std::vector<uint64_t> ids;
  for (const Mention& m : mentions) ids.push_back(m.id);
  return ids;
}

// Documents: 1 = kStrikeArticle at a.kz (site a), 2 = its reprint at b.kz (site b, same story),
// 3 = kCourtArticle at a.kz. Mentions: 1 (doc 1, rule zh), 2 (doc 1, rule strike), 3 (doc 2, rule
// zh), 4 (doc 3, rule union); found at kT0, kT0, kT0 + 1h, kT0 + 2h.
class AnalystTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    Put(Page("https://a.kz/1", kStrikeArticle, kT0,
             {Rule("zh", kStrikeArticle, "Zhanaozen"), Rule("strike", kStrikeArticle, "strike")}),
        "a");
    Put(Page("https://b.kz/1", "Updated: " + kStrikeArticle, kT0 + kHour,
             {Rule("zh", kStrikeArticle, "Zhanaozen")}),
        "b");
    Put(Page("https://a.kz/2", kCourtArticle, kT0 + 2 * kHour,
             {Rule("union", kCourtArticle, "union")}),
        "a");
    // An exact reprint at a third site: a URL of document 1, no document, no mention.
    Put(Page("https://c.kz/x", kStrikeArticle, kT0 + 3 * kHour), "c");
  }
  void Put(PageInput page, const std::string& site) {
    page.site_id = site;
    auto result = store_->writer().PutPage(page);
    ASSERT_TRUE(result.ok()) << result.status().message();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AnalystTest, MentionsCarryTheirStoryAndAStoryListsItsMentions) {
  auto all = store_->reader().Mentions(MentionQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(MentionIds(*all), (std::vector<uint64_t>{4, 3, 2, 1}));
  EXPECT_EQ((*all)[0].story_id, 3u);
  EXPECT_EQ((*all)[1].story_id, 1u) << "the reprint joined the first document's story";
  EXPECT_EQ((*all)[3].story_id, 1u);

  MentionQuery story;
  story.story_id = 1;
  EXPECT_EQ(MentionIds(*store_->reader().Mentions(story)), (std::vector<uint64_t>{3, 2, 1}));
  story.rule_id = "zh";
  EXPECT_EQ(MentionIds(*store_->reader().Mentions(story)), (std::vector<uint64_t>{3, 1}));
  story.site_id = "a";
  EXPECT_EQ(MentionIds(*store_->reader().Mentions(story)), (std::vector<uint64_t>{1}));
  story = MentionQuery{};
  story.story_id = 1;
  story.since_us = kT0 + 1;
  EXPECT_EQ(MentionIds(*store_->reader().Mentions(story)), (std::vector<uint64_t>{3}));
  story.since_us.reset();
  story.limit = 1;
  EXPECT_EQ(MentionIds(*store_->reader().Mentions(story)), (std::vector<uint64_t>{3}));
  story.story_id = 77;
  EXPECT_TRUE(store_->reader().Mentions(story)->empty());
}

TEST_F(AnalystTest, StoriesNewestFirstWithEverySiteAndUrl) {
  auto stories = store_->reader().Stories(std::nullopt, 10);
  ASSERT_TRUE(stories.ok()) << stories.status().message();
  ASSERT_EQ(stories->size(), 2u);
  EXPECT_EQ((*stories)[0].id, 3u);
  EXPECT_EQ((*stories)[0].created_us, kT0 + 2 * kHour);
  const StoryInfo& strike = (*stories)[1];
  EXPECT_EQ(strike.id, 1u);
  EXPECT_EQ(strike.created_us, kT0);
  ASSERT_EQ(strike.members.size(), 2u) << "newest document first";
  EXPECT_EQ(strike.total_documents, 2u);
  EXPECT_EQ(strike.total_places, 3u) << "two documents and one exact reprint";
  EXPECT_EQ(strike.next_before, 0u);
  EXPECT_EQ(strike.members[1].site_id, "a");
  EXPECT_EQ(strike.members[1].url, "https://a.kz/1");
  EXPECT_EQ(strike.members[1].duplicate_urls, std::vector<std::string>{"https://c.kz/x"});
  EXPECT_EQ(strike.members[1].duplicate_site_ids, std::vector<std::string>{"c"})
      << "an exact reprint keeps the site it was found on";
  EXPECT_EQ(strike.members[0].site_id, "b");
  EXPECT_EQ(strike.members[0].url, "https://b.kz/1");
  auto first_only = store_->reader().Stories(std::nullopt, 10, 1);
  ASSERT_TRUE(first_only.ok());
  EXPECT_EQ((*first_only)[1].members.size(), 1u);
  EXPECT_EQ((*first_only)[1].next_before, 2u) << "older documents follow below doc 2";

  EXPECT_EQ(store_->reader().Stories(kT0 + 1, 10)->size(), 1u);
  EXPECT_EQ(store_->reader().Stories(kT0, 10)->size(), 2u);
  EXPECT_EQ(store_->reader().Stories(std::nullopt, 1)->size(), 1u);
  EXPECT_TRUE(store_->reader().StoryMembers(99, 10)->members.empty());
  EXPECT_EQ(store_->reader().StoryMembers(99, 10)->total_documents, 0u);
}

TEST_F(AnalystTest, MentionsAfterACursorOldestFirstWithFilters) {
  auto after = store_->reader().MentionsAfter(0, MentionQuery{});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(MentionIds(after->mentions), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(after->examined_through, 4u);

  MentionQuery q;
  q.limit = 2;
  after = store_->reader().MentionsAfter(1, q);
  EXPECT_EQ(MentionIds(after->mentions), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(after->examined_through, 3u) << "4 was not examined: the cursor must not pass it";

  q = MentionQuery{};
  q.rule_id = "zh";
  after = store_->reader().MentionsAfter(1, q);
  EXPECT_EQ(MentionIds(after->mentions), (std::vector<uint64_t>{3}));
  EXPECT_EQ(after->examined_through, 3u) << "the rule's own mentions, read from its index";
  q.site_id = "a";
  EXPECT_TRUE(store_->reader().MentionsAfter(1, q)->mentions.empty());
  q = MentionQuery{};
  q.site_id = "a";
  after = store_->reader().MentionsAfter(1, q);
  EXPECT_EQ(MentionIds(after->mentions), (std::vector<uint64_t>{2, 4}));
  EXPECT_EQ(after->examined_through, 4u);
  q.lang = "kk";
  after = store_->reader().MentionsAfter(0, q);
  EXPECT_TRUE(after->mentions.empty());
  EXPECT_EQ(after->examined_through, 4u) << "non-matching mentions are passed over";

  after = store_->reader().MentionsAfter(4, MentionQuery{});
  EXPECT_TRUE(after->mentions.empty());
  EXPECT_EQ(after->examined_through, 4u);
  EXPECT_EQ(*store_->reader().LastMentionId(), 4u);
}

TEST(ReadCursorsTest, CursorsPerUserAndFilterSurviveAndOnlyMoveForward) {
  TempDir dir;
  ReadCursors cursors(dir.path());
  EXPECT_EQ(*cursors.Get("alice", "rule=zh"), 0u);
  ASSERT_TRUE(cursors.Advance("alice", "rule=zh", 7).ok());
  ASSERT_TRUE(cursors.Advance("alice", "", 3).ok());
  ASSERT_TRUE(cursors.Advance("bob", "rule=zh", 2).ok());
  ASSERT_TRUE(cursors.Advance("alice", "rule=zh", 5).ok()) << "backward is ignored, not an error";
  ReadCursors again(dir.path());
  EXPECT_EQ(*again.Get("alice", "rule=zh"), 7u);
  EXPECT_EQ(*again.Get("alice", ""), 3u);
  EXPECT_EQ(*again.Get("bob", "rule=zh"), 2u);
  EXPECT_EQ(*again.Get("bob", ""), 0u);
  // Filters with the file's separators round-trip.
  ASSERT_TRUE(cursors.Advance("alice", "rule=a\tb%\nc", 9).ok());
  EXPECT_EQ(*again.Get("alice", "rule=a\tb%\nc"), 9u);
  EXPECT_EQ(*again.Get("alice", "rule=zh"), 7u);

  EXPECT_EQ(cursors.Get("../etc", "").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(cursors.Advance("", "", 1).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(cursors.Advance(".hidden", "", 1).code(), Status::Code::kInvalidArgument);

  std::ofstream(dir.path() + "/cursors/carol.cursors") << "something else\n";
  EXPECT_EQ(cursors.Get("carol", "").status().code(), Status::Code::kCorruption);
}

TEST(ReadCursorsTest, ConcurrentAdvancesOfOneUserLoseNoFilter) {
  TempDir dir;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&dir, t] {
      ReadCursors cursors(dir.path());
      for (uint64_t i = 1; i <= 20; ++i) {
        EXPECT_TRUE(cursors.Advance("alice", "rule=" + std::to_string(t), i).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ReadCursors cursors(dir.path());
  for (int t = 0; t < 4; ++t) EXPECT_EQ(*cursors.Get("alice", "rule=" + std::to_string(t)), 20u);
}

TEST_F(AnalystTest, DroppingOldTextsKeepsWhatAnalystsCite) {
  const std::string strike_hash = (*store_->reader().GetDocument(1))->content_hash;
  auto dropped = store_->maintenance().DropTextOlderThan(kT0 + 90 * 60'000'000LL);  // 1.5 h
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  EXPECT_EQ(dropped->documents_examined, 3u);
  EXPECT_EQ(dropped->texts_dropped, 2u);
  auto doc = store_->reader().GetDocument(1);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->text, "");
  EXPECT_EQ((*doc)->title, kStrikeArticle.substr(0, 24));
  EXPECT_EQ((*doc)->url, "https://a.kz/1");
  EXPECT_EQ((*doc)->duplicate_urls, std::vector<std::string>{"https://c.kz/x"});
  EXPECT_EQ((*doc)->content_hash, strike_hash);
  ASSERT_EQ((*doc)->mentions.size(), 2u);
  EXPECT_EQ((*doc)->mentions[0].snippet, kStrikeArticle);
  EXPECT_EQ((*store_->reader().GetDocument(3))->text, kCourtArticle)
      << "a newer document keeps its text";
  EXPECT_EQ(store_->maintenance().DropTextOlderThan(kT0 + 90 * 60'000'000LL)->texts_dropped, 0u);

  // Re-crawling the unchanged page still finds it unchanged: no new document, no mention.
  PageInput again = Page("https://a.kz/1", kStrikeArticle, kT0 + 5 * kHour,
                         {Rule("zh", kStrikeArticle, "Zhanaozen")});
  again.site_id = "a";
  auto put = store_->writer().PutPage(again);
  ASSERT_TRUE(put.ok());
  EXPECT_TRUE(put->unchanged);
  EXPECT_EQ(*store_->reader().LastMentionId(), 4u);

  // The blanked texts are gone from the files, not just hidden.
  store_.reset();
  auto dump = DumpFamilies(dir_.db_path());
  for (const auto& [key, value] : dump["docs"]) {
    EXPECT_EQ(value.find("opened fire"), std::string::npos);
  }
}

// A dropped text takes its token checkpoints with it (they point into the text, FORMAT.md): the
// record stays readable and a search of it still runs, finding nothing there.
TEST_F(AnalystTest, DroppingATextDropsItsTokenCheckpoints) {
  std::string paragraphs;
  for (int line = 0; line < 4; ++line) {
    for (int i = 0; i < 40; ++i) paragraphs += "workers ";
    paragraphs += "struck again.\n";
  }
  Put(Page("https://a.kz/long", paragraphs + "Zhanaozen.", kT0 - kHour), "a");
  auto state = store_->reader().GetUrl("https://a.kz/long");
  ASSERT_TRUE(state.ok() && state->has_value());
  const uint64_t id = (*state)->doc_id;
  EXPECT_EQ((*store_->reader().GetDocument(id))->token_checkpoints.size(), 4u);
  auto dropped = store_->maintenance().DropTextOlderThan(kT0 + 90 * 60'000'000LL);
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  auto doc = store_->reader().GetDocument(id);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  ASSERT_TRUE(doc->has_value());
  EXPECT_EQ((*doc)->text, "");
  EXPECT_TRUE((*doc)->token_checkpoints.empty());
  auto matcher = store_->searcher().Compile("\"struck again\" AND Zhanaozen");
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  auto found = store_->searcher().Search(*matcher, {});
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_TRUE(found->hits.empty());
}

TEST_F(AnalystTest, RetentionNeedsTheWriteLock) {
  auto reader = OpenOrDie(dir_.path(), Store::Mode::kReadOnly);
  EXPECT_EQ(reader->maintenance().DropTextOlderThan(kT0).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(reader->maintenance().Compact().code(), Status::Code::kInvalidArgument);
  auto second = Store::Open(dir_.path());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace kuzet::storage
