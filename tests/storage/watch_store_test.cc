// The edit watch's records in the store (storage/watch.h, FORMAT.md `watch` and `versions`): a
// document's first mention starts its watch in the same batch, PutVersion moves the re-fetch
// queue and numbers the versions, a repeated re-fetch writes nothing, and the readers are bounded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/records.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::kCourtArticle;
using testing::kStrikeArticle;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kHour = 3'600'000'000;

PageInput WatchedStrike(int64_t due_us) { return testing::WatchedStrike(kT0, due_us); }

TEST(WatchStoreTest, TheFirstMentionStoresVersionZeroAndQueuesTheFirstRefetch) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto put = (*store)->writer().PutPage(WatchedStrike(kT0 + kHour));
  ASSERT_TRUE(put.ok()) << put.status().message();
  ASSERT_EQ(put->new_mentions, 2);

  auto versions = (*store)->reader().Versions(put->doc_id, 10);
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  ASSERT_EQ(versions->size(), 1u);
  const StoredVersion& v0 = versions->front();
  EXPECT_EQ(v0.number, 0u);
  EXPECT_EQ(v0.version.kinds, std::vector<std::string>{"original"});
  EXPECT_EQ(v0.version.fetched_at_us, kT0);
  EXPECT_EQ(v0.version.http_status, 200);
  EXPECT_TRUE(v0.version.has_text);
  EXPECT_EQ(v0.version.text, kStrikeArticle);
  auto url = (*store)->reader().GetUrl("https://a.kz/strike");
  ASSERT_TRUE(url.ok() && url->has_value());
  EXPECT_EQ(v0.version.digest, (*url)->content_hash);
  EXPECT_EQ(v0.version.names,
            (std::vector<VersionName>{{"strike", "strike"}, {"zhanaozen", "Zhanaozen"}}));

  auto not_yet = (*store)->reader().DueWatches(kT0 + kHour - 1, 100);
  ASSERT_TRUE(not_yet.ok());
  EXPECT_TRUE(not_yet->empty());
  auto due = (*store)->reader().DueWatches(kT0 + kHour, 100);
  ASSERT_TRUE(due.ok()) << due.status().message();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().doc_id, put->doc_id);
  EXPECT_EQ(due->front().due_us, kT0 + kHour);
  EXPECT_EQ(due->front().entry,
            (WatchEntry{"https://a.kz/strike", "site", 0, 42, /*watched_since_us=*/kT0}));
}

TEST(WatchStoreTest, OnlyAFirstMentionWithAWatchStartsOne) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  // No watch asked (the [watch] table is off), and no mention: nothing is watched.
  PageInput unwatched = WatchedStrike(kT0 + kHour);
  unwatched.watch.reset();
  PageInput no_mention = Page("https://a.kz/court", kCourtArticle, kT0);
  no_mention.watch = WatchStart{kT0 + kHour, 42};
  for (const PageInput& page : {unwatched, no_mention}) {
    auto put = (*store)->writer().PutPage(page);
    ASSERT_TRUE(put.ok()) << put.status().message();
    auto versions = (*store)->reader().Versions(put->doc_id, 10);
    ASSERT_TRUE(versions.ok());
    EXPECT_TRUE(versions->empty()) << page.url;
  }
  auto due = (*store)->reader().DueWatches(INT64_MAX, 100);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());

  // A later mention of a watched document (a new rule) leaves its watch as it was.
  TempDir dir2;
  auto store2 = Store::Open(dir2.path());
  ASSERT_TRUE(store2.ok());
  PageInput first = WatchedStrike(kT0 + kHour);
  first.mentions.pop_back();
  ASSERT_TRUE((*store2)->writer().PutPage(first).ok());
  PageInput edited = WatchedStrike(kT0 + 5 * kHour);
  edited.text = "Updated. " + kStrikeArticle;
  edited.fetched_at_us = kT0 + kHour / 2;
  auto second = (*store2)->writer().PutPage(edited);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->new_mentions, 1);
  auto queued = (*store2)->reader().DueWatches(INT64_MAX, 100);
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ(queued->front().due_us, kT0 + kHour);
  auto versions = (*store2)->reader().Versions(second->doc_id, 10);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 1u);
}

VersionInput Refetch(uint64_t doc_id, int64_t due_us, std::optional<int64_t> next_due_us,
                     uint32_t next_step) {
  return testing::GoneRefetch(doc_id, kT0, due_us, next_due_us, next_step);
}

