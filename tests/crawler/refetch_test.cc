// Re-fetches of watched documents (Crawler::CrawlOnce's refetches, issue #20): conditional GETs
// with the validators given, through the host's queue, and every outcome (200, 304, 404) handed to
// the handler as a page of kind kRefetch under the URL requested.
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
  };
  std::map<std::string, Seen> pages;  // by CrawledPage::url
  std::vector<std::string> errors;

  bool ShouldFetch(const config::Site&, const std::string&) override { return false; }
  std::vector<std::string> OnPage(const CrawledPage& page) override {
    pages[page.url] = Seen{page.kind, page.response.status};
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

}  // namespace
}  // namespace kuzet::crawler
