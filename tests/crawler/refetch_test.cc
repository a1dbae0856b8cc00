// Re-fetches of watched documents (Crawler::CrawlOnce's refetches, issue #20): conditional GETs
// with the validators given, through the host's queue, and every outcome (200, 304, 404, a
// refusal by robots.txt) handed to the handler as a page of kind kRefetch under the URL
// requested; a redirect to another origin followed through that origin's robots.txt and queue.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/crawler/crawl_test_util.h"

namespace kuzet::crawler {
namespace {

using testing::FastLocalSettings;

class RefetchHandler : public CrawlHandler {
 public:
  struct Seen {
    PageKind kind;
    long status;
    std::string final_url;
    // The 3xx responses to other origins followed before it: "STATUS URL", first first.
    std::vector<std::string> redirected_from;
  };
  std::map<std::string, Seen> pages;  // by CrawledPage::url
  std::vector<std::string> errors;

  bool ShouldFetch(const config::Site&, const std::string&) override { return false; }
  std::vector<std::string> OnPage(const CrawledPage& page) override {
    Seen seen{page.kind, page.response.status, page.response.final_url, {}};
    for (const auto& hop : page.redirected_from) {
      // As the archive records it: the 3xx head as received, from the URL that answered it.
      EXPECT_NE(hop->response.response_head.find("Location: "), std::string::npos);
      seen.redirected_from.push_back(std::to_string(hop->response.status) + " " +
                                     hop->response.final_url);
    }
    pages[page.url] = std::move(seen);
    return {};
  }
  void OnFetchError(const config::Site&, const std::string& url, const Status&) override {
    errors.push_back(url);
  }
};

TEST(RefetchTest, EveryOutcomeReachesTheHandlerAndValidatorsAreSent) {
  testing::TestServer server;
  std::mutex mu;
  std::map<std::string, std::string> if_none_match;
  server.server().Get(R"(/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if_none_match[req.path] = req.get_header_value("If-None-Match");
    }
    if (req.path == "/same" && req.get_header_value("If-None-Match") == "\"v1\"") {
      res.status = 304;
    } else if (req.path == "/gone" || req.path == "/robots.txt") {
      res.status = 404;
    } else {
      res.set_content("<html><body>article</body></html>", "text/html");
    }
  });
  server.Start();
  config::Site site;
  site.id = "local";
  std::vector<RefetchRequest> refetches = {
      {"local", server.Url("/same"), "\"v1\"", ""},
      {"local", server.Url("/gone"), "", ""},
      {"local", server.Url("/edited"), "\"old\"", ""},
      {"no-such-site", server.Url("/other"), "", ""},
  };
  RefetchHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings()).CrawlOnce({site}, handler, true, refetches);
  EXPECT_EQ(stats.refetched, 3);
  ASSERT_EQ(handler.pages.size(), 3u);
  for (const auto& [url, seen] : handler.pages) EXPECT_EQ(seen.kind, PageKind::kRefetch) << url;
  EXPECT_EQ(handler.pages[server.Url("/same")].status, 304);
  EXPECT_EQ(handler.pages[server.Url("/gone")].status, 404);
  EXPECT_EQ(handler.pages[server.Url("/edited")].status, 200);
  EXPECT_FALSE(handler.pages.contains(server.Url("/other")));  // its site is not crawled
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(if_none_match["/same"], "\"v1\"");
  EXPECT_EQ(if_none_match["/edited"], "\"old\"");
  EXPECT_EQ(if_none_match["/gone"], "");
}

// A re-fetch robots.txt refuses is not fetched, and the watch is told (status 0, no response),
// so it records a failed fetch and tries at the next step of its schedule rather than every round.
TEST(RefetchTest, RobotsRefusalIsHandedOverAsAFailedFetch) {
  testing::TestServer server;
  std::mutex mu;
  int article_requests = 0;
  server.server().Get(R"(/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/robots.txt") {
      res.set_content("User-agent: *\nDisallow: /private/\n", "text/plain");
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    ++article_requests;
    res.set_content("<html><body>article</body></html>", "text/html");
  });
  server.Start();
  config::Site site;
  site.id = "local";
  RefetchHandler handler;
  CrawlStats stats = Crawler(FastLocalSettings())
                         .CrawlOnce({site}, handler, true,
                                    {{"local", server.Url("/private/a.html"), "\"v1\"", ""}});
  EXPECT_EQ(stats.refetched, 1);
  EXPECT_EQ(stats.skipped_robots, 1);
  ASSERT_TRUE(handler.pages.contains(server.Url("/private/a.html")));
  const RefetchHandler::Seen& seen = handler.pages[server.Url("/private/a.html")];
  EXPECT_EQ(seen.kind, PageKind::kRefetch);
  EXPECT_EQ(seen.status, 0);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(article_requests, 0);
}

