// "What is new for rule R since mention N" reads only the table files that can hold mentions
// above N (storage/max_mention_id_property.h): after a compaction, a cursor at the end of the
// compacted mentions touches no block of any file, while a cursor inside them still gets every
// newer mention, from the files and the memtable alike.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::Page;
using testing::Rule;
using testing::TableBlocks;
using testing::TableBlocksOf;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int kRules = 4;

// Stores pages [first, last), each with a mention of rules i % 4 and (i + 1) % 4.
void PutPages(Store& store, int first, int last) {
  for (int i = first; i < last; ++i) {
    const std::string text = "Report " + std::to_string(i) + " on the Zhanaozen strike trial.";
    auto put = store.writer().PutPage(
        Page("https://a.kz/" + std::to_string(i), text, kT0 + int64_t{i} * 1'000'000,
             {Rule("rule" + std::to_string(i % kRules), text, "Zhanaozen"),
              Rule("rule" + std::to_string((i + 1) % kRules), text, "Zhanaozen")}));
    ASSERT_TRUE(put.ok()) << put.status().message();
  }
}

// The ids PutPages gives rule `r`'s mentions above `after_id` among pages [0, pages): page i
// holds mention 2i + 1 (rule i % 4) and 2i + 2 (rule (i + 1) % 4).
std::vector<uint64_t> Expected(int r, uint64_t after_id, int pages) {
  std::vector<uint64_t> ids;
  for (int i = 0; i < pages; ++i) {
    for (uint64_t id : {uint64_t(2 * i + 1), uint64_t(2 * i + 2)}) {
      const int rule = (id % 2 == 1) ? i % kRules : (i + 1) % kRules;
      if (rule == r && id > after_id) ids.push_back(id);
    }
  }
  return ids;
}

std::vector<uint64_t> NewFor(Store& store, const std::string& rule, uint64_t after_id,
                             uint64_t* table_blocks = nullptr) {
  MentionQuery q;
  q.rule_id = rule;
  q.limit = 1000;
  std::optional<Result<MentionsAfterResult>> after;
  const TableBlocks blocks =
      TableBlocksOf([&] { after = store.reader().MentionsAfter(after_id, q); });
  if (table_blocks != nullptr) *table_blocks = blocks.read + blocks.cached;
  EXPECT_TRUE(after->ok());
  std::vector<uint64_t> ids;
  if (after->ok()) {
    for (const Mention& m : (*after)->mentions) ids.push_back(m.id);
  }
  return ids;
}

TEST(CursorFilesTest, NewMentionsAreReadWithoutTouchingFilesOfOlderOnes) {
  TempDir dir;
  auto opened = Store::Open(dir.path(), Store::Mode::kReadWrite);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& store = **opened;
  PutPages(store, 0, 300);                          // mentions 1..600, two per page
  ASSERT_TRUE(store.maintenance().Compact().ok());  // all of them in table files now
  PutPages(store, 300, 310);                        // mentions 601..620, in the memtable

  // The analyst looked last at mention 600: the new ones are among 601..620.
  uint64_t table_blocks = 0;
  std::vector<uint64_t> fresh = NewFor(store, "rule1", 600, &table_blocks);
  EXPECT_EQ(fresh, Expected(1, 600, 310));
  EXPECT_EQ(fresh.size(), 6u);
  EXPECT_EQ(table_blocks, 0u) << "a file holding only mentions <= 600 was read";

  // A cursor inside the compacted mentions still gets every newer one, files and memtable.
  std::vector<uint64_t> since_500 = NewFor(store, "rule1", 500, &table_blocks);
  EXPECT_GT(table_blocks, 0u);
  EXPECT_EQ(since_500, Expected(1, 500, 310));
  EXPECT_EQ(since_500.size(), 30u);

  // Reopened (memtable replayed and flushed on close), the same answers.
  opened->reset();
  auto reopened = Store::Open(dir.path(), Store::Mode::kReadWrite);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ(NewFor(**reopened, "rule1", 600), fresh);
  EXPECT_EQ(NewFor(**reopened, "rule1", 500), since_500);
}

}  // namespace
}  // namespace kuzet::storage
