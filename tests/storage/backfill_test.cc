// Tests of the store's side of a backfill (issue #18, storage/backfill.h): scanning the documents
// of a time window newest first in bounded batches, adding mentions to stored documents (flagged
// backfilled, atomic with the progress record, idempotent, new ids for read cursors, no alert
// unless asked), and old mention records reading as not backfilled.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

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

constexpr int64_t kT0 = 1'700'000'000'000'000;  // 2023-11-14, unix microseconds
constexpr int64_t kDay = 86'400'000'000;

std::unique_ptr<Store> OpenOrDie(const std::string& dir) {
  auto store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::string Text(int i) {
  return "Article number " + std::to_string(i) + " on the Zhanaozen oil workers and their union.";
}

// Ten documents, one a day from kT0 (doc ids 1..10); document 3 already mentioned by rule zh.
void StoreTenDays(Store& store) {
  for (int i = 0; i < 10; ++i) {
    std::vector<MentionInput> mentions;
    if (i == 2) mentions.push_back(Rule("zh", Text(i), "Zhanaozen"));
    auto put = store.writer().PutPage(
        Page("https://a.kz/" + std::to_string(i), Text(i), kT0 + i * kDay, mentions));
    ASSERT_TRUE(put.ok()) << put.status().message();
    ASSERT_EQ(put->doc_id, static_cast<uint64_t>(i + 1));
  }
}

// What a backfill of rule `rule` finds in `doc`: one hit on "union".
DocumentMentions Found(const Document& doc, const std::string& rule) {
  return DocumentMentions{doc.id, doc.content_hash, {Rule(rule, doc.text, "union")}};
}

TEST(BackfillTest, DocumentsSinceFindsTheWindowByFirstSeenTime) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store);
  auto empty = store->reader().DocumentsSince(kT0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->first, empty->end);
  StoreTenDays(*store);
  struct Case {
    int64_t since_us;
    uint64_t first;
  } cases[] = {{kT0 - kDay, 1},      {kT0, 1},
               {kT0 + 1, 2},         {kT0 + 7 * kDay, 8},
               {kT0 + 9 * kDay, 10}, {kT0 + 30 * kDay, 11}};
  for (const Case& c : cases) {
    auto range = store->reader().DocumentsSince(c.since_us);
    ASSERT_TRUE(range.ok()) << range.status().message();
    EXPECT_EQ(range->first, c.first) << "since " << c.since_us;
    EXPECT_EQ(range->end, 11u);
  }
}

TEST(BackfillTest, ScanDocumentsPagesNewestFirstInBoundedBatches) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store);
  StoreTenDays(*store);
  for (size_t limit : {1u, 3u, 4u, 10u, 50u}) {
    std::vector<uint64_t> seen;
    uint64_t before = 11;
    int batches = 0;
    while (before != 0) {
      auto batch = store->reader().ScanDocuments(4, before, limit);
      ASSERT_TRUE(batch.ok()) << batch.status().message();
      ASSERT_LE(batch->documents.size(), limit);
      for (const Document& d : batch->documents) {
        seen.push_back(d.id);
        EXPECT_EQ(d.text, Text(static_cast<int>(d.id) - 1));
      }
      before = batch->next_before;
      ASSERT_LT(++batches, 20);
    }
    EXPECT_EQ(seen, (std::vector<uint64_t>{10, 9, 8, 7, 6, 5, 4})) << "limit " << limit;
  }
}

