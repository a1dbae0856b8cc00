#include "crawler/crawler.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "tests/crawler/crawl_test_util.h"
#include "tests/crawler/test_server.h"
#include "url/url.h"

namespace kuzet::crawler {
namespace {

using testing::Contains;
using testing::FastLocalSettings;
using testing::FeedSite;
using testing::RecordingHandler;
using testing::Rss;
using testing::SiteServer;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

TEST(CrawlerTest, CrawlsStartPageFeedAndLinksWithinScopeAndDepth) {
  const std::time_t now = std::time(nullptr);
  SiteServer server({
      {"/start", R"(<a href="/a">a</a> <a href="b">b</a> <a href="/c?utm_source=x#top">c</a>
                    <a href="/a#again">dup</a> <a href="/photo.jpg">img</a>
                    <a href="/private/x">excluded</a> <a href="http://elsewhere.example/">ext</a>
                    <a href="mailto:x@y">mail</a> <a href="/missing">404</a>)"},
      {"/a", R"(<a href="/a2">deeper</a>)"},
      {"/b", "b"},
      {"/c", "c"},
      {"/a2", "too deep"},
      {"/f1", "feed item"},
      {"/f2", "old feed item"},
      {"/feed.xml", ""},
  });
  // The feed links: one recent, one 40 days old, one already linked from /start.
  SiteServer feed_server({{"/feed.xml", Rss({{server.Url("/f2"), now - 40 * 86400},
                                             {server.Url("/f1"), now - 3600},
                                             {server.Url("/a"), now - 7200}})}});
  config::Site site;
  site.id = "local";
  site.start_urls = {server.Url("/start")};
  site.feeds = {feed_server.Url("/feed.xml")};
  site.hosts = {"127.0.0.1"};
  site.exclude = {"/private/*"};
  site.max_depth = 1;
  site.max_pages = 50;

  RecordingHandler handler;
  handler.stored = {server.Url("/b")};
  Crawler crawler(FastLocalSettings());
  CrawlStats stats = crawler.CrawlOnce({site}, handler);

  std::vector<std::string> paths = server.Paths();
  for (const char* expected : {"/start", "/a", "/c", "/f1", "/missing"}) {
    EXPECT_TRUE(Contains(paths, expected)) << expected;
  }
  for (const char* unexpected : {"/b", "/a2", "/f2", "/photo.jpg", "/private/x"}) {
    EXPECT_FALSE(Contains(paths, unexpected)) << unexpected;
  }
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "/a"), 1);  // de-duplicated
  EXPECT_TRUE(Contains(handler.pages, server.Url("/c")));      // canonical: no utm_, no fragment
  EXPECT_EQ(handler.pages.size(), 4u);                         // start, a, c, f1
  ASSERT_EQ(handler.errors.size(), 1u);
  EXPECT_EQ(handler.errors[0].first, server.Url("/missing"));
  EXPECT_NE(handler.errors[0].second.find("HTTP 404"), std::string::npos);
  EXPECT_EQ(stats.feeds_fetched, 1);
  EXPECT_EQ(stats.pages_fetched, 5);
  EXPECT_EQ(stats.errors, 1);
  EXPECT_EQ(stats.skipped_seen, 1);   // /b
  EXPECT_EQ(stats.skipped_scope, 3);  // photo.jpg, private/x, elsewhere.example
  EXPECT_GT(stats.bytes, 0);
  EXPECT_FALSE(handler.overlapped);
  EXPECT_FALSE(handler.wrong_thread);
  // The feed is read before any page, and its item is fetched.
  EXPECT_TRUE(Contains(feed_server.Paths(), "/feed.xml"));
}

TEST(CrawlerTest, StopsAtMaxPages) {
  std::map<std::string, std::string> pages;
  std::string links;
  for (int i = 0; i < 20; ++i) {
    links += "<a href=\"/p" + std::to_string(i) + "\">p</a>";
    pages["/p" + std::to_string(i)] = "page";
  }
  pages["/start"] = links;
  SiteServer server(pages);
  config::Site site;
  site.id = "budget";
  site.start_urls = {server.Url("/start")};
  site.max_depth = 3;
  site.max_pages = 5;
  RecordingHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  EXPECT_EQ(server.Paths().size(), 5u);
  EXPECT_EQ(stats.pages_fetched, 5);
  EXPECT_EQ(stats.skipped_budget, 16);  // 20 queued links, 4 fetched
}

