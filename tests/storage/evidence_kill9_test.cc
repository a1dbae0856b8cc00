// kill -9 between the evidence archive's sync and the store's commit (issue #20, FORMAT.md
// *Invariants* 9): the archive is written and fsynced first, so a crash there leaves whole WARC
// records that no capture names, never a capture naming records that are not on disk. A child
// process stores a page whose archive sync (the real EvidenceArchive's) kills the process with
// SIGKILL right after the archive's Sync returned, before PutPage writes its batch.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "storage/store.h"
#include "storage/warc/evidence_archive.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/warc/warc_test_util.h"

namespace kuzet::storage {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

PageInput StrikePage() {
  return testing::Page("https://steppe.kz/news/1", testing::kStrikeArticle, 1'323'907'200'000'000,
                       {testing::Rule("strike", testing::kStrikeArticle, "strike")});
}

// The archive's sync, then SIGKILL when `kill`.
class SyncThenKill final : public EvidenceSync {
 public:
  SyncThenKill(EvidenceSync& archive, bool kill) : archive_(archive), kill_(kill) {}
  Status Sync() override {
    Status s = archive_.Sync();
    if (kill_) kill(getpid(), SIGKILL);
    return s;
  }

 private:
  EvidenceSync& archive_;
  bool kill_;
};

// Stores StrikePage with its evidence; with `kill_after_archive`, dies by SIGKILL between the
// archive's sync and the batch. Returns the PutPage status (only without the kill).
Status StoreWithEvidence(const std::string& dir, bool kill_after_archive) {
  auto store = Store::Open(dir);
  if (!store.ok()) return store.status();
  auto archive = warc::EvidenceArchive::Open({fs::path(dir) / "evidence"});
  if (!archive.ok()) return archive.status();
  PageInput page = StrikePage();
  page.archive = [&](const EvidenceContext& context) -> Result<EvidenceCapture> {
    return (*archive)->Archive(warc::testing::GzipExchange(), context);
  };
  SyncThenKill sync(**archive, kill_after_archive);
  page.archive_sync = &sync;
  auto put = (*store)->writer().PutPage(page);
  return put.status();
}

// In the child process, this runs before main and never returns. Argument: the data dir.
const bool kIsChild = [] {
  if (auto dir = testing::ChildRole("evidence-kill9")) {
    Status s = StoreWithEvidence(*dir, /*kill_after_archive=*/true);
    _exit(s.ok() ? 3 : 4);  // not reached: the callback kills the process
  }
  return false;
}();

// The records of every .warc.gz file in `dir`, each file verified whole.
Result<uint64_t> VerifiedRecords(const fs::path& dir) {
  uint64_t records = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto n = warc::VerifyWarcFile(entry.path());
    if (!n.ok()) return n.status();
    records += *n;
  }
  return records;
}

TEST(EvidenceKill9Test, KillBetweenArchiveAndCommitLeavesOnlyUnreferencedWholeRecords) {
  TempDir dir;
  pid_t child = testing::SpawnChild("evidence-kill9", dir.path());
  ASSERT_GE(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child should have been killed in the archive sync, status " << status;

  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto url = (*store)->reader().GetUrl(StrikePage().url);
    ASSERT_TRUE(url.ok());
    EXPECT_FALSE(url->has_value()) << "the page's batch was never written";
    auto last = (*store)->reader().LastMentionId();
    ASSERT_TRUE(last.ok());
    EXPECT_EQ(*last, 0u);
  }
  // The archive's records survived whole: warcinfo, request, response, metadata.
  auto records = VerifiedRecords(fs::path(dir.path()) / "evidence");
  ASSERT_TRUE(records.ok()) << records.status().message();
  EXPECT_EQ(*records, 4u);

  // The crawl after the crash stores the page again, with evidence of its own.
  ASSERT_TRUE(StoreWithEvidence(dir.path(), /*kill_after_archive=*/false).ok());
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  auto url = (*store)->reader().GetUrl(StrikePage().url);
  ASSERT_TRUE(url.ok() && url->has_value());
  auto captures = (*store)->reader().Evidence((*url)->doc_id);
  ASSERT_TRUE(captures.ok()) << captures.status().message();
  ASSERT_EQ(captures->size(), 1u);
  ASSERT_EQ((*captures)[0].records.size(), 3u);
  for (const EvidenceLocation& location : (*captures)[0].records) {
    auto record =
        warc::ReadWarcRecordAt(fs::path(dir.path()) / "evidence" / location.file, location.offset);
    ASSERT_TRUE(record.ok()) << record.status().message();
    EXPECT_EQ(record->length, location.length);
    EXPECT_TRUE(warc::VerifyWarcRecord(record->record, location.file).ok());
  }
  records = VerifiedRecords(fs::path(dir.path()) / "evidence");
  ASSERT_TRUE(records.ok()) << records.status().message();
  EXPECT_EQ(*records, 8u) << "the unreferenced records stay, harmless";
}

}  // namespace
}  // namespace kuzet::storage
