// The store's side of the evidence archive (storage/evidence.h, FORMAT.md `evidence`): PutPage
// hands a page with mentions to its archive callback with the document, the mention ids and the
// previous capture of its URL, and stores the capture in the page's own batch.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "storage/evidence.h"
#include "storage/records.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::Page;
using testing::Rule;
using testing::TempDir;

// A callback standing in for the archive: records what it was told and returns a capture; and
// its sync, counting the syncs and the archive calls each one came after.
struct FakeArchive final : EvidenceSync {
  std::vector<EvidenceContext> calls;
  std::vector<std::optional<EvidenceCapture>> previous;  // copies of *context.previous
  Status fail = Status::Ok();
  std::vector<size_t> synced_after_calls;  // calls.size() at each Sync
  Status sync_fail = Status::Ok();

  Status Sync() override {
    synced_after_calls.push_back(calls.size());
    return sync_fail;
  }

  void Attach(PageInput& page) {
    page.archive = For(page);
    page.archive_sync = this;
  }

  std::function<Result<EvidenceCapture>(const EvidenceContext&)> For(const PageInput& page) {
    return [this, url = page.url,
            at = page.fetched_at_us](const EvidenceContext& context) -> Result<EvidenceCapture> {
      calls.push_back(context);
      previous.push_back(context.previous != nullptr ? std::optional(*context.previous)
                                                     : std::nullopt);
      if (!fail.ok()) return fail;
      EvidenceCapture capture;
      capture.fetched_at_us = at;
      capture.revisit = context.previous != nullptr;
      // A revisit's payload is the earlier capture's, as EvidenceArchive records it.
      capture.payload_record_id = context.previous != nullptr
                                      ? context.previous->payload_record_id
                                      : "<urn:uuid:" + std::to_string(calls.size()) + ">";
      capture.payload_uri = url;
      capture.payload_micros = at;
      capture.payload_digest = "sha1:AAAA";
      capture.records = {{"kuzet-1.warc.gz", 100 * calls.size(), 10},
                         {"kuzet-1.warc.gz", 100 * calls.size() + 10, 20}};
      return capture;
    };
  }
};

TEST(EvidenceStoreTest, PageWithMentionsIsArchivedWithItsDocumentAndMentions) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  FakeArchive archive;
  PageInput page = Page("https://a.kz/1", testing::kStrikeArticle, 1000,
                        {Rule("strike", testing::kStrikeArticle, "strike"),
                         Rule("police", testing::kStrikeArticle, "police")});
  archive.Attach(page);
  auto put = (*store)->writer().PutPage(page);
  ASSERT_TRUE(put.ok()) << put.status().message();
  ASSERT_EQ(archive.calls.size(), 1u);
  EXPECT_EQ(archive.calls[0].doc_id, put->doc_id);
  EXPECT_EQ(archive.calls[0].mention_ids, (std::vector<uint64_t>{1, 2}));
  EXPECT_FALSE(archive.previous[0].has_value());

  auto captures = (*store)->reader().Evidence(put->doc_id);
  ASSERT_TRUE(captures.ok()) << captures.status().message();
  ASSERT_EQ(captures->size(), 1u);
  EXPECT_EQ((*captures)[0].url, "https://a.kz/1");
  EXPECT_EQ((*captures)[0].records.size(), 2u);

  // Fetched again, unchanged: no new mention, but the archive is told the earlier capture and
  // the mentions found before.
  PageInput again = page;
  again.fetched_at_us = 2000;
  archive.Attach(again);
  auto second = (*store)->writer().PutPage(again);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_TRUE(second->unchanged);
  ASSERT_EQ(archive.calls.size(), 2u);
  EXPECT_EQ(archive.calls[1].mention_ids, (std::vector<uint64_t>{1, 2}));
  ASSERT_TRUE(archive.previous[1].has_value());
  EXPECT_EQ(*archive.previous[1], (*captures)[0]);
  captures = (*store)->reader().Evidence(put->doc_id);
  ASSERT_TRUE(captures.ok());
  ASSERT_EQ(captures->size(), 2u);
  EXPECT_EQ((*captures)[1].fetched_at_us, 2000);
  EXPECT_TRUE((*captures)[1].revisit);
}