TEST(CrawlerTest, SpacesRequestsToOneHostByPerHostDelay) {
  SiteServer server({{"/start", R"(<a href="/1">1</a>)"}, {"/1", "1"}});
  config::Site site;
  site.id = "polite";
  site.start_urls = {server.Url("/start")};
  config::Settings settings = FastLocalSettings();
  settings.per_host_delay = std::chrono::seconds(1);
  settings.per_host_connections = 2;
  RecordingHandler handler;
  Crawler(settings).CrawlOnce({site}, handler);
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 3u);  // robots.txt, /start, /1
  EXPECT_EQ(requests[0].first, "/robots.txt");
  for (size_t i = 1; i < requests.size(); ++i) {
    double gap = std::chrono::duration<double>(requests[i].second - requests[i - 1].second).count();
    // The server's own clock: the delay counts from the end of the previous answer, which the
    // server sent after it noted the request, so no connection set-up can shorten the gap.
    EXPECT_GE(gap, 1.0) << "request " << i << " came " << gap << " s after the previous one";
  }
}

TEST(CrawlerTest, SlowHostDoesNotBlockAnotherSite) {
  SiteServer slow(std::map<std::string, std::string>{{"/start", "slow"}});
  slow.SetSlowPath("/start");
  SiteServer fast(
      {{"/start", R"(<a href="/1">1</a><a href="/2">2</a>)"}, {"/1", "1"}, {"/2", "2"}});
  config::Site slow_site, fast_site;
  slow_site.id = "slow";
  slow_site.start_urls = {slow.Url("/start", "127.0.0.1")};
  fast_site.id = "fast";
  fast_site.start_urls = {fast.Url("/start", "localhost")};
  RecordingHandler handler;
  auto start = Clock::now();
  Crawler(FastLocalSettings()).CrawlOnce({slow_site, fast_site}, handler);
  ASSERT_EQ(handler.pages.size(), 4u);
  EXPECT_EQ(handler.pages.back(), slow.Url("/start"));  // the fast site finished first
  auto fast_requests = fast.Requests();
  ASSERT_EQ(fast_requests.size(), 4u);  // robots.txt and three pages
  double fast_done = std::chrono::duration<double>(fast_requests.back().second - start).count();
  EXPECT_LT(fast_done, 1.0);
}

// Analyzes pages on the workers like the app: one path is slow (a crafted page), watching the
// cancel flag as the app's page budget does.
class SlowAnalyzeHandler : public RecordingHandler {
 public:
  std::string slow_path = "/crafted";
  std::chrono::milliseconds slow_for{3000};
  std::atomic<int> analyzing{0}, most_at_once{0};
  std::atomic<bool> slow_started{false}, cancelled{false};

  std::unique_ptr<PageResult> Analyze(const CrawledPage& page,
                                      const std::atomic<bool>& cancel) override {
    int now = ++analyzing;
    for (int seen = most_at_once; now > seen && !most_at_once.compare_exchange_weak(seen, now);) {
    }
    if (page.url.ends_with(slow_path)) {
      slow_started = true;
      // Slow on purpose: `slow_for`, or until cancelled.
      if (WaitUntil([&] { return cancel.load(); }, slow_for, std::chrono::milliseconds(5))) {
        cancelled = true;
      }
    }
    --analyzing;
    return nullptr;
  }
};

TEST(CrawlerTest, PageSlowToAnalyzeDoesNotDelayAnotherSite) {
  SiteServer crafted({{"/start", R"(<a href="/crafted">x</a>)"}, {"/crafted", "<div></span>"}});
  SiteServer fast(
      {{"/start", R"(<a href="/1">1</a><a href="/2">2</a>)"}, {"/1", "1"}, {"/2", "2"}});
  config::Site crafted_site, fast_site;
  crafted_site.id = "crafted";
  crafted_site.start_urls = {crafted.Url("/start", "127.0.0.1")};
  fast_site.id = "fast";
  fast_site.start_urls = {fast.Url("/start", "localhost")};
  SlowAnalyzeHandler handler;
  config::Settings settings = FastLocalSettings();
  settings.workers = 2;
  auto start = Clock::now();
  CrawlStats stats = Crawler(settings).CrawlOnce({crafted_site, fast_site}, handler);
  double total = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_FALSE(handler.wrong_thread);  // Commit (and so OnPage) on the writer thread
  EXPECT_FALSE(handler.overlapped);
  ASSERT_EQ(handler.pages.size(), 5u);
  EXPECT_EQ(handler.pages.back(), crafted.Url("/crafted"));  // committed last
  auto fast_requests = fast.Requests();
  ASSERT_EQ(fast_requests.size(), 4u);  // robots.txt and three pages
  double fast_done = std::chrono::duration<double>(fast_requests.back().second - start).count();
  EXPECT_LT(fast_done, 1.0) << "the fast site waited for the crafted page";
  EXPECT_GE(total, 2.9);  // the crawl itself waited for it
  EXPECT_FALSE(stats.stopped);
}