TEST(WatchStoreTest, PutVersionNumbersTheVersionAndMovesTheQueueOnce) {
  TempDir dir;
  uint64_t doc_id = 0;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto put = (*store)->writer().PutPage(WatchedStrike(kT0 + kHour));
    ASSERT_TRUE(put.ok());
    doc_id = put->doc_id;
    const VersionInput first = Refetch(doc_id, kT0 + kHour, kT0 + 6 * kHour, 1);
    auto stored = (*store)->writer().PutVersion(first);
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    EXPECT_TRUE(stored->stored);
    EXPECT_EQ(stored->number, 1u);
    // The same fetch again (the daemon was killed after PutVersion and fetched it once more):
    // its queue entry is gone, so nothing is written.
    auto again = (*store)->writer().PutVersion(first);
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_FALSE(again->stored);
  }
  // Reopened: everything was durable.
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto due = (*store)->reader().DueWatches(INT64_MAX, 100);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().due_us, kT0 + 6 * kHour);
  EXPECT_EQ(due->front().entry.step, 1u);

  // The last step: no next entry, the watch is over.
  auto last = (*store)->writer().PutVersion(Refetch(doc_id, kT0 + 6 * kHour, std::nullopt, 0));
  ASSERT_TRUE(last.ok()) << last.status().message();
  EXPECT_EQ(last->number, 2u);
  due = (*store)->reader().DueWatches(INT64_MAX, 100);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
  auto queued = (*store)->reader().QueuedWatch(doc_id);
  ASSERT_TRUE(queued.ok());
  EXPECT_FALSE(queued->has_value());

  auto versions = (*store)->reader().Versions(doc_id, 10);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[1].version, *Refetch(doc_id, kT0 + kHour, {}, 0).version);
  EXPECT_EQ((*versions)[2].version.fetched_at_us, kT0 + 6 * kHour + 5);
  // Paging: from a number on, at most `limit`.
  auto page = (*store)->reader().Versions(doc_id, 1, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().number, 1u);
}

TEST(WatchStoreTest, AFetchThatStoresNoVersionStillMovesTheQueue) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  auto put = (*store)->writer().PutPage(WatchedStrike(kT0 + kHour));
  ASSERT_TRUE(put.ok());
  VersionInput unchanged = Refetch(put->doc_id, kT0 + kHour, kT0 + 2 * kHour, 1);
  unchanged.version.reset();
  auto stored = (*store)->writer().PutVersion(unchanged);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_TRUE(stored->stored);
  auto versions = (*store)->reader().Versions(put->doc_id, 10);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 1u);
  auto queued = (*store)->reader().QueuedWatch(put->doc_id);
  ASSERT_TRUE(queued.ok() && queued->has_value());
  EXPECT_EQ((*queued)->due_us, kT0 + 2 * kHour);
}

TEST(WatchStoreTest, DueWatchesListsTheEarliestFirstAndIsBounded) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  // Five documents, queued in an order unlike their due times.
  const int64_t dues[] = {kT0 + 3 * kHour, kT0 + kHour, kT0 + 5 * kHour, kT0 + 2 * kHour,
                          kT0 + 4 * kHour};
  for (int i = 0; i < 5; ++i) {
    const std::string text = kCourtArticle + " Zhanaozen item " + std::to_string(i) + ".";
    PageInput page = Page("https://a.kz/" + std::to_string(i), text, kT0 + i,
                          {Rule("zhanaozen", text, "Zhanaozen")});
    page.watch = WatchStart{dues[i], 1};
    ASSERT_TRUE((*store)->writer().PutPage(page).ok());
  }
  auto two = (*store)->reader().DueWatches(INT64_MAX, 2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].due_us, kT0 + kHour);
  EXPECT_EQ((*two)[1].due_us, kT0 + 2 * kHour);
  auto by_three = (*store)->reader().DueWatches(kT0 + 3 * kHour, 100);
  ASSERT_TRUE(by_three.ok());
  EXPECT_EQ(by_three->size(), 3u);
  auto capped = (*store)->reader().DueWatches(INT64_MAX, SIZE_MAX);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->size(), 5u);
}

TEST(WatchStoreTest, RecordsRoundTripAndRefuseDamage) {
  VersionRecord v;
  v.fetched_at_us = -5;
  v.http_status = 301;
  v.final_url = "https://a.kz/";
  v.digest = std::string(64, 'a');
  v.kinds = {"moved", "text_edited", "name_removed"};
  v.paragraphs_removed = {1, 7};
  v.paragraphs_added = {2};
  v.paragraphs_modified = {{3, 4}};
  v.names = {{"r", "Roza"}};
  v.names_removed = {{"r", "Tuletayeva"}};
  v.names_added = {{"r2", "police"}};
  v.text_doc_id = 9;
  v.has_text = true;
  v.title = "T";
  v.text = "body";
  v.evidence_fetched_at_us = 77;
  const std::string encoded = EncodeVersionRecord(v);
  VersionRecord back;
  ASSERT_TRUE(DecodeVersionRecord(encoded, back));
  EXPECT_EQ(back, v);
  // Every truncation is refused, never read past.
  for (size_t n = 0; n < encoded.size(); ++n) {
    VersionRecord cut;
    EXPECT_FALSE(DecodeVersionRecord(encoded.substr(0, n), cut)) << n;
  }
  // A count larger than the record could hold is refused before anything is allocated.
  const std::string bomb = std::string("\x01\x00\x00\x00\x00", 5) + "\xff\xff\xff\xff\x0f";
  VersionRecord refused;
  EXPECT_FALSE(DecodeVersionRecord(bomb, refused));

  const WatchEntry entry{"https://a.kz/x", "a", 3, 0xfeedface, kT0};
  const std::string e = EncodeWatchEntry(entry);
  WatchEntry entry_back;
  ASSERT_TRUE(DecodeWatchEntry(e, entry_back));
  EXPECT_EQ(entry_back, entry);
  for (size_t n = 0; n < e.size(); ++n) {
    WatchEntry cut;
    EXPECT_FALSE(DecodeWatchEntry(e.substr(0, n), cut)) << n;
  }
  // The queue's keys sort by due time, then document.
  EXPECT_LT(WatchQueueKey(-1, 9), WatchQueueKey(0, 1));
  EXPECT_LT(WatchQueueKey(5, 1), WatchQueueKey(5, 2));
  EXPECT_LT(VersionKey(1, UINT32_MAX), VersionKey(2, 0));
}

}  // namespace
}  // namespace kuzet::storage

