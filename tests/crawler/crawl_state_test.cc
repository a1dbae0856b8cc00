// The crawl state's on-disk contract: what is committed is read back after a reopen, a read-only
// instance follows a running crawler, and a newer format, damaged records or a second crawling
// process are refused with an error naming the directory.
#include "crawler/crawl_state.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kuzet::crawler {
namespace {

namespace fs = std::filesystem;

class CrawlStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("kuzet-crawl-state-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<CrawlState> OpenOrDie(CrawlState::Mode mode = CrawlState::Mode::kReadWrite) {
    auto state = CrawlState::Open(dir_, mode);
    EXPECT_TRUE(state.ok()) << state.status().message();
    return state.ok() ? std::move(state).value() : nullptr;
  }

  // Writes a raw key into a family, as damage or a newer kuzet would.
  void WriteRaw(const std::string& family, const std::string& key, const std::string& value) {
    rocksdb::Options options;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir_, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names) descriptors.emplace_back(name, options);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_, descriptors, &handles, &db).ok());
    for (auto* handle : handles) {
      if (handle->GetName() == family) {
        ASSERT_TRUE(db->Put({}, handle, key, value).ok());
      }
      db->DestroyColumnFamilyHandle(handle);
    }
    delete db;
  }

  std::string dir_;
};

TEST_F(CrawlStateTest, CommittedQueueResourcesAndStatusSurviveAReopen) {
  {
    auto state = OpenOrDie();
    CrawlStateChange change;
    change.Enqueue({"kz", "https://a.kz/1", 1, PageKind::kLink, 0, 200, 0});
    change.Enqueue({"kz", "https://a.kz/2", 2, PageKind::kLink, 1, 100, 5000});
    change.Enqueue({"kz-other", "https://b.kz/1", 1, PageKind::kSitemap, 0, 300, 0});
    ResourceState feed;
    feed.kind = PageKind::kFeed;
    feed.etag = "\"abc\"";
    feed.last_modified = "Tue, 15 Nov 1994 12:45:26 GMT";
    feed.interval_s = 900;
    feed.next_due_us = 1234567;
    feed.items_hash = 0xfedcba9876543210ull;
    change.resources.push_back({{"kz", "https://a.kz/rss"}, feed});
    SiteStatus site;
    site.last_error = "HTTP 404 for https://a.kz/x";
    site.total_fetches = 7;
    change.sites.emplace_back("kz", site);
    ASSERT_TRUE(state->Commit(change).ok());
    CrawlStateChange done;
    done.Dequeue("kz", "https://a.kz/1");
    ASSERT_TRUE(state->Commit(done).ok());
  }
  auto state = OpenOrDie();
  auto queue = state->Queue("kz");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);  // "kz-other" is another site, /1 is done
  EXPECT_EQ((*queue)[0].url, "https://a.kz/2");
  EXPECT_EQ((*queue)[0].depth, 2);
  EXPECT_EQ((*queue)[0].attempts, 1);
  EXPECT_EQ((*queue)[0].not_before_us, 5000);
  EXPECT_EQ(*state->QueueSize("kz-other"), 1);
  EXPECT_EQ(*state->SitesWithQueue(), (std::vector<std::string>{"kz", "kz-other"}));
  auto feed = state->Resource("kz", "https://a.kz/rss");
  ASSERT_TRUE(feed.ok() && feed->has_value());
  EXPECT_EQ((*feed)->etag, "\"abc\"");
  EXPECT_EQ((*feed)->last_modified, "Tue, 15 Nov 1994 12:45:26 GMT");
  EXPECT_EQ((*feed)->interval_s, 900);
  EXPECT_EQ((*feed)->items_hash, 0xfedcba9876543210ull);
  EXPECT_FALSE(state->Resource("kz-other", "https://a.kz/rss")->has_value());
  auto site = state->Site("kz");
  ASSERT_TRUE(site.ok() && site->has_value());
  EXPECT_EQ((*site)->last_error, "HTTP 404 for https://a.kz/x");
  EXPECT_EQ((*site)->total_fetches, 7);
}

// Frontier edits of one Commit apply in the order they were recorded: the last edit of a URL
// decides. (Deletes used to go first, so a URL found and fetched in one batch stayed queued.)
TEST_F(CrawlStateTest, LastFrontierEditOfAUrlInOneCommitWins) {
  const QueuedUrl kA{"kz", "https://a.kz/a", 1, PageKind::kLink, 0, 100, 0};
  const QueuedUrl kB{"kz", "https://a.kz/b", 1, PageKind::kLink, 0, 200, 0};
  enum Edit { kQueueA, kDoneA, kQueueB, kDoneB };
  struct Case {
    const char* name;
    bool a_queued_before;  // committed in an earlier batch
    std::vector<Edit> edits;
    std::vector<std::string> expected_queue;
  };
  const Case kCases[] = {
      {"queued then done", false, {kQueueA, kDoneA}, {}},
      {"queued, done, queued again", false, {kQueueA, kDoneA, kQueueA}, {kA.url}},
      {"done then queued again", true, {kDoneA, kQueueA}, {kA.url}},
      {"queued before, done, then queued and done", true, {kDoneA, kQueueA, kDoneA}, {}},
      {"two URLs interleaved", false, {kQueueA, kQueueB, kDoneA}, {kB.url}},
      {"two URLs, each queued then done", false, {kQueueA, kQueueB, kDoneB, kDoneA}, {}},
      {"done of a URL never queued", false, {kDoneA, kQueueB}, {kB.url}},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(dir_);
    auto state = OpenOrDie();
    ASSERT_NE(state, nullptr);
    if (c.a_queued_before) {
      CrawlStateChange before;
      before.Enqueue(kA);
      ASSERT_TRUE(state->Commit(before).ok());
    }
    CrawlStateChange change;
    for (Edit edit : c.edits) {
      switch (edit) {
        case kQueueA:
          change.Enqueue(kA);
          break;
        case kDoneA:
          change.Dequeue(kA.site_id, kA.url);
          break;
        case kQueueB:
          change.Enqueue(kB);
          break;
        case kDoneB:
          change.Dequeue(kB.site_id, kB.url);
          break;
      }
    }
    ASSERT_TRUE(state->Commit(change).ok());
    state.reset();
    state = OpenOrDie();  // what is on disk, not a cache
    auto queue = state->Queue("kz");
    ASSERT_TRUE(queue.ok()) << queue.status().message();
    std::vector<std::string> urls;
    for (const QueuedUrl& q : *queue) urls.push_back(q.url);
    EXPECT_EQ(urls, c.expected_queue);
  }
}