TEST(EvidenceStoreTest, RetentionKeepsThePayloadAKeptRevisitRefersTo) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  FakeArchive archive;
  PageInput page = Page("https://a.kz/5", testing::kStrikeArticle, 1000,
                        {Rule("strike", testing::kStrikeArticle, "strike")});
  archive.Attach(page);
  auto put = (*store)->writer().PutPage(page);
  ASSERT_TRUE(put.ok()) << put.status().message();
  PageInput again = page;
  again.fetched_at_us = 2000;
  archive.Attach(again);
  ASSERT_TRUE((*store)->writer().PutPage(again).ok());

  // The response (1000) is older than the cutoff, but the revisit (2000) needs its payload.
  auto kept = (*store)->maintenance().DropEvidenceOlderThan(1500);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  EXPECT_EQ(kept->captures_examined, 2u);
  EXPECT_EQ(kept->captures_dropped, 0u);
  EXPECT_EQ(kept->files_in_use, (std::set<std::string>{"kuzet-1.warc.gz"}));
  auto dropped = (*store)->maintenance().DropEvidenceOlderThan(3000);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->captures_dropped, 2u);
  EXPECT_TRUE(dropped->files_in_use.empty());
  auto captures = (*store)->reader().Evidence(put->doc_id);
  ASSERT_TRUE(captures.ok());
  EXPECT_TRUE(captures->empty());
}

TEST(EvidenceStoreTest, PageWithoutMentionsIsNotArchived) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  FakeArchive archive;
  PageInput page = Page("https://a.kz/2", testing::kCourtArticle, 1000);
  archive.Attach(page);
  auto put = (*store)->writer().PutPage(page);
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_TRUE(archive.calls.empty());
  auto captures = (*store)->reader().Evidence(put->doc_id);
  ASSERT_TRUE(captures.ok());
  EXPECT_TRUE(captures->empty());
}

TEST(EvidenceStoreTest, ArchiveFailureStoresNothingOfTheGroup) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  FakeArchive archive;
  archive.fail = Status::IOError("evidence disk full");
  std::vector<PageInput> group = {Page("https://a.kz/3", testing::kCourtArticle, 1000),
                                  Page("https://a.kz/4", testing::kStrikeArticle, 1000,
                                       {Rule("strike", testing::kStrikeArticle, "strike")})};
  archive.Attach(group[1]);
  auto put = (*store)->writer().PutPages(group);
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("cannot archive the evidence of https://a.kz/4"),
            std::string::npos)
      << put.status().message();
  EXPECT_NE(put.status().message().find("evidence disk full"), std::string::npos);
  EXPECT_TRUE((*store)->Fault().ok()) << "the page's own failure, not a store fault";
  for (const char* url : {"https://a.kz/3", "https://a.kz/4"}) {
    auto state = (*store)->reader().GetUrl(url);
    ASSERT_TRUE(state.ok());
    EXPECT_FALSE(state->has_value()) << url;
  }
  auto last = (*store)->reader().LastMentionId();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 0u);
  // The next group writes with the failed group's batch, given back cleared (one batch serves
  // group after group, store_db.h): nothing of the failed group comes with it.
  auto next = (*store)->writer().PutPage(Page("https://a.kz/5", testing::kCourtArticle, 2000));
  ASSERT_TRUE(next.ok()) << next.status().message();
  for (const char* url : {"https://a.kz/3", "https://a.kz/4", "https://a.kz/5"}) {
    auto state = (*store)->reader().GetUrl(url);
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->has_value(), std::string_view(url) == "https://a.kz/5") << url;
  }
}

// A group of pages with mentions from kStrikeArticle, each at its own URL under `prefix`.
std::vector<PageInput> StrikeGroup(const std::string& prefix, size_t n, FakeArchive& archive) {
  std::vector<PageInput> group;
  for (size_t i = 0; i < n; ++i) {
    group.push_back(Page(prefix + std::to_string(i), testing::kStrikeArticle,
                         1000 + static_cast<int64_t>(i),
                         {Rule("strike", testing::kStrikeArticle, "strike")}));
  }
  for (PageInput& page : group) archive.Attach(page);
  return group;
}