namespace kuzet::storage {
namespace {

// `kuzet history` opens the store read-only beside the daemon: the end of a watch (a batch that
// only deletes the queue entry) must leave every document readable there.
TEST(WatchStoreTest, AReaderBesideTheWriterReadsTheDocumentAfterTheWatchEnds) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto put = (*store)->writer().PutPage(WatchedStrike(kT0 + kHour));
  ASSERT_TRUE(put.ok());
  VersionInput end;
  end.doc_id = put->doc_id;
  end.due_us = kT0 + kHour;
  ASSERT_TRUE((*store)->writer().PutVersion(end).ok());
  ASSERT_TRUE(
      (*store)->writer().RecordFetch("https://a.kz/strike", 404, kT0 + 2 * kHour, "", "").ok());
  auto reader = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto doc = (*reader)->reader().GetDocument(put->doc_id);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_TRUE(doc->has_value());
  auto versions = (*reader)->reader().Versions(put->doc_id, 10);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 1u);
}

}  // namespace
}  // namespace kuzet::storage

namespace kuzet::storage {
namespace {

// Records every archive call and sync: what PutVersion hands the evidence archive.
class RecordingSync : public EvidenceSync {
 public:
  Status Sync() override {
    ++syncs;
    return Status::Ok();
  }
  int syncs = 0;
};

TEST(WatchStoreTest, AVersionsEvidenceIsArchivedDurablyAndStoredInItsBatch) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto put = (*store)->writer().PutPage(WatchedStrike(kT0 + kHour));
  ASSERT_TRUE(put.ok());
  RecordingSync sync;
  EvidenceContext seen;
  VersionInput gone = Refetch(put->doc_id, kT0 + kHour, kT0 + 6 * kHour, 1);
  gone.archive = [&](const EvidenceContext& context) -> Result<EvidenceCapture> {
    seen = context;
    EvidenceCapture capture;
    capture.fetched_at_us = kT0 + kHour + 5;
    capture.payload_digest = "sha1:GONE";
    capture.records = {{"kuzet-1.warc.gz", 10, 20}};
    return capture;
  };
  gone.archive_sync = &sync;
  auto stored = (*store)->writer().PutVersion(gone);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(sync.syncs, 1);  // durable before the batch that names it
  EXPECT_EQ(seen.doc_id, put->doc_id);
  EXPECT_EQ(seen.mention_ids.size(), 2u);  // the document's two mentions
  auto versions = (*store)->reader().Versions(put->doc_id, 10);
  ASSERT_TRUE(versions.ok() && versions->size() == 2u);
  EXPECT_EQ((*versions)[1].version.evidence_fetched_at_us, kT0 + kHour + 5);
  auto captures = (*store)->reader().Evidence(put->doc_id);
  ASSERT_TRUE(captures.ok());
  ASSERT_EQ(captures->size(), 1u);
  EXPECT_EQ(captures->front().url, "https://a.kz/strike");
  EXPECT_EQ(captures->front().payload_digest, "sha1:GONE");

  // An archive that fails stores nothing: the queue entry stays due.
  VersionInput failing = Refetch(put->doc_id, kT0 + 6 * kHour, std::nullopt, 0);
  failing.archive = [](const EvidenceContext&) -> Result<EvidenceCapture> {
    return Status::IOError("disk gone");
  };
  failing.archive_sync = &sync;
  EXPECT_FALSE((*store)->writer().PutVersion(failing).ok());
  auto queued = (*store)->reader().QueuedWatch(put->doc_id);
  ASSERT_TRUE(queued.ok() && queued->has_value());
  EXPECT_EQ((*queued)->due_us, kT0 + 6 * kHour);
}

}  // namespace
}  // namespace kuzet::storage
