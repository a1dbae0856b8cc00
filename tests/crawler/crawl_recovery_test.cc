// A crawl that is interrupted (Stop, a host asking to wait, the process killed between two
// fetches) resumes from its durable frontier: what was fetched is not fetched again, what was
// queued is not lost. The process-level kill -9 test is tests/app/restart_test.cc.
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "tests/crawler/crawl_test_util.h"

namespace kuzet::crawler {
namespace {

using testing::Contains;
using testing::FastLocalSettings;
using testing::FeedSite;
using testing::RecordingHandler;
using testing::SiteServer;

using CrawlRecoveryTest = testing::CrawlStateFixture;
using Clock = std::chrono::steady_clock;

// Analyze never finishes /a3 on its own; the crawl is stopped while it is in analysis.
class StuckAnalyzeHandler : public RecordingHandler {
 public:
  std::atomic<bool> stuck{false};
  std::unique_ptr<PageResult> Analyze(const CrawledPage& page,
                                      const std::atomic<bool>& cancel) override {
    if (page.url.ends_with("/a3")) {
      stuck = true;
      WaitUntil([&] { return cancel.load(); }, std::chrono::seconds(60),
                std::chrono::milliseconds(1));
    }
    return nullptr;
  }
};

TEST_F(CrawlRecoveryTest, PageNotCommittedStaysQueuedForTheNextCrawl) {
  SiteServer real(FeedSite(4, ""));
  config::Site site;
  site.id = "uncommitted";
  site.feeds = {real.Url("/feed.xml")};
  config::Settings settings = FastLocalSettings();
  settings.concurrency = 1;
  settings.per_host_connections = 1;
  settings.workers = 2;
  StuckAnalyzeHandler handler;
  {
    Crawler crawler(settings, state_.get());
    std::thread stopper([&] {
      WaitUntil([&] { return handler.stuck.load(); }, std::chrono::seconds(30),
                std::chrono::milliseconds(1));
      crawler.Stop(std::chrono::milliseconds(200));
    });
    CrawlStats stats = crawler.CrawlOnce({site}, handler);
    stopper.join();
    EXPECT_TRUE(stats.stopped);
  }
  const std::string stuck = real.Url("/a3");
  EXPECT_FALSE(Contains(handler.pages, stuck));
  Reopen();
  std::vector<std::string> queued = QueuedUrls("uncommitted");
  EXPECT_TRUE(Contains(queued, stuck)) << "a page not committed must be fetched again";
  for (const std::string& url : handler.pages) EXPECT_FALSE(Contains(queued, url)) << url;
}

// Fault: the handler's store fails (a full disk) after two pages. The pages committed while it
// cannot store stay queued, and the next crawl (store working again) fetches exactly those.
class FailingStoreHandler : public RecordingHandler {
 public:
  int can_store_pages = 2;
  bool CanStore() const override { return static_cast<int>(pages.size()) <= can_store_pages; }
};

TEST_F(CrawlRecoveryTest, PagesCommittedWhileTheStoreFailsStayQueued) {
  SiteServer real(FeedSite(6, ""));
  config::Site site;
  site.id = "failing-store";
  site.feeds = {real.Url("/feed.xml")};
  config::Settings settings = FastLocalSettings();
  settings.concurrency = 1;
  settings.per_host_connections = 1;
  FailingStoreHandler handler;
  {
    Crawler crawler(settings, state_.get());
    crawler.CrawlOnce({site}, handler);
  }
  ASSERT_EQ(handler.pages.size(), 6u);
  Reopen();
  std::vector<std::string> queued = QueuedUrls("failing-store");
  for (size_t i = 0; i < handler.pages.size(); ++i) {
    EXPECT_EQ(Contains(queued, handler.pages[i]), i >= 2) << handler.pages[i];
  }
  RecordingHandler next;  // its store holds the two pages stored before the fault
  next.stored = {handler.pages[0], handler.pages[1]};
  Crawler crawler(settings, state_.get());
  crawler.CrawlOnce({site}, next);
  for (size_t i = 2; i < handler.pages.size(); ++i) {
    EXPECT_TRUE(Contains(next.pages, handler.pages[i])) << handler.pages[i];
  }
  EXPECT_FALSE(Contains(next.pages, handler.pages[0]));
  EXPECT_TRUE(QueuedUrls("failing-store").empty());
}

// Commits pages a group at a time, as the app's store does with one sync per group. The first
// commit of an article is slow (a sync on a busy disk), so the analyses finishing meanwhile
// arrive together as one group. `refuse`: pages of a group the handler does not record.
class GroupingHandler : public RecordingHandler {
 public:
  std::vector<size_t> group_sizes;
  std::set<std::string> refuse;
  void CommitGroup(std::vector<PageCommit>& group) override {
    group_sizes.push_back(group.size());
    for (PageCommit& commit : group) {
      commit.links = OnPage(*commit.page);
      commit.recorded = refuse.count(commit.page->url) == 0;
      // Long enough for the other analyses to finish on a machine busy with other builds (at
      // 500 ms one run in twenty under load grouped only two).
      if (group_sizes.size() == 2 && &commit == &group.front()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      }
    }
  }
};

TEST_F(CrawlRecoveryTest, AnalysesFinishedTogetherAreOneGroupAndAPageNotRecordedStaysQueued) {
  SiteServer real(FeedSite(8, ""));
  config::Site site;
  site.id = "groups";
  site.feeds = {real.Url("/feed.xml")};
  config::Settings settings = FastLocalSettings();
  settings.concurrency = 8;
  settings.per_host_connections = 8;
  settings.workers = 4;
  GroupingHandler handler;
  handler.refuse = {real.Url("/a5")};
  {
    Crawler crawler(settings, state_.get());
    crawler.CrawlOnce({site}, handler);
  }
  EXPECT_EQ(handler.pages.size(), 8u);
  EXPECT_FALSE(handler.wrong_thread);
  size_t largest = 0, total = 0;
  for (size_t size : handler.group_sizes) {
    largest = std::max(largest, size);
    total += size;
  }
  EXPECT_EQ(total, 8u);
  EXPECT_GE(largest, 3u) << "pages analyzed during a slow commit were committed one by one";
  Reopen();
  EXPECT_EQ(QueuedUrls("groups"), std::vector<std::string>{real.Url("/a5")});
}

// Blocks the first group in the writer (a sync on a disk that hangs) until `release`.
class BlockedCommitHandler : public RecordingHandler {
 public:
  std::atomic<bool> blocked{false}, release{false};
  std::vector<std::string> first_group;
  void CommitGroup(std::vector<PageCommit>& group) override {
    if (first_group.empty()) {
      for (const PageCommit& commit : group) first_group.push_back(commit.page->url);
      blocked = true;
      WaitUntil([&] { return release.load(); }, std::chrono::seconds(20),
                std::chrono::milliseconds(1));
    }
    CrawlHandler::CommitGroup(group);
  }
};

// Stop while a group is in the writer: whatever the grace, that group is committed and leaves
// the durable queue, and CrawlOnce returns as soon as it is; the pages not handed to the writer
// stay queued. Nothing is lost either way.
TEST_F(CrawlRecoveryTest, StopWhileTheWriterCommitsAGroupFinishesItAndKeepsTheRestQueued) {
  struct Case {
    const char* name;
    int grace_ms;
    int release_after_ms;  // after Stop
  };
  for (const Case& c :
       {Case{"no-grace", 0, 300}, Case{"grace-shorter-than-the-commit", 100, 500}}) {
    SCOPED_TRACE(c.name);
    constexpr int kItems = 10;
    SiteServer real(FeedSite(kItems, ""));
    config::Site site;
    site.id = std::string("stop-") + c.name;
    site.feeds = {real.Url("/feed.xml")};
    config::Settings settings = FastLocalSettings();
    settings.concurrency = 2;
    settings.per_host_connections = 2;
    settings.workers = 1;
    BlockedCommitHandler handler;
    CrawlStats stats;
    Clock::time_point released{};
    {
      Crawler crawler(settings, state_.get());
      std::thread stopper([&] {
        WaitUntil([&] { return handler.blocked.load(); }, std::chrono::seconds(20),
                  std::chrono::milliseconds(1));
        crawler.Stop(std::chrono::milliseconds(c.grace_ms));
        std::this_thread::sleep_for(std::chrono::milliseconds(c.release_after_ms));
        released = Clock::now();
        handler.release = true;
      });
      stats = crawler.CrawlOnce({site}, handler);
      const Clock::time_point returned = Clock::now();
      stopper.join();  // before reading `released`
      EXPECT_GE(returned, released) << "CrawlOnce returned with a group in the writer";
      EXPECT_LT(std::chrono::duration<double>(returned - released).count(), 1.0);
    }
    EXPECT_TRUE(stats.stopped);
    ASSERT_FALSE(handler.first_group.empty());
    for (const std::string& url : handler.first_group) {
      EXPECT_TRUE(Contains(handler.pages, url)) << url << ": the group in the writer was dropped";
    }
    EXPECT_LT(handler.pages.size(), static_cast<size_t>(kItems));  // the rest was not committed
    const std::vector<std::string> queued = QueuedUrls(site.id);
    for (const std::string& url : handler.pages) {
      EXPECT_FALSE(Contains(queued, url)) << url << " committed but still queued";
    }
    for (int i = 1; i <= kItems; ++i) {
      const std::string url = real.Url("/a" + std::to_string(i));
      EXPECT_TRUE(Contains(queued, url) || Contains(handler.pages, url)) << url << " was lost";
    }
    EXPECT_FALSE(handler.wrong_thread);
  }
}

TEST_F(CrawlRecoveryTest, StoppedCrawlResumesWithTheQueuedUrlsAndRefetchesNothing) {
  SiteServer real(FeedSite(12, ""));  // relative item links, resolved against the feed's URL
  config::Site site;
  site.id = "resume";
  site.feeds = {real.Url("/feed.xml")};
  site.interval = std::chrono::hours(1);
  config::Settings settings = FastLocalSettings();
  settings.concurrency = 1;
  settings.per_host_connections = 1;

  RecordingHandler first;
  first.store_pages = true;
  {
    Crawler crawler(settings, state_.get());
    first.on_page = [&](const CrawledPage&) {
      if (first.pages.size() == 4) crawler.Stop(std::chrono::milliseconds(0));
    };
    CrawlStats stats = crawler.CrawlOnce({site}, first);
    EXPECT_TRUE(stats.stopped);
  }
  ASSERT_EQ(first.pages.size(), 4u);
  std::vector<std::string> queued = QueuedUrls("resume");
  EXPECT_EQ(queued.size(), 8u);  // the 12 items less the 4 fetched
  for (const std::string& url : first.pages) EXPECT_FALSE(Contains(queued, url)) << url;

  Reopen();
  size_t requests_before = real.Paths().size();
  RecordingHandler second;
  second.store_pages = true;
  second.stored = first.stored;
  Crawler restarted(settings, state_.get());
  // The feed was read an hour's interval ago: only the queue makes the site due.
  EXPECT_EQ(restarted.DueSites({site}, std::chrono::system_clock::now()).size(), 1u);
  CrawlStats stats = restarted.CrawlOnce({site}, second, /*due_only=*/true);
  EXPECT_FALSE(stats.stopped);
  EXPECT_EQ(stats.resumed, 8);
  EXPECT_EQ(stats.skipped_not_due, 1);  // the feed
  std::vector<std::string> paths = real.Paths();
  std::vector<std::string> after(paths.begin() + static_cast<long>(requests_before), paths.end());
  EXPECT_EQ(after.size(), 8u);
  EXPECT_FALSE(Contains(after, "/feed.xml"));
  for (const std::string& url : first.pages) {
    EXPECT_FALSE(Contains(second.pages, url)) << url << " fetched again";
  }
  EXPECT_EQ(first.pages.size() + second.pages.size(), 12u);
  EXPECT_TRUE(QueuedUrls("resume").empty());
  EXPECT_TRUE(restarted.DueSites({site}, std::chrono::system_clock::now()).empty());
}

TEST_F(CrawlRecoveryTest, QueuedUrlStoredBeforeTheKillIsNotFetchedAgain) {
  SiteServer server({{"/start", "start"}, {"/stored", "x"}, {"/new", "y"}});
  config::Site site;
  site.id = "killed";
  site.start_urls = {server.Url("/start")};
  // What a process killed between storing /stored and committing its fetch leaves behind.
  CrawlStateChange left;
  for (const char* path : {"/stored", "/new"}) {
    left.Enqueue(QueuedUrl{"killed", server.Url(path), 1, PageKind::kLink, 0, 1, 0});
  }
  ASSERT_TRUE(state_->Commit(left).ok());
  RecordingHandler handler;
  handler.stored = {server.Url("/stored")};
  Crawler crawler(FastLocalSettings(), state_.get());
  CrawlStats stats = crawler.CrawlOnce({site}, handler, /*due_only=*/true);
  EXPECT_EQ(stats.resumed, 2);
  EXPECT_EQ(stats.skipped_seen, 1);
  EXPECT_FALSE(Contains(server.Paths(), "/stored"));
  EXPECT_TRUE(Contains(server.Paths(), "/new"));
  EXPECT_TRUE(QueuedUrls("killed").empty());
}

TEST_F(CrawlRecoveryTest, StopAbandonsASlowFetchAfterTheGraceAndKeepsItQueued) {
  SiteServer server({{"/start", R"(<a href="/slow">slow</a>)"}, {"/slow", "slow"}});
  server.SetSlowPath("/slow");  // answers after 1.2 s
  config::Site site;
  site.id = "slow";
  site.start_urls = {server.Url("/start")};
  RecordingHandler handler;
  Crawler crawler(FastLocalSettings(), state_.get());
  std::chrono::steady_clock::time_point stop_sent;
  // Once /slow is being fetched, stop from another thread, as a signal would.
  std::thread stopper([&] {
    WaitUntil([&] { return Contains(server.Paths(), "/slow"); }, std::chrono::seconds(30),
              std::chrono::milliseconds(1));
    stop_sent = std::chrono::steady_clock::now();
    crawler.Stop(std::chrono::milliseconds(100));
  });
  CrawlStats stats = crawler.CrawlOnce({site}, handler);
  auto returned = std::chrono::steady_clock::now();
  stopper.join();
  EXPECT_TRUE(stats.stopped);
  EXPECT_LT(returned - stop_sent, std::chrono::milliseconds(600));
  EXPECT_EQ(QueuedUrls("slow"), std::vector<std::string>{server.Url("/slow")});
  // The abandoned request is still being answered; the server ends after it.
  EXPECT_TRUE(WaitUntil([&] { return server.SlowAnswers() == 1; }, std::chrono::seconds(10)));
}

TEST_F(CrawlRecoveryTest, LongRetryAfterEndsTheHostsCrawlAndKeepsItsUrlsQueuedUntilThen) {
  SiteServer server({{"/start", R"(<a href="/a">a</a><a href="/b">b</a>)"},
                     {"/a", "HTTP 503 3600"},
                     {"/b", "b"}});
  config::Site site;
  site.id = "maintenance";
  site.start_urls = {server.Url("/start")};
  site.interval = std::chrono::minutes(10);
  config::Settings settings = FastLocalSettings();
  settings.per_host_connections = 1;
  RecordingHandler handler;
  Crawler crawler(settings, state_.get());
  CrawlStats stats = crawler.CrawlOnce({site}, handler);
  EXPECT_FALSE(Contains(server.Paths(), "/b"));
  EXPECT_EQ(stats.skipped_backoff, 1);
  ASSERT_EQ(handler.errors.size(), 1u);
  EXPECT_NE(handler.errors[0].second.find("HTTP 503"), std::string::npos);
  EXPECT_NE(handler.errors[0].second.find("Retry-After: 3600"), std::string::npos);
  auto queue = state_->Queue("maintenance");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);  // /b; /a failed and is found again on /start
  EXPECT_EQ((*queue)[0].url, server.Url("/b"));
  auto now = std::chrono::system_clock::now();
  EXPECT_GT((*queue)[0].not_before_us, std::chrono::duration_cast<std::chrono::microseconds>(
                                           (now + std::chrono::minutes(59)).time_since_epoch())
                                           .count());
  // Not due while the host's wait lasts (the start page is due in 10 minutes), due after it.
  EXPECT_TRUE(crawler.DueSites({site}, now + std::chrono::minutes(5)).empty());
  EXPECT_EQ(crawler.DueSites({site}, now + std::chrono::minutes(61)).size(), 1u);
}

}  // namespace
}  // namespace kuzet::crawler
