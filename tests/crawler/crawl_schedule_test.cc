// When the crawler reads what: each feed and sitemap on its own adaptive interval, start pages on
// the site's, conditional GETs surviving a restart, robots.txt cached for a day and its Sitemap
// lines followed.
#include <chrono>
#include <mutex>

#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "tests/crawler/crawl_test_util.h"

namespace kuzet::crawler {
namespace {

using std::chrono::seconds;
using testing::Contains;
using testing::FastLocalSettings;
using testing::RecordingHandler;
using testing::TestServer;

using CrawlScheduleTest = testing::CrawlStateFixture;

// A feed whose items the test changes; answers 304 to the ETag of its current version.
class ChangingFeed {
 public:
  ChangingFeed() {
    server_.server().Get("/feed", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      if_none_match_.push_back(req.get_header_value("If-None-Match"));
      std::string etag = "\"v" + std::to_string(version_) + "\"";
      if (req.get_header_value("If-None-Match") == etag) {
        res.status = 304;
        return;
      }
      res.set_header("ETag", etag);
      res.set_content("<rss><channel><item><link>/item" + std::to_string(version_) +
                          "</link></item></channel></rss>",
                      "application/rss+xml");
    });
    server_.server().Get(R"(/item\d+)", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("item", "text/html");
    });
    server_.Start();
  }
  std::string Url(const std::string& path) const { return server_.Url(path); }
  void Change() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++version_;
  }
  std::vector<std::string> IfNoneMatch() {
    std::lock_guard<std::mutex> lock(mutex_);
    return if_none_match_;
  }

 private:
  TestServer server_;
  std::mutex mutex_;
  int version_ = 1;
  std::vector<std::string> if_none_match_;
};

TEST_F(CrawlScheduleTest, FeedIntervalShrinksWhenItChangesAndGrowsWhenNotWithinBounds) {
  ChangingFeed feed;
  config::Site site;
  site.id = "adaptive";
  site.feeds = {feed.Url("/feed")};
  site.interval = seconds(100);
  site.min_interval = seconds(25);
  site.max_interval = seconds(200);
  Crawler crawler(FastLocalSettings(), state_.get());
  RecordingHandler handler;
  auto crawl = [&] { return crawler.CrawlOnce({site}, handler); };  // ignores the schedule

  crawl();
  ResourceState r = Resource("adaptive", feed.Url("/feed"));
  EXPECT_EQ(r.interval_s, 100);  // first read: the configured interval
  EXPECT_EQ(r.etag, "\"v1\"");

  // Unchanged (304): ×1.25 each time, up to max_interval.
  std::vector<int64_t> intervals;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(crawl().not_modified, 1);
    intervals.push_back(Resource("adaptive", feed.Url("/feed")).interval_s);
  }
  EXPECT_EQ(intervals, (std::vector<int64_t>{125, 156, 195, 200}));

  // Changed items: halved each time, down to min_interval.
  intervals.clear();
  for (int i = 0; i < 4; ++i) {
    feed.Change();
    crawl();
    intervals.push_back(Resource("adaptive", feed.Url("/feed")).interval_s);
  }
  EXPECT_EQ(intervals, (std::vector<int64_t>{100, 50, 25, 25}));
  r = Resource("adaptive", feed.Url("/feed"));
  EXPECT_EQ(r.changes, 5);  // the first read counts as a change
  EXPECT_EQ(r.fetches, 9);
  auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  EXPECT_NEAR(static_cast<double>(r.next_due_us - now_us), 25e6, 2e6);
  EXPECT_EQ(handler.pages.size(), 5u);  // /item1 .. /item5, each once
}