TEST_F(CrawlStateTest, ReadOnlyInstanceFollowsTheCrawlingProcess) {
  auto writer = OpenOrDie();
  auto reader = OpenOrDie(CrawlState::Mode::kReadOnly);
  ASSERT_NE(reader, nullptr);
  CrawlStateChange change;
  change.Enqueue({"kz", "https://a.kz/1", 1, PageKind::kLink, 0, 1, 0});
  ASSERT_TRUE(writer->Commit(change).ok());
  ASSERT_TRUE(reader->Refresh().ok());
  EXPECT_EQ(*reader->QueueSize("kz"), 1);
  EXPECT_FALSE(reader->Commit(change).ok());
}

TEST_F(CrawlStateTest, ASecondCrawlingProcessIsRefused) {
  auto first = OpenOrDie();
  auto second = CrawlState::Open(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("another kuzet process"), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(dir_), std::string::npos);
}

TEST_F(CrawlStateTest, ReadOnlyOpenOfAMissingStateSaysToCrawlFirst) {
  auto state = CrawlState::Open(dir_, CrawlState::Mode::kReadOnly);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), Status::Code::kNotFound);
  EXPECT_NE(state.status().message().find("run a crawl first"), std::string::npos);
}

TEST_F(CrawlStateTest, NewerFormatIsRefused) {
  OpenOrDie().reset();
  WriteRaw("meta", "format_version", "2");
  auto state = CrawlState::Open(dir_);
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("newer"), std::string::npos) << state.status().message();
}

TEST_F(CrawlStateTest, MalformedRecordIsCorruptionNamingTheUrl) {
  OpenOrDie().reset();
  WriteRaw("frontier", std::string("kz\0https://a.kz/broken", 22), "{not json");
  auto state = OpenOrDie();
  auto queue = state->Queue("kz");
  ASSERT_FALSE(queue.ok());
  EXPECT_EQ(queue.status().code(), Status::Code::kCorruption);
  EXPECT_NE(queue.status().message().find("https://a.kz/broken"), std::string::npos);
}

// A full disk under the crawl state (a tmpfs the test mounts; root only): a commit that cannot
// be written fails, Fault() says kDiskFull naming the directory (its write errors used to be
// only logged, and the crawl went on), the process does not abort (RocksDB's LOG writer did),
// and once space returns ResumeWrites() clears the fault and every committed URL is there.
TEST_F(CrawlStateTest, FullDiskIsAFaultThatClearsWhenSpaceReturns) {
  const fs::path disk = dir_ + "-disk";
  fs::create_directories(disk);
  if (geteuid() != 0 || mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=16m") != 0) {
    fs::remove_all(disk);
    GTEST_SKIP() << "needs root to mount a tmpfs at " << disk;
  }
  struct Unmount {
    fs::path path;
    ~Unmount() {
      umount2(path.c_str(), MNT_DETACH);
      fs::remove_all(path);
    }
  } unmount{disk};
  const std::string dir = (disk / "crawl").string();
  auto opened = CrawlState::Open(dir);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  std::unique_ptr<CrawlState> state = std::move(opened).value();
  {
    std::ofstream filler(disk / "filler", std::ios::binary);
    const std::string chunk(1 << 16, 'x');
    while (fs::space(disk).available > (256 << 10) &&
           filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
    }
  }
  const std::string padding(2000, 'p');  // long URLs fill the log sooner
  int committed = 0;
  Status refused;
  for (int n = 0; n < 10000 && refused.ok(); ++n) {
    CrawlStateChange change;
    change.Enqueue(
        {"kz", "https://a.kz/" + std::to_string(n) + "/" + padding, 1, PageKind::kLink, 0, n, 0});
    refused = state->Commit(change);
    if (refused.ok()) ++committed;
  }
  ASSERT_FALSE(refused.ok()) << "the disk never filled up";
  storage::StorageFault fault = state->Fault();
  EXPECT_EQ(fault.kind, storage::StorageFault::Kind::kDiskFull) << fault.message;
  EXPECT_NE(fault.message.find("disk full at " + dir), std::string::npos) << fault.message;
  EXPECT_EQ(state->ResumeWrites().kind, storage::StorageFault::Kind::kDiskFull);

  fs::remove(disk / "filler");
  fault = state->ResumeWrites();
  ASSERT_TRUE(fault.ok()) << fault.message;
  CrawlStateChange last;
  last.Enqueue({"kz", "https://a.kz/last", 1, PageKind::kLink, 0, 1'000'000, 0});
  ASSERT_TRUE(state->Commit(last).ok());
  state.reset();
  auto reopened = CrawlState::Open(dir);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ(*(*reopened)->QueueSize("kz"), committed + 1);
}

}  // namespace
}  // namespace kuzet::crawler