TEST(BackfillTest, AddMentionsFlagsThemBackfilledWithNewIdsAndNoAlert) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store);
  StoreTenDays(*store);
  auto last_before = store->reader().LastMentionId();
  ASSERT_TRUE(last_before.ok());
  ASSERT_EQ(*last_before, 1u);  // document 3's crawled mention

  auto batch = store->reader().ScanDocuments(1, 11, 10);
  ASSERT_TRUE(batch.ok());
  std::vector<DocumentMentions> found;
  for (const Document& d : batch->documents) found.push_back(Found(d, "zh"));
  RuleBackfill progress{"zh", "f1", kT0, 1, 0, 10, 10, 0, kT0, kT0 + kDay};
  AddMentionsOptions options;
  options.progress = &progress;
  auto added = store->writer().AddMentions(found, options);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(*added, 9);  // document 3 was mentioned by the crawl already
  EXPECT_EQ(progress.found, 9u);

  MentionQuery q;
  q.rule_id = "zh";
  auto mentions = store->reader().Mentions(q);
  ASSERT_TRUE(mentions.ok());
  ASSERT_EQ(mentions->size(), 10u);
  for (const Mention& m : *mentions) {
    EXPECT_EQ(m.backfilled, m.doc_id != 3) << m.doc_id;
    if (m.backfilled) {
      EXPECT_GT(m.id, *last_before);  // a read cursor sees them as new
    }
    auto doc = store->reader().GetDocument(m.doc_id);
    ASSERT_TRUE(doc.ok() && doc->has_value());
    EXPECT_EQ(m.found_at_us, (*doc)->fetched_at_us);
    EXPECT_EQ(m.url, (*doc)->url);
  }
  // Read cursors (--new, --follow) and the rule's by-id index carry the flag too.
  auto after = store->reader().MentionsAfter(*last_before, q);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->mentions.size(), 9u);
  for (const Mention& m : after->mentions) EXPECT_TRUE(m.backfilled);
  // No alert: the outbox holds only the crawled mention's entry.
  auto pending = store->outbox().Pending(100);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  // The progress record, written in the same batch.
  auto stored = store->reader().GetRuleBackfill("zh");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(**stored, progress);
  auto none = store->reader().GetRuleBackfill("z");  // a prefix of "zh" is another rule
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(BackfillTest, AddMentionsTwiceAddsNothingTheSecondTime) {
  TempDir dir;
  FamilyDump first_run;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store);
    StoreTenDays(*store);
    auto batch = store->reader().ScanDocuments(1, 11, 10);
    ASSERT_TRUE(batch.ok());
    std::vector<DocumentMentions> found;
    for (const Document& d : batch->documents) found.push_back(Found(d, "union"));
    auto added = store->writer().AddMentions(found, {});
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(*added, 10);
  }
  first_run = DumpFamilies(dir.db_path());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store);
    auto batch = store->reader().ScanDocuments(1, 11, 10);
    ASSERT_TRUE(batch.ok());
    std::vector<DocumentMentions> found;
    for (const Document& d : batch->documents) found.push_back(Found(d, "union"));
    auto added = store->writer().AddMentions(found, {});
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(*added, 0);
  }
  FamilyDump second_run = DumpFamilies(dir.db_path());
  EXPECT_EQ(first_run, second_run);
}

TEST(BackfillTest, AddMentionsAlertsWhenAskedAndSkipsChangedTexts) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store);
  StoreTenDays(*store);
  auto doc1 = store->reader().GetDocument(1);
  auto doc2 = store->reader().GetDocument(2);
  ASSERT_TRUE(doc1.ok() && doc1->has_value() && doc2.ok() && doc2->has_value());
  DocumentMentions stale = Found(**doc2, "union");
  // Document 2's text changes after it was matched: what was found in the old text is dropped.
  ASSERT_TRUE(store->writer()
                  .PutPage(Page("https://a.kz/1", "A new text about something else entirely.",
                                kT0 + 20 * kDay))
                  .ok());
  AddMentionsOptions options;
  options.alert = true;
  std::vector<DocumentMentions> found = {Found(**doc1, "union"), stale,
                                         DocumentMentions{999, "", {Rule("union", "x", "x")}}};
  auto added = store->writer().AddMentions(found, options);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(*added, 1);
  auto pending = store->outbox().Pending(100);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 2u);  // document 3's crawled mention and document 1's backfilled one
}

TEST(BackfillTest, AddMentionsRefusesBadRuleIdsAndReadOnlyStores) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store);
  StoreTenDays(*store);
  auto doc = store->reader().GetDocument(1);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  DocumentMentions bad = Found(**doc, std::string("a\0b", 3));
  auto refused = store->writer().AddMentions({&bad, 1}, {});
  EXPECT_FALSE(refused.ok());
  auto last = store->reader().LastMentionId();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 1u);
  store.reset();
  auto read_only = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_TRUE(read_only.ok());
  EXPECT_EQ((*read_only)->writer().PutRuleBackfill(RuleBackfill{"zh"}).code(),
            Status::Code::kInvalidArgument);
}

TEST(BackfillTest, MentionRecordsWithoutTheFlagReadAsNotBackfilled) {
  Mention m;
  m.id = 7;
  m.doc_id = 3;
  m.rule_id = "zh";
  m.story_id = 3;
  const std::string crawled = EncodeMention(m);
  m.backfilled = true;
  const std::string backfilled = EncodeMention(m);
  // The crawl's records are byte for byte what they were before the flag existed.
  EXPECT_EQ(backfilled.substr(0, crawled.size()), crawled);
  EXPECT_EQ(backfilled.size(), crawled.size() + 1);
  Mention read;
  ASSERT_TRUE(DecodeMention(crawled, read));
  EXPECT_FALSE(read.backfilled);
  ASSERT_TRUE(DecodeMention(backfilled, read));
  EXPECT_TRUE(read.backfilled);
  // Bytes a later format appends after the flags are ignored.
  ASSERT_TRUE(DecodeMention(backfilled + "\x05", read));
  EXPECT_TRUE(read.backfilled);

  RuleBackfill b{"zh", "abc", -5, 1, 9, 8, 3, 2, kT0, 0};
  RuleBackfill back;
  ASSERT_TRUE(DecodeRuleBackfill(EncodeRuleBackfill(b), back));
  back.rule_id = "zh";
  EXPECT_EQ(back, b);
  const std::string record = EncodeRuleBackfill(b);
  EXPECT_FALSE(DecodeRuleBackfill(record.substr(0, record.size() - 1), back));
}

}  // namespace
}  // namespace kuzet::storage