TEST(CrawlerTest, StopDuringASlowPageReturnsWithinTheGraceAndKeepsItQueued) {
  SiteServer crafted({{"/start", R"(<a href="/crafted">x</a>)"}, {"/crafted", "<div></span>"}});
  config::Site site;
  site.id = "crafted";
  site.start_urls = {crafted.Url("/start")};
  SlowAnalyzeHandler handler;
  handler.slow_for = std::chrono::seconds(30);
  config::Settings settings = FastLocalSettings();
  settings.workers = 2;
  Crawler crawler(settings);
  Clock::time_point stop_sent{};
  std::thread stopper([&] {
    // Once the crafted page is being analyzed, as SIGTERM would.
    WaitUntil([&] { return handler.slow_started.load(); }, std::chrono::seconds(30),
              std::chrono::milliseconds(1));
    stop_sent = Clock::now();
    crawler.Stop(std::chrono::milliseconds(500));
  });
  CrawlStats stats = crawler.CrawlOnce({site}, handler);
  const Clock::time_point returned = Clock::now();
  stopper.join();  // before reading stop_sent, which the stopper wrote
  double after_stop = std::chrono::duration<double>(returned - stop_sent).count();
  EXPECT_LT(after_stop, 0.5 + 0.3) << "grace 0.5 s";
  EXPECT_TRUE(stats.stopped);
  EXPECT_TRUE(handler.cancelled.load());
  EXPECT_FALSE(Contains(handler.pages, crafted.Url("/crafted")));  // not committed
}

// Holds the analysis of every page but the start page until `open`.
class GatedAnalyzeHandler : public RecordingHandler {
 public:
  std::atomic<bool> open{false};
  std::atomic<int> waiting{0};

  std::unique_ptr<PageResult> Analyze(const CrawledPage& page,
                                      const std::atomic<bool>& cancel) override {
    if (!page.url.ends_with("/start")) {
      ++waiting;
      WaitUntil([&] { return open.load() || cancel.load(); }, std::chrono::seconds(20),
                std::chrono::milliseconds(2));
    }
    return nullptr;
  }
};

// Back-pressure counts every page in memory: fetches in flight and pages waiting for or in
// analysis stay within concurrency + 2 x workers, and a fetch starts whenever the total is
// below that. (The former rule started no fetch once 2 x workers pages were in analysis, so the
// workers ran dry before the next fetches came in: with the analyses held here, 4 pages were
// fetched, not 6.) Released, every page is committed.
TEST(CrawlerTest, BackPressureBoundsPagesInMemoryAndKeepsFetchingUpToIt) {
  std::map<std::string, std::string> pages;
  std::string links;
  for (int i = 0; i < 20; ++i) {
    pages["/p" + std::to_string(i)] = "page";
    links += "<a href=\"/p" + std::to_string(i) + "\">p</a>";
  }
  pages["/start"] = links;
  SiteServer server(pages);
  config::Site site;
  site.id = "gated";
  site.start_urls = {server.Url("/start")};
  site.max_depth = 1;
  site.max_pages = 50;
  config::Settings settings = FastLocalSettings();
  settings.workers = 1;
  settings.concurrency = 4;
  settings.per_host_connections = 4;
  const size_t budget = 4 + 2 * 1;
  GatedAnalyzeHandler handler;
  size_t fetched_while_held = 0;
  std::thread releaser([&] {
    // The start page and as many articles as the budget; then time for any fetch beyond it.
    WaitUntil([&] { return server.Paths().size() >= 1 + budget; }, std::chrono::seconds(10),
              std::chrono::milliseconds(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    fetched_while_held = server.Paths().size() - 1;
    handler.open = true;
  });
  CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler);
  releaser.join();
  EXPECT_EQ(fetched_while_held, budget);
  EXPECT_EQ(handler.pages.size(), 21u);   // nothing lost
  EXPECT_EQ(server.Paths().size(), 21u);  // each page fetched once
  EXPECT_FALSE(stats.stopped);
}

// Holds the first group in the writer (its CommitGroup blocked, as on a slow sync) until
// `release`, and records what the crawl thread and the workers do meanwhile.
class BlockedWriterHandler : public RecordingHandler {
 public:
  std::atomic<bool> blocked{false}, release{false};
  std::mutex mutex;
  std::set<std::string> fetched_while_blocked;   // OnFetched during the block
  std::set<std::string> analyzed_while_blocked;  // of those, analyzed during the block
  std::vector<std::string> analyzed;             // in the order the analyses finished
  std::vector<size_t> group_sizes;               // the writer's

  void OnFetched(const config::Site&, PageKind kind, const Result<FetchResponse>& response,
                 double) override {
    if (std::this_thread::get_id() != caller) wrong_thread = true;
    if (!blocked || kind != PageKind::kLink || !response.ok()) return;
    std::lock_guard<std::mutex> lock(mutex);
    fetched_while_blocked.insert(response->final_url);
  }
  std::unique_ptr<PageResult> Analyze(const CrawledPage& page, const std::atomic<bool>&) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (blocked && fetched_while_blocked.count(page.url) != 0) {
      analyzed_while_blocked.insert(page.url);
    }
    analyzed.push_back(page.url);
    return nullptr;
  }
  void CommitGroup(std::vector<PageCommit>& group) override {
    group_sizes.push_back(group.size());
    if (group_sizes.size() == 1) {
      blocked = true;
      WaitUntil([&] { return release.load(); }, std::chrono::seconds(20),
                std::chrono::milliseconds(2));
      blocked = false;
    }
    CrawlHandler::CommitGroup(group);
  }
  size_t AnalyzedWhileBlocked() {
    std::lock_guard<std::mutex> lock(mutex);
    return analyzed_while_blocked.size();
  }
};

