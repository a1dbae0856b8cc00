// The evidence archive's fsyncs under PutPages (issue #20), counted and failed through the
// archive's injected fsync (EvidenceArchiveOptions::fsync): a group of pages with mentions is made
// durable with one fsync, not one per page; a failed fsync stores nothing of the group and leaves
// the WARC file ending on its last durable record; a rotation inside a group syncs the file it
// leaves, so every stored capture names durable records.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

// The fsync the archive is given: counts the calls by the path of the descriptor, and fails
// with EIO while `fail` is set.
struct CountingFsync {
  std::map<std::string, int> by_path;
  int calls = 0;
  bool fail = false;

  int operator()(int fd) {
    ++calls;
    std::error_code ec;
    ++by_path[fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string()];
    if (fail) {
      errno = EIO;
      return -1;
    }
    return ::fsync(fd);
  }
};

class EvidenceFsyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }

  void OpenArchive(uint64_t max_file_bytes) {
    warc::EvidenceArchiveOptions options;
    options.directory = evidence_dir();
    options.max_file_bytes = max_file_bytes;
    options.fsync = [this](int fd) { return fsync_(fd); };
    auto archive = warc::EvidenceArchive::Open(std::move(options));
    ASSERT_TRUE(archive.ok()) << archive.status().message();
    archive_ = std::move(*archive);
  }

  // `n` pages with mentions at URLs under `prefix`, each archived with an exchange of its own.
  std::vector<PageInput> Group(const std::string& prefix, size_t n) {
    std::vector<PageInput> pages;
    for (size_t i = 0; i < n; ++i) {
      PageInput page =
          testing::Page(prefix + std::to_string(i), testing::kStrikeArticle, 1'323'907'200'000'000,
                        {testing::Rule("strike", testing::kStrikeArticle, "strike")});
      page.archive = [this, url = page.url](const EvidenceContext& context) {
        warc::FetchedExchange exchange = warc::testing::GzipExchange();
        exchange.target_uri = url;
        return archive_->Archive(exchange, context);
      };
      page.archive_sync = archive_.get();
      pages.push_back(std::move(page));
    }
    return pages;
  }

  // The records of every .warc.gz file of the archive, each file verified whole.
  uint64_t VerifiedRecords() {
    uint64_t records = 0;
    for (const auto& entry : fs::directory_iterator(evidence_dir())) {
      auto n = warc::VerifyWarcFile(entry.path());
      EXPECT_TRUE(n.ok()) << n.status().message();
      if (n.ok()) records += *n;
    }
    return records;
  }

  // Every stored capture of `pages` reads back and verifies at its recorded location.
  void ExpectCapturesReadable(const std::vector<PageInput>& pages) {
    for (const PageInput& page : pages) {
      auto url = store_->reader().GetUrl(page.url);
      ASSERT_TRUE(url.ok() && url->has_value()) << page.url;
      auto captures = store_->reader().Evidence((*url)->doc_id);
      ASSERT_TRUE(captures.ok()) << captures.status().message();
      ASSERT_FALSE(captures->empty()) << page.url;
      for (const EvidenceLocation& location : captures->back().records) {
        auto record = warc::ReadWarcRecordAt(evidence_dir() / location.file, location.offset);
        ASSERT_TRUE(record.ok()) << record.status().message();
        EXPECT_EQ(record->length, location.length);
        EXPECT_TRUE(warc::VerifyWarcRecord(record->record, location.file).ok());
      }
    }
  }

  fs::path evidence_dir() const { return fs::path(dir_.path()) / "evidence"; }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  CountingFsync fsync_;
  std::unique_ptr<warc::EvidenceArchive> archive_;
};

TEST_F(EvidenceFsyncTest, GroupOfPagesWithMentionsIsMadeDurableWithOneFsync) {
  OpenArchive(uint64_t{1} << 30);
  constexpr size_t kPages = 8;
  const std::vector<PageInput> first = Group("https://steppe.kz/a/", kPages);
  ASSERT_TRUE(store_->writer().PutPages(first).ok());
  // The new file's warcinfo and its directory entry, then the group's records.
  EXPECT_EQ(fsync_.calls, 3) << "one per page was " << 2 + kPages;

  fsync_.calls = 0;
  const std::vector<PageInput> second = Group("https://steppe.kz/b/", kPages);
  ASSERT_TRUE(store_->writer().PutPages(second).ok());
  EXPECT_EQ(fsync_.calls, 1) << "one per page was " << kPages;

  ExpectCapturesReadable(first);
  ExpectCapturesReadable(second);
  EXPECT_EQ(VerifiedRecords(), 1 + 2 * kPages * 3);  // warcinfo; request, response, metadata
}

TEST_F(EvidenceFsyncTest, FailedFsyncStoresNothingOfTheGroup) {
  OpenArchive(uint64_t{1} << 30);
  const std::vector<PageInput> kept = Group("https://steppe.kz/kept/", 4);
  ASSERT_TRUE(store_->writer().PutPages(kept).ok());

  fsync_.fail = true;
  const std::vector<PageInput> lost = Group("https://steppe.kz/lost/", 4);
  auto put = store_->writer().PutPages(lost);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Status::Code::kIOError);
  EXPECT_NE(put.status().message().find("cannot fsync WARC file"), std::string::npos)
      << put.status().message();
  EXPECT_TRUE(store_->Fault().ok()) << "the archive's failure, not a store fault";
  EXPECT_FALSE(archive_->Health().ok()) << "the archive is refused until rechecked";
  for (const PageInput& page : lost) {
    auto state = store_->reader().GetUrl(page.url);
    ASSERT_TRUE(state.ok());
    EXPECT_FALSE(state->has_value()) << page.url;
  }
  // The file is cut back to the last group made durable: it ends on a whole record.
  fsync_.fail = false;
  EXPECT_EQ(VerifiedRecords(), 1 + 4 * 3);
  ExpectCapturesReadable(kept);
}

TEST_F(EvidenceFsyncTest, RotationInsideAGroupSyncsTheFileItLeaves) {
  OpenArchive(/*max_file_bytes=*/1);  // every capture after a file's first starts a new file
  const std::vector<PageInput> pages = Group("https://steppe.kz/r/", 3);
  ASSERT_TRUE(store_->writer().PutPages(pages).ok());
  ExpectCapturesReadable(pages);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(evidence_dir())) {
    ++files;
    // Its warcinfo when it was started, and its capture: at the rotation, or by the group's Sync.
    EXPECT_EQ(fsync_.by_path[fs::canonical(entry.path()).string()], 2) << entry.path();
  }
  EXPECT_EQ(files, 3);
}

}  // namespace
}  // namespace kuzet::storage
