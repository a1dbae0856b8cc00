// The queue of URLs waiting to be fetched in a crawl.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kuzet::crawler {

// kRefetch: a watched document fetched again (Crawler::CrawlOnce's refetches), never durable.
enum class PageKind { kStart, kFeed, kSitemap, kLink, kRefetch };

// "start", "feed", "sitemap", "link": as written in the crawl state and shown by `kuzet status`.
const char* PageKindName(PageKind kind);

struct RedirectHop;  // crawler.h

struct CrawlTask {
  size_t site_index = 0;  // into the sites given to Crawler::CrawlOnce
  std::string url;        // canonical
  std::string host;       // politeness key (HostOf(url))
  int depth = 0;
  PageKind kind = PageKind::kLink;
  int attempts = 0;      // fetches already tried (retries after 429/503)
  int redirects = 0;     // cross-origin redirects that led here (bounded by max_redirects)
  bool durable = false;  // queued in CrawlState too (discovered URLs; configured ones are not)
  bool resumed = false;  // queued by an earlier, interrupted crawl
  std::string etag, last_modified;  // kRefetch: the validators of a conditional GET
  // kRefetch after a redirect to another origin: the watched document's URL, which the task's
  // outcome is handed over under (its first request's); empty: `url` is.
  std::string watched_url;
  bool last_attempt = false;  // kRefetch: RefetchRequest::last_attempt
  // kRefetch after a redirect to another origin: the 3xx responses that led here, first first.
  std::vector<std::shared_ptr<const RedirectHop>> redirected_from;
};

// The crawl's in-memory queue, ordered for politeness: per-origin queues visited round-robin, so
// an origin with a long queue cannot starve the others. Its durable copy (what survives a kill)
// is the `frontier` family of CrawlState; this one only orders the work of one CrawlOnce.
class Frontier {
 public:
  void Push(CrawlTask task);
  // The next task whose host `ready` accepts, best first: feeds and sitemaps, then by depth
  // (breadth-first), FIFO within a depth. nullopt when no ready host has a task.
  std::optional<CrawlTask> PopReady(const std::function<bool(const std::string&)>& ready);
  // Removes every queued task of `host` and returns them.
  std::vector<CrawlTask> DropHost(const std::string& host);
  bool Empty() const { return size_ == 0; }

 private:
  // host -> priority -> FIFO.
  std::map<std::string, std::map<int, std::deque<CrawlTask>>> queues_;
  std::string last_host_;  // round-robin position
  size_t size_ = 0;
};

}  // namespace kuzet::crawler