// The commit is the writer thread's (issue #17): while a group is blocked in it, the crawl thread
// goes on fetching and the workers on analyzing, up to the memory bound, and what they finish
// meanwhile is the next, bigger group. Before, CommitGroup ran on the crawl thread, so while it
// blocked no fetch result was processed and no fetched page reached a worker (0 here).
TEST(CrawlerTest, WhileTheWriterCommitsAGroupPagesAreStillFetchedAndAnalyzed) {
  struct Case {
    int workers, concurrency;
  };
  for (const Case& c : {Case{1, 4}, Case{2, 4}}) {
    SCOPED_TRACE("workers " + std::to_string(c.workers));
    constexpr int kItems = 12;
    SiteServer server(FeedSite(kItems));
    config::Site site;
    site.id = "writer";
    site.feeds = {server.Url("/feed.xml")};
    config::Settings settings = FastLocalSettings();
    settings.workers = c.workers;
    settings.concurrency = c.concurrency;
    settings.per_host_connections = c.concurrency;
    BlockedWriterHandler handler;
    size_t analyzed_while_blocked = 0;
    std::thread releaser([&] {
      WaitUntil([&] { return handler.blocked.load(); }, std::chrono::seconds(20),
                std::chrono::milliseconds(1));
      WaitUntil([&] { return handler.AnalyzedWhileBlocked() >= 2; }, std::chrono::seconds(5),
                std::chrono::milliseconds(2));
      analyzed_while_blocked = handler.AnalyzedWhileBlocked();
      handler.release = true;
    });
    CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler);
    releaser.join();
    EXPECT_GE(analyzed_while_blocked, 2u) << "nothing was fetched and analyzed during the commit";
    ASSERT_GE(handler.group_sizes.size(), 2u);
    EXPECT_GE(handler.group_sizes[1], 2u) << "the pages analyzed meanwhile are the next group";
    // Nothing lost, nothing twice; committed in the order the analyses finished (one worker:
    // the order they reached the crawler).
    EXPECT_EQ(handler.pages.size(), static_cast<size_t>(kItems));
    EXPECT_EQ(std::set<std::string>(handler.pages.begin(), handler.pages.end()).size(),
              static_cast<size_t>(kItems));
    if (c.workers == 1) {
      EXPECT_EQ(handler.pages, handler.analyzed);
    }
    EXPECT_EQ(server.Paths().size(), static_cast<size_t>(kItems) + 1);  // the feed, each page once
    EXPECT_FALSE(handler.wrong_thread);
    EXPECT_FALSE(handler.overlapped);
    EXPECT_FALSE(stats.stopped);
  }
}

// Holds every analysis until all the pages are fetched, then lets them finish one after another
// (3 ms each, as real analyses take milliseconds), and records the size of each group the writer
// takes.
class BurstHandler : public RecordingHandler {
 public:
  explicit BurstHandler(int pages) : pages_(pages) {}
  std::vector<size_t> group_sizes;  // the writer's

