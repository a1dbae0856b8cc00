// The queue of URLs waiting to be fetched in a crawl. An interface so that a durable frontier
// (surviving restarts, shared between crawls) can replace the in-memory one without touching the
// scheduling in Crawler.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kuzet::crawler {

enum class PageKind { kStart, kFeed, kSitemap, kLink };

struct CrawlTask {
  size_t site_index = 0;  // into the sites given to Crawler::CrawlOnce
  std::string url;        // canonical
  std::string host;       // politeness key (HostOf(url))
  int depth = 0;
  PageKind kind = PageKind::kLink;
  int attempts = 0;  // fetches already tried (retries after 429/503)
};

class Frontier {
 public:
  virtual ~Frontier() = default;
  virtual void Push(CrawlTask task) = 0;
  // The next task whose host `ready` accepts, best first: feeds and sitemaps, then by depth
  // (breadth-first), FIFO within a depth. nullopt when no ready host has a task.
  virtual std::optional<CrawlTask> PopReady(
      const std::function<bool(const std::string&)>& ready) = 0;
  // Drops every queued task of `host` and returns how many there were.
  virtual size_t DropHost(const std::string& host) = 0;
  virtual bool Empty() const = 0;
};

// Per-host queues visited round-robin, so a host with a long queue cannot starve the others.
class InMemoryFrontier : public Frontier {
 public:
  void Push(CrawlTask task) override;
  std::optional<CrawlTask> PopReady(const std::function<bool(const std::string&)>& ready) override;
  size_t DropHost(const std::string& host) override;
  bool Empty() const override { return size_ == 0; }

 private:
  // host -> priority -> FIFO.
  std::map<std::string, std::map<int, std::deque<CrawlTask>>> queues_;
  std::string last_host_;  // round-robin position
  size_t size_ = 0;
};

}  // namespace kuzet::crawler