// Issue #20: the archive is made durable once per group, after every page of it was archived
// and before the batch: N pages with mentions, one sync (it was N fsyncs, one per page).
TEST(EvidenceStoreTest, GroupOfPagesWithMentionsSyncsTheArchiveOnceBeforeTheBatch) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  for (size_t n : {size_t{1}, size_t{7}}) {
    FakeArchive archive;
    std::vector<PageInput> group =
        StrikeGroup(std::string("https://a.kz/") + char('a' + n) + "/", n, archive);
    auto put = (*store)->writer().PutPages(group);
    ASSERT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(archive.calls.size(), n);
    EXPECT_EQ(archive.synced_after_calls, (std::vector<size_t>{n})) << n << " pages";
  }
  // A group whose pages have no mentions archives nothing and syncs nothing.
  FakeArchive idle;
  PageInput plain = Page("https://a.kz/plain", testing::kCourtArticle, 1000);
  idle.Attach(plain);
  ASSERT_TRUE((*store)->writer().PutPage(plain).ok());
  EXPECT_TRUE(idle.synced_after_calls.empty());
}

TEST(EvidenceStoreTest, FailedArchiveSyncStoresNothingOfTheGroup) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  FakeArchive archive;
  archive.sync_fail = Status::IOError("fsync: Input/output error");
  std::vector<PageInput> group = StrikeGroup("https://a.kz/group/", 3, archive);
  group.insert(group.begin(), Page("https://a.kz/plain", testing::kCourtArticle, 1000));
  auto put = (*store)->writer().PutPages(group);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Status::Code::kIOError);
  EXPECT_NE(put.status().message().find("Input/output error"), std::string::npos)
      << put.status().message();
  EXPECT_TRUE((*store)->Fault().ok()) << "the archive's failure, not a store fault";
  for (const PageInput& page : group) {
    auto state = (*store)->reader().GetUrl(page.url);
    ASSERT_TRUE(state.ok());
    EXPECT_FALSE(state->has_value()) << page.url;
  }
  auto last = (*store)->reader().LastMentionId();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 0u);
}

TEST(EvidenceStoreTest, ArchiveWithoutItsSyncIsRefused) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  FakeArchive archive;
  PageInput page = Page("https://a.kz/1", testing::kStrikeArticle, 1000,
                        {Rule("strike", testing::kStrikeArticle, "strike")});
  page.archive = archive.For(page);  // no archive_sync: its captures could name lost records
  auto put = (*store)->writer().PutPage(page);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(archive.calls.empty());
}

TEST(EvidenceStoreTest, CaptureRecordRoundTripsAndRefusesDamage) {
  EvidenceCapture capture;
  capture.url = "https://a.kz/ж";
  capture.fetched_at_us = -5;
  capture.revisit = true;
  capture.payload_record_id = "<urn:uuid:x>";
  capture.payload_uri = "https://a.kz/old";
  capture.payload_micros = 77;
  capture.payload_digest = "sha1:ABC";
  capture.records = {{"f.warc.gz", 0, 5}, {"f.warc.gz", 5, 1u << 31}, {"g.warc.gz", 9, 1}};
  const std::string encoded = EncodeEvidenceCapture(capture);
  EvidenceCapture decoded;
  ASSERT_TRUE(DecodeEvidenceCapture(encoded, decoded));
  EXPECT_EQ(decoded, capture);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    EvidenceCapture partial;
    EXPECT_FALSE(DecodeEvidenceCapture(encoded.substr(0, cut), partial)) << cut;
  }
  std::string bad_kind = encoded;
  bad_kind[1 + 1 + capture.url.size() + 1] = 'X';  // version, url, svarint(-5) = 1 byte, kind
  EXPECT_FALSE(DecodeEvidenceCapture(bad_kind, decoded));
  // Keys: one document's captures sort by fetch time, after every key of a lower document.
  EXPECT_LT(EvidenceKey(1, 5, "z"), EvidenceKey(1, 6, "a"));
  EXPECT_LT(EvidenceKey(1, 1000, "z"), EvidenceKey(2, -1000, "a"));
  EXPECT_TRUE(EvidenceKey(7, 1, "u").starts_with(EvidencePrefix(7)));
}

}  // namespace
}  // namespace kuzet::storage