  void OnFetched(const config::Site&, PageKind kind, const Result<FetchResponse>& response,
                 double) override {
    if (kind == PageKind::kLink && response.ok()) ++fetched_;
  }
  std::unique_ptr<PageResult> Analyze(const CrawledPage&, const std::atomic<bool>&) override {
    WaitUntil([&] { return fetched_.load() >= pages_; }, std::chrono::seconds(20),
              std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    return nullptr;
  }
  void CommitGroup(std::vector<PageCommit>& group) override {
    group_sizes.push_back(group.size());
    CrawlHandler::CommitGroup(group);
  }

 private:
  const int pages_;
  std::atomic<int> fetched_{0};
};

// Every group costs the writer its syncs, whatever its size (issue #17): pages that become ready
// one after another, a few milliseconds apart, go to the writer together, not one per group the
// moment the writer is free. Before, the first page was a group of its own, and so was each page
// ready when the writer was done with the last.
TEST(CrawlerTest, PagesAnalyzedOneAfterAnotherAreCommittedInFewGroups) {
  // 8 fetches at a time (the test server's threads) + 2 x 2 pages on the workers: the memory
  // bound, so all 12 are fetched while the analyses are held.
  constexpr int kItems = 12;
  SiteServer server(FeedSite(kItems));
  config::Site site;
  site.id = "burst";
  site.feeds = {server.Url("/feed.xml")};
  config::Settings settings = FastLocalSettings();
  settings.workers = 2;
  settings.concurrency = 8;
  settings.per_host_connections = 8;
  BurstHandler handler(kItems);
  CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler);
  ASSERT_EQ(handler.pages.size(), static_cast<size_t>(kItems));  // nothing lost
  ASSERT_FALSE(handler.group_sizes.empty());
  // A group goes when 8 pages (or 2 x workers) are ready, or the oldest has waited 30 ms.
  EXPECT_GE(handler.group_sizes.front(), 8u) << ::testing::PrintToString(handler.group_sizes);
  EXPECT_LE(handler.group_sizes.size(), 2u) << ::testing::PrintToString(handler.group_sizes);
  EXPECT_FALSE(handler.wrong_thread);
  EXPECT_FALSE(handler.overlapped);
  EXPECT_FALSE(stats.stopped);
}

// Says Commit does not read the bodies of pages whose URL ends in "/free", and records the body
// each page has when it is committed.
class FreeingHandler : public RecordingHandler {
 public:
  struct Analyzed : PageResult {};
  // By URL, the writer's: the body, and the body as transferred (the test server gzips).
  std::map<std::string, std::pair<std::string, std::string>> committed_bodies;

  std::unique_ptr<PageResult> Analyze(const CrawledPage&, const std::atomic<bool>&) override {
    return std::make_unique<Analyzed>();
  }
  bool CommitReadsBody(const CrawledPage& page, const PageResult&) const override {
    return !page.url.ends_with("/free");
  }
  std::vector<std::string> Commit(const CrawledPage& page,
                                  std::unique_ptr<PageResult> result) override {
    EXPECT_NE(result, nullptr);
    committed_bodies[page.url] = {page.response.body, page.response.encoded_body};
    return OnPage(page);
  }
};

// Records the name of the thread each call ran on (base/thread_name.h).
class ThreadNameHandler : public RecordingHandler {
 public:
  struct Analyzed : PageResult {};
  std::mutex mutex;
  std::set<std::string> analyze_threads, commit_threads;

  static std::string ThisThreadName() {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    return name;
  }
  std::unique_ptr<PageResult> Analyze(const CrawledPage&, const std::atomic<bool>&) override {
    std::lock_guard<std::mutex> lock(mutex);
    analyze_threads.insert(ThisThreadName());
    return std::make_unique<Analyzed>();
  }
  std::vector<std::string> Commit(const CrawledPage& page, std::unique_ptr<PageResult>) override {
    {
      std::lock_guard<std::mutex> lock(mutex);
      commit_threads.insert(ThisThreadName());
    }
    return OnPage(page);
  }
};

// `top -H`, perf and gdb tell the crawl's threads apart: the workers and the writer are named.
TEST(CrawlerTest, WorkersAndWriterThreadsAreNamed) {
  SiteServer server(
      {{"/start", R"(<a href="/a">a</a> <a href="/b">b</a>)"}, {"/a", "a"}, {"/b", "b"}});
  config::Site site;
  site.id = "names";
  site.start_urls = {server.Url("/start")};
  ThreadNameHandler handler;
  config::Settings settings = FastLocalSettings();
  settings.workers = 2;
  EXPECT_EQ(Crawler(settings).CrawlOnce({site}, handler).pages_fetched, 3);
  EXPECT_EQ(handler.analyze_threads, std::set<std::string>{"kuzet-analyze"});
  EXPECT_EQ(handler.commit_threads, std::set<std::string>{"kuzet-writer"});
}

// A page analyzed waits for the writer (through its syncs, issue #17) without the body its Commit
// will not read; a page whose Commit reads it keeps it.
TEST(CrawlerTest, AnAnalyzedPageWaitsForTheWriterWithoutABodyCommitDoesNotRead) {
  SiteServer server({{"/start", R"(<a href="/keep">k</a> <a href="/free">f</a>)"},
                     {"/keep", "the body of keep"},
                     {"/free", "the body of free"}});
  config::Site site;
  site.id = "bodies";
  site.start_urls = {server.Url("/start")};
  FreeingHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  EXPECT_EQ(stats.pages_fetched, 3);
  ASSERT_EQ(handler.committed_bodies.size(), 3u);
  EXPECT_EQ(handler.committed_bodies[server.Url("/keep")].first, "the body of keep");
  EXPECT_EQ(handler.committed_bodies[server.Url("/free")].first, "");
  EXPECT_EQ(handler.committed_bodies[server.Url("/free")].second, "");
  EXPECT_FALSE(handler.wrong_thread);
}