// A robots.txt that cannot be read (here 503) refuses everything (RFC 9309 §2.3.1.4), but for
// the watch it is a site briefly down, not a refusal: the re-fetch is neither made nor handed
// over, so it stays due, and a later crawl that reads the robots.txt fetches it. Only on the
// watch's last attempt at its step is it handed over as a failed fetch.
TEST(RefetchTest, UnreachableRobotsTxtLeavesTheRefetchDueUntilItsLastAttempt) {
  testing::TestServer server;
  std::mutex mu;
  int robots_status = 503;
  int article_requests = 0;
  server.server().Get(R"(/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    if (req.path == "/robots.txt") {
      res.status = robots_status;
      if (robots_status == 200) res.set_content("User-agent: *\nAllow: /\n", "text/plain");
      return;
    }
    ++article_requests;
    res.set_content("<html><body>article</body></html>", "text/html");
  });
  server.Start();
  config::Site site;
  site.id = "local";
  const std::string url = server.Url("/a.html");
  const auto crawl = [&](int status, bool last_attempt, RefetchHandler& handler) {
    {
      std::lock_guard<std::mutex> lock(mu);
      robots_status = status;
    }
    RefetchRequest request{"local", url, "", ""};
    request.last_attempt = last_attempt;
    return Crawler(FastLocalSettings()).CrawlOnce({site}, handler, true, {request});
  };

  RefetchHandler down;
  CrawlStats stats = crawl(503, /*last_attempt=*/false, down);
  EXPECT_EQ(stats.refetches_deferred, 1);
  EXPECT_EQ(stats.refetched, 0);
  EXPECT_TRUE(down.pages.empty());  // nothing for the watch to record: it stays due
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(article_requests, 0);  // still not crawled while robots.txt is unreadable
  }

  RefetchHandler back;
  stats = crawl(200, /*last_attempt=*/false, back);
  EXPECT_EQ(stats.refetches_deferred, 0);
  EXPECT_EQ(stats.refetched, 1);
  ASSERT_TRUE(back.pages.contains(url));
  EXPECT_EQ(back.pages[url].status, 200);

  RefetchHandler last;
  stats = crawl(503, /*last_attempt=*/true, last);
  EXPECT_EQ(stats.refetches_deferred, 0);
  EXPECT_EQ(stats.refetched, 1);
  ASSERT_TRUE(last.pages.contains(url));
  EXPECT_EQ(last.pages[url].status, 0);  // a failed fetch: the watch moves a step
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(article_requests, 1);
}

// Two loopback origins: the watched site's articles redirect to another origin, as when a site
// moves to a new domain or hands its pages to a parking page. The target is fetched as a task of
// its own origin (its robots.txt obeyed), within max_redirects, and the outcome is handed over
// under the watched URL with the final URL where it landed.
TEST(RefetchTest, CrossOriginRedirectIsFollowedThroughTheTargetsRobotsTxt) {
  testing::TestServer old_site, new_site;
  std::mutex mu;
  std::map<std::string, int> new_site_requests;
  old_site.server().Get(R"(/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/robots.txt") {
      res.status = 404;
    } else if (req.path == "/loop") {
      res.set_redirect(new_site.Url("/loop"), 301);
    } else {
      res.set_redirect(new_site.Url(req.path), 301);  // the whole site moved
    }
  });
  new_site.server().Get(R"(/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++new_site_requests[req.path];
    }
    if (req.path == "/robots.txt") {
      res.set_content("User-agent: *\nDisallow: /private/\n", "text/plain");
    } else if (req.path == "/loop") {
      res.set_redirect(old_site.Url("/loop"), 301);
    } else if (req.path == "/parked") {
      res.set_redirect(new_site.Url("/"), 302);  // same origin: the fetcher follows it
    } else {
      res.set_content("<html><body>" + req.path + "</body></html>", "text/html");
    }
  });
  old_site.Start();
  new_site.Start();
  config::Site site;
  site.id = "local";
  config::Settings settings = FastLocalSettings();
  settings.max_redirects = 4;
  RefetchHandler handler;
  CrawlStats stats = Crawler(settings).CrawlOnce({site}, handler, true,
                                                 {
                                                     {"local", old_site.Url("/a.html"), "", ""},
                                                     {"local", old_site.Url("/parked"), "", ""},
                                                     {"local", old_site.Url("/private/b"), "", ""},
                                                     {"local", old_site.Url("/loop"), "", ""},
                                                 });
  EXPECT_EQ(stats.refetched, 4);
  ASSERT_EQ(handler.pages.size(), 4u);
  for (const auto& [url, seen] : handler.pages) EXPECT_EQ(seen.kind, PageKind::kRefetch) << url;
  // Moved: the article at its new address.
  EXPECT_EQ(handler.pages[old_site.Url("/a.html")].status, 200);
  EXPECT_EQ(handler.pages[old_site.Url("/a.html")].final_url, new_site.Url("/a.html"));
  // The old origin's 301 comes with it, for the evidence archive (where the article went).
  EXPECT_EQ(handler.pages[old_site.Url("/a.html")].redirected_from,
            std::vector<std::string>{"301 " + old_site.Url("/a.html")});
  // Parked: the other site's front page (a same-origin redirect there, followed by the fetcher).
  EXPECT_EQ(handler.pages[old_site.Url("/parked")].status, 200);
  EXPECT_EQ(handler.pages[old_site.Url("/parked")].final_url, new_site.Url("/"));
  // The target's robots.txt refuses it: not fetched, handed over as a failed fetch.
  EXPECT_EQ(handler.pages[old_site.Url("/private/b")].status, 0);
  // A loop between the origins ends at max_redirects: the last redirect is handed over.
  EXPECT_EQ(handler.pages[old_site.Url("/loop")].status, 301);
  EXPECT_EQ(
      handler.pages[old_site.Url("/loop")].redirected_from,
      (std::vector<std::string>{"301 " + old_site.Url("/loop"), "301 " + new_site.Url("/loop"),
                                "301 " + old_site.Url("/loop"), "301 " + new_site.Url("/loop")}));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(new_site_requests["/private/b"], 0);
  EXPECT_EQ(new_site_requests["/robots.txt"], 1);
  EXPECT_EQ(new_site_requests["/loop"], 2);  // hops 1 and 3 of 4; the fifth is not followed
}

}  // namespace
}  // namespace kuzet::crawler