TEST_F(CrawlScheduleTest, DaemonCrawlReadsOnlyWhatIsDueAndValidatorsSurviveARestart) {
  ChangingFeed feed;
  config::Site site;
  site.id = "due";
  site.feeds = {feed.Url("/feed")};
  site.interval = seconds(600);
  {
    Crawler crawler(FastLocalSettings(), state_.get());
    RecordingHandler handler;
    EXPECT_EQ(crawler.DueSites({site}, std::chrono::system_clock::now()).size(), 1u);  // never read
    CrawlStats stats = crawler.CrawlOnce({site}, handler, /*due_only=*/true);
    EXPECT_EQ(stats.feeds_fetched, 1);
    auto now = std::chrono::system_clock::now();
    EXPECT_TRUE(crawler.DueSites({site}, now).empty());
    EXPECT_EQ(crawler.DueSites({site}, now + seconds(601)).size(), 1u);
    auto next = crawler.NextDue({site});
    EXPECT_GT(next, now + seconds(590));
    EXPECT_LT(next, now + seconds(601));
    stats = crawler.CrawlOnce({site}, handler, /*due_only=*/true);
    EXPECT_EQ(stats.feeds_fetched, 0);
    EXPECT_EQ(stats.skipped_not_due, 1);
  }
  Reopen();  // a restarted daemon
  Crawler restarted(FastLocalSettings(), state_.get());
  EXPECT_TRUE(restarted.DueSites({site}, std::chrono::system_clock::now()).empty());
  RecordingHandler handler;
  CrawlStats stats = restarted.CrawlOnce({site}, handler);  // crawl --once: read it anyway
  EXPECT_EQ(stats.not_modified, 1);
  EXPECT_EQ(feed.IfNoneMatch(), (std::vector<std::string>{"", "\"v1\""}));
}

TEST_F(CrawlScheduleTest, FollowsRobotsSitemapLinesAndCachesRobotsTxtBetweenCrawls) {
  std::map<std::string, std::string> pages = {
      {"/start", "front page"},
      {"/news-sitemap.xml", "<urlset><url><loc>/story</loc></url></urlset>"},
      {"/story", "story"},
  };
  // robots.txt names the sitemap by its absolute URL, so it is written for the server's port.
  TestServer robots_host;
  robots_host.server().Get("/robots.txt", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("User-agent: *\nDisallow: /private/\nSitemap: " +
                        robots_host.Url("/news-sitemap.xml") + "\n",
                    "text/plain");
  });
  std::mutex mutex;
  std::vector<std::string> paths;
  robots_host.server().Get(R"(/(start|news-sitemap\.xml|story))", [&](const httplib::Request& req,
                                                                      httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      paths.push_back(req.path);
    }
    res.set_content(pages[req.path],
                    req.path == "/news-sitemap.xml" ? "application/xml" : "text/html");
  });
  int robots_requests = 0;
  robots_host.server().set_pre_routing_handler(
      [&](const httplib::Request& req, httplib::Response&) {
        if (req.path == "/robots.txt") {
          std::lock_guard<std::mutex> lock(mutex);
          ++robots_requests;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      });
  robots_host.Start();

  config::Site site;
  site.id = "robots";
  site.start_urls = {robots_host.Url("/start")};
  site.max_depth = 0;
  Crawler crawler(FastLocalSettings(), state_.get());
  RecordingHandler handler;
  crawler.CrawlOnce({site}, handler);
  EXPECT_TRUE(Contains(handler.pages, robots_host.Url("/story")));
  EXPECT_TRUE(Contains(paths, "/news-sitemap.xml"));
  crawler.CrawlOnce({site}, handler);
  EXPECT_EQ(robots_requests, 1);  // cached for 24 hours
  // The sitemap found through robots.txt is scheduled like a configured one.
  EXPECT_EQ(Resource("robots", robots_host.Url("/news-sitemap.xml")).kind, PageKind::kSitemap);

  // robots_sitemaps = false: only what is configured.
  Crawler plain(FastLocalSettings());
  site.robots_sitemaps = false;
  RecordingHandler plain_handler;
  plain.CrawlOnce({site}, plain_handler);
  EXPECT_FALSE(Contains(plain_handler.pages, robots_host.Url("/story")));
}

}  // namespace
}  // namespace kuzet::crawler