TEST(CrawlerTest, ReportsFetchErrorsForConfiguredUrls) {
  SiteServer server(std::map<std::string, std::string>{{"/start", "ok"}});
  config::Site site;
  site.id = "errors";
  site.start_urls = {server.Url("/start"), "not a url"};
  site.feeds = {server.Url("/no-feed")};
  config::Settings settings = FastLocalSettings();
  RecordingHandler handler;
  CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler);
  EXPECT_EQ(stats.errors, 2);
  ASSERT_EQ(handler.errors.size(), 2u);
  std::set<std::string> urls{handler.errors[0].first, handler.errors[1].first};
  EXPECT_TRUE(urls.count("not a url"));
  EXPECT_TRUE(urls.count(server.Url("/no-feed")));
}

TEST(CrawlerTest, HonoursRobotsTxtGroupForOurProductToken) {
  SiteServer server({
      {"/robots.txt",
       "User-agent: *\nDisallow: /private\n\nUser-agent: kuzet\nDisallow: /secret\n"},
      {"/start", R"(<a href="/private/1">p</a><a href="/secret/1">s</a><a href="/open">o</a>)"},
      {"/private/1", "p"},
      {"/secret/1", "s"},
      {"/open", "o"},
  });
  config::Site site;
  site.id = "robots";
  site.start_urls = {server.Url("/start"), server.Url("/secret/start")};
  config::Settings settings = FastLocalSettings();
  settings.user_agent = "Kuzet/0.1 (news monitor)";
  RecordingHandler handler;
  CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler);
  std::vector<std::string> paths = server.Paths();
  EXPECT_TRUE(Contains(paths, "/private/1"));  // only the "*" group disallows it
  EXPECT_TRUE(Contains(paths, "/open"));
  EXPECT_FALSE(Contains(paths, "/secret/1"));
  EXPECT_FALSE(Contains(paths, "/secret/start"));
  EXPECT_EQ(server.RobotsRequests(), 1);  // cached per host for the crawl
  EXPECT_EQ(stats.robots_fetched, 1);
  EXPECT_EQ(stats.skipped_robots, 2);
  // A disallowed configured URL is reported; a disallowed link is only counted.
  ASSERT_EQ(handler.errors.size(), 1u);
  EXPECT_EQ(handler.errors[0].first, server.Url("/secret/start"));
  EXPECT_NE(handler.errors[0].second.find("disallowed by robots.txt"), std::string::npos);
}

TEST(CrawlerTest, UnreachableRobotsTxtDisallowsTheHost) {
  // RFC 9309 §2.3.1.4: a 5xx robots.txt means the whole site is off limits.
  SiteServer server({{"/robots.txt", "HTTP 500"}, {"/start", "page"}});
  server.SetStatusTimes(100);
  config::Site site;
  site.id = "down";
  site.start_urls = {server.Url("/start")};
  RecordingHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  EXPECT_TRUE(server.Paths().empty());
  EXPECT_EQ(stats.skipped_robots, 1);
  ASSERT_EQ(handler.errors.size(), 1u);
  EXPECT_NE(handler.errors[0].second.find("robots.txt unreachable: HTTP 500"), std::string::npos)
      << handler.errors[0].second;
}

TEST(CrawlerTest, RobotsCrawlDelaySpacesRequests) {
  SiteServer server({{"/robots.txt", "User-agent: *\nCrawl-delay: 1\n"},
                     {"/start", R"(<a href="/1">1</a>)"},
                     {"/1", "1"}});
  config::Site site;
  site.id = "delay";
  site.start_urls = {server.Url("/start")};
  RecordingHandler handler;
  Crawler(FastLocalSettings()).CrawlOnce({site}, handler);  // per_host_delay is 0 here
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 3u);
  double gap = std::chrono::duration<double>(requests[2].second - requests[1].second).count();
  EXPECT_GE(gap, 1.0);
}

TEST(CrawlerTest, RobotsCrawlDelayHoldsTheFirstPageAfterRobotsTxt) {
  // per_host_delay (0 s; it is whole seconds) is shorter than Crawl-delay: the page after
  // robots.txt must wait the latter.
  SiteServer server({{"/robots.txt", "User-agent: *\nCrawl-delay: 1\n"}, {"/start", "start"}});
  config::Site site;
  site.id = "delay";
  site.start_urls = {server.Url("/start")};
  RecordingHandler handler;
  Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].first, "/robots.txt");
  double gap = std::chrono::duration<double>(requests[1].second - requests[0].second).count();
  EXPECT_GE(gap, 1.0) << "the first page came " << gap << " s after robots.txt";
}

