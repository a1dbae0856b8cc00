// One crawl of a set of sites: feeds, sitemaps, start pages and the in-scope links they lead to,
// politely (per-host connection limit and delay, robots.txt, Retry-After) and in parallel across
// hosts. See crawler/README.md for the rules.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/status.h"
#include "crawler/fetcher.h"
#include "crawler/frontier.h"

namespace kuzet::crawler {

struct CrawledPage {
  const config::Site* site = nullptr;
  std::string url;  // canonical form of the final URL (after redirects)
  FetchResponse response;
  int depth = 0;
  PageKind kind = PageKind::kLink;
};

// Implemented by the app (extract, match, store). Calls are serialized: never two at once, all
// from the thread that called CrawlOnce.
class CrawlHandler {
 public:
  virtual ~CrawlHandler() = default;
  // Whether a discovered (non-start, non-feed) URL should be fetched: false when already stored.
  // Start pages, feeds and sitemaps are always fetched.
  virtual bool ShouldFetch(const config::Site& site, const std::string& canonical_url) = 0;
  // An HTML (or other non-feed) page was fetched with status 200. Returns its outgoing links
  // (absolute) and any feed links it advertises; the crawler filters them by scope, canonicalizes
  // and de-duplicates. A returned link that turns out to be a feed is read as a feed.
  virtual std::vector<std::string> OnPage(const CrawledPage& page) = 0;
  // A fetch failed, returned a non-200 status, was refused by robots.txt, or a feed/sitemap could
  // not be parsed. The status message names the URL (and the HTTP status when there was one).
  virtual void OnFetchError(const config::Site& site, const std::string& url,
                            const Status& error) = 0;
};

struct CrawlStats {
  int pages_fetched = 0;    // start pages and links (any status)
  int feeds_fetched = 0;    // feeds and sitemaps (any status)
  int not_modified = 0;     // feeds and sitemaps answered 304 to a conditional GET
  int errors = 0;           // OnFetchError calls
  int skipped_seen = 0;     // ShouldFetch returned false
  int skipped_scope = 0;    // discovered URLs outside the site's scope (or unparseable)
  int skipped_robots = 0;   // disallowed by robots.txt
  int skipped_budget = 0;   // left in the queue when the site reached max_pages
  int skipped_backoff = 0;  // dropped because a host asked to wait longer than 60 s
  int robots_fetched = 0;
  int retries = 0;    // fetches repeated after 429/503
  int64_t bytes = 0;  // bytes_received of every fetch
};

class Crawler {
 public:
  explicit Crawler(const config::Settings& settings);
  ~Crawler();

  // Crawls every site once and returns when the queue is empty. Fetches run on
  // settings.concurrency worker threads (one Fetcher each); handler calls happen on the calling
  // thread. `frontier` may be given to replace the in-memory queue (it must be empty).
  // One CrawlOnce at a time per Crawler: the ETag / Last-Modified of every feed and sitemap is
  // kept between calls and sent back (conditional GET), so an unchanged feed costs a 304.
  CrawlStats CrawlOnce(const std::vector<config::Site>& sites, CrawlHandler& handler,
                       Frontier* frontier = nullptr);

 private:
  config::Settings settings_;
  // Canonical feed/sitemap URL -> the conditional request to send next time.
  std::map<std::string, FetchRequest> conditional_requests_;
};

}  // namespace kuzet::crawler
