// The newest index entries of every rule are in the block cache after a flush and compaction
// (storage/newest_entries_warmer.h): an analyst's "what is new for rule R" right after the
// store compacted reads no block from the table files, while older entries still come from
// disk (the warming is bounded).
#include <gtest/gtest.h>

#include <string>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::Page;
using testing::Rule;
using testing::TableBlocksOf;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int kRules = 8;
constexpr int kPages = 400;  // 3 mentions each: 150 per rule, more than the 64 warmed

std::string PageText(int i) {
  return "Report " + std::to_string(i) + " on the Zhanaozen strike, the oil workers' trial and " +
         "the union campaign, filed from Aktau with a long enough snippet to fill blocks.";
}

TEST(CacheWarmingTest, NewestEntriesOfEveryRuleAreCachedAfterCompaction) {
  TempDir dir;
  auto opened = Store::Open(dir.path(), Store::Mode::kReadWrite);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& store = **opened;
  for (int i = 0; i < kPages; ++i) {
    const std::string text = PageText(i);
    std::vector<MentionInput> mentions;
    for (int k = 0; k < 3; ++k) {
      mentions.push_back(Rule("rule" + std::to_string((i + k) % kRules), text, "Zhanaozen"));
    }
    auto put = store.writer().PutPage(Page("https://a.kz/" + std::to_string(i), text,
                                           kT0 + int64_t{i} * 1'000'000, std::move(mentions)));
    ASSERT_TRUE(put.ok()) << put.status().message();
  }
  // Flushes every memtable and rewrites every table: no block of the new files is cached yet,
  // until the warmer (run by RocksDB's background thread after the compaction) reads them.
  ASSERT_TRUE(store.maintenance().Compact().ok());
  ASSERT_TRUE(store.maintenance().WaitForBackgroundWork(10'000).ok());

  auto newest_of_every_rule = [&] {
    for (int r = 0; r < kRules; ++r) {
      MentionQuery q;
      q.rule_id = "rule" + std::to_string(r);
      q.limit = 20;
      auto after =
          store.reader().MentionsAfter(uint64_t{kPages} * 3 - 160, q);  // the last ~20 of R
      ASSERT_TRUE(after.ok());
      EXPECT_FALSE(after->mentions.empty());
    }
  };
  // One try: a query that missed the cache would itself fill it, so a retry would prove nothing.
  // RocksDB calls the warmer before it counts the compaction as finished, so
  // WaitForBackgroundWork above has waited for it.
  EXPECT_EQ(TableBlocksOf(newest_of_every_rule).read, 0u)
      << "the newest entries of some rule were not in the block cache";

  // The bound: a rule's oldest entries (beyond the 64 newest) were not warmed.
  const uint64_t old_reads = TableBlocksOf([&] {
                               MentionQuery q;
                               q.rule_id = "rule0";
                               auto all = store.reader().MentionsAfter(0, q);
                               ASSERT_TRUE(all.ok());
                               EXPECT_EQ(all->mentions.size(), 100u);  // the default limit
                             }).read;
  EXPECT_GT(old_reads, 0u);
}

}  // namespace
}  // namespace kuzet::storage