// Captures what the crawler logs while it lives.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::vector<std::string> Warnings() const {
    std::vector<std::string> out;
    for (const auto& line : sink_->last_formatted()) {
      if (line.find("[warning]") != std::string::npos) out.push_back(line);
    }
    return out;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

TEST(CrawlerTest, RedirectToPrivateAddressIsRefusedLoudly) {
  // The site is "localhost" (allowed); a link redirects to the literal 127.0.0.1 (not allowed).
  TestServer server;
  std::atomic<int> internal_hits{0};
  server.server().Get("/start", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"(<a href="/go">go</a>)", "text/html");
  });
  server.server().Get("/go", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("http://127.0.0.1:" + std::to_string(server.port()) + "/internal", 302);
  });
  server.server().Get("/internal", [&](const httplib::Request&, httplib::Response& res) {
    ++internal_hits;
    res.set_content("internal", "text/html");
  });
  server.Start();
  config::Site site;
  site.id = "redirecting";
  site.start_urls = {server.Url("/start", "localhost")};
  config::Settings settings = FastLocalSettings();
  settings.allow_private_hosts = {"localhost"};
  RecordingHandler handler;
  LogCapture log;
  CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler);
  EXPECT_EQ(internal_hits.load(), 0);
  EXPECT_EQ(stats.errors, 1);
  const std::string go = server.Url("/go", "localhost");
  const std::string target = "http://127.0.0.1:" + std::to_string(server.port()) + "/internal";
  ASSERT_EQ(handler.errors.size(), 1u);
  EXPECT_EQ(handler.errors[0].first, go);
  EXPECT_NE(handler.errors[0].second.find(target), std::string::npos) << handler.errors[0].second;
  bool logged = false;
  for (const std::string& line : log.Warnings()) {
    logged |= line.find(go) != std::string::npos && line.find(target) != std::string::npos;
  }
  EXPECT_TRUE(logged) << "no warning names " << go << " and " << target;
}

TEST(CrawlerTest, RetriesAfter429WithRetryAfter) {
  SiteServer server({{"/start", R"(<a href="/busy">b</a>)"}, {"/busy", "HTTP 429 1"}});
  config::Site site;
  site.id = "busy";
  site.start_urls = {server.Url("/start")};
  RecordingHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  auto requests = server.Requests();
  std::vector<Clock::time_point> busy;
  for (const auto& [path, time] : requests) {
    if (path == "/busy") busy.push_back(time);
  }
  ASSERT_EQ(busy.size(), 2u);
  // Retry-After counts from the answer, which the server sent after it noted the request.
  EXPECT_GE(std::chrono::duration<double>(busy[1] - busy[0]).count(), 1.0);
  EXPECT_EQ(stats.retries, 1);
  EXPECT_TRUE(handler.errors.empty());
  EXPECT_TRUE(Contains(handler.pages, server.Url("/busy")));
  EXPECT_EQ(stats.pages_fetched, 2);
}

TEST(CrawlerTest, FollowsSitemapsAndSitemapIndexes) {
  const std::time_t now = std::time(nullptr);
  auto iso = [](std::time_t t) {
    char buffer[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buffer);
  };
  SiteServer server({
      {"/sitemap-index.xml",
       "<sitemapindex><sitemap><loc>/news-sitemap.xml</loc></sitemap></sitemapindex>"},
      {"/news-sitemap.xml",
       "<urlset xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
       "<url><loc>/old</loc><lastmod>" +
           iso(now - 90 * 86400) +
           "</lastmod></url>"
           "<url><loc>/new</loc><news:news><news:publication_date>" +
           iso(now - 600) +
           "</news:publication_date></news:news></url>"
           "<url><loc>/undated</loc></url></urlset>"},
      {"/old", "old"},
      {"/new", "new"},
      {"/undated", "undated"},
  });
  config::Site site;
  site.id = "sitemaps";
  site.sitemaps = {server.Url("/sitemap-index.xml")};
  site.max_depth = 0;
  RecordingHandler handler;
  config::Settings settings = FastLocalSettings();
  settings.per_host_connections = 1;  // so the fetch order is the queue order
  CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler);
  std::vector<std::string> paths = server.Paths();
  EXPECT_TRUE(Contains(paths, "/news-sitemap.xml"));
  EXPECT_TRUE(Contains(paths, "/new"));
  EXPECT_TRUE(Contains(paths, "/undated"));
  EXPECT_FALSE(Contains(paths, "/old"));
  EXPECT_EQ(stats.feeds_fetched, 2);
  ASSERT_EQ(handler.pages.size(), 2u);
  EXPECT_EQ(handler.pages[0], server.Url("/new"));  // newest first
}

TEST(CrawlerTest, ReadsFeedsDiscoveredOnPages) {
  // The handler returns the page's <link rel="alternate"> feed URL like any other link; the
  // crawler recognises the response as a feed and follows its items.
  SiteServer server({
      {"/start", R"(<link rel="alternate" type="application/rss+xml" href="/rss">)"},
      {"/rss", "<rss version=\"2.0\"><channel><item><link>/item</link></item></channel></rss>"},
      {"/item", "item"},
  });
  config::Site site;
  site.id = "autodiscovery";
  site.start_urls = {server.Url("/start")};
  site.max_depth = 1;
  RecordingHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  EXPECT_TRUE(Contains(server.Paths(), "/item"));
  EXPECT_EQ(handler.pages, (std::vector<std::string>{server.Url("/start"), server.Url("/item")}));
  EXPECT_EQ(stats.feeds_fetched, 1);
  EXPECT_EQ(stats.pages_fetched, 2);
}

TEST(CrawlerTest, RereadsUnchangedFeedsWithConditionalGet) {
  TestServer server;
  std::vector<std::string> if_none_match;
  std::mutex mutex;
  server.server().Get("/feed", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    if_none_match.push_back(req.get_header_value("If-None-Match"));
    if (req.get_header_value("If-None-Match") == "\"v1\"") {
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"v1\"");
    res.set_content("<rss><channel><item><link>/item</link></item></channel></rss>",
                    "application/rss+xml");
  });
  server.server().Get("/item", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("item", "text/html");
  });
  server.Start();
  config::Site site;
  site.id = "conditional";
  site.feeds = {server.Url("/feed")};
  Crawler crawler(FastLocalSettings());
  RecordingHandler first_handler;
  CrawlStats first = crawler.CrawlOnce({site}, first_handler);
  EXPECT_EQ(first.not_modified, 0);
  EXPECT_EQ(first.pages_fetched, 1);
  RecordingHandler second_handler;
  CrawlStats second = crawler.CrawlOnce({site}, second_handler);
  EXPECT_EQ(second.feeds_fetched, 1);
  EXPECT_EQ(second.not_modified, 1);
  EXPECT_EQ(second.pages_fetched, 0);
  EXPECT_TRUE(second_handler.errors.empty());
  EXPECT_EQ(if_none_match, (std::vector<std::string>{"", "\"v1\""}));
}

TEST(CrawlerTest, SkipsFeedItemsOlderThanTheSitesMaxItemAge) {
  const std::time_t now = std::time(nullptr);
  SiteServer server({{"/new", "n"}, {"/week", "w"}, {"/month", "m"}, {"/undated", "u"}});
  SiteServer feed_server({{"/feed.xml", Rss({{server.Url("/new"), now - 3600},
                                             {server.Url("/week"), now - 8 * 86400},
                                             {server.Url("/month"), now - 40 * 86400}})}});
  config::Site site;
  site.id = "ages";
  site.feeds = {feed_server.Url("/feed.xml")};
  site.max_item_age = std::chrono::days(7);
  RecordingHandler handler;
  Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  EXPECT_EQ(server.Paths(), std::vector<std::string>{"/new"});
  site.max_item_age = std::chrono::days(60);
  RecordingHandler all;
  Crawler(FastLocalSettings()).CrawlOnce({site}, all);
  EXPECT_EQ(all.pages.size(), 3u);
}

TEST(CrawlerTest, CrossOriginRedirectTargetsObeyTheirOwnOriginsRobotsTxt) {
  SiteServer target({{"/robots.txt", "User-agent: *\nDisallow: /private/\n"},
                     {"/article", "moved here"},
                     {"/private/x", "must not be fetched"}});
  // Links on the site's own host redirect to the other origin (another port).
  TestServer origin;
  origin.server().Get("/start", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"(<a href="/go">go</a> <a href="/go-private">private</a>)", "text/html");
  });
  origin.server().Get("/go", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(target.Url("/article"), 301);
  });
  origin.server().Get("/go-private", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(target.Url("/private/x"), 302);
  });
  origin.Start();
  config::Site site;
  site.id = "moved";
  site.start_urls = {origin.Url("/start")};
  site.hosts = {"127.0.0.1"};
  RecordingHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings()).CrawlOnce({site}, handler);
  std::vector<std::pair<std::string, Clock::time_point>> seen = target.Requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().first, "/robots.txt");  // before anything else on that origin
  EXPECT_TRUE(Contains(target.Paths(), "/article"));
  EXPECT_FALSE(Contains(target.Paths(), "/private/x"));
  EXPECT_TRUE(Contains(handler.pages, target.Url("/article")));
  EXPECT_EQ(stats.skipped_robots, 1);
}

}  // namespace
}  // namespace kuzet::crawler
