// The crawler's persistent state: the frontier (URLs waiting to be fetched), the schedule and
// validators of every configured feed, sitemap and start page, and per-site status. One RocksDB
// database in <data_dir>/crawl, apart from the article store: the crawler owns its own format
// (crawler/README.md, "Crawl state on disk"). Each processed fetch is one atomic Commit, so after
// kill -9 the crawl resumes from the last fetch it finished.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "crawler/frontier.h"
#include "storage/storage_fault.h"

namespace rocksdb {
class Env;
}

namespace kuzet::crawler {

// A URL in the frontier, with what the crawl knew when it queued it.
struct QueuedUrl {
  std::string site_id;
  std::string url;  // canonical
  int depth = 0;
  PageKind kind = PageKind::kLink;
  int attempts = 0;           // fetches already tried (429/503 retries)
  int64_t queued_at_us = 0;   // unix microseconds
  int64_t not_before_us = 0;  // not fetched before (its host asked to wait: Retry-After)
};

// A configured feed, sitemap or start page (or a sitemap found through an index or robots.txt):
// its conditional-GET validators and its own schedule.
struct ResourceState {
  PageKind kind = PageKind::kFeed;
  std::string etag, last_modified;  // of the last 200 response; sent back as If-None-Match / -Since
  int last_status = 0;              // HTTP status of the last fetch; 0: transport error
  int64_t last_fetch_us = 0;
  int64_t last_change_us = 0;  // last fetch whose item list differed from the one before
  int64_t interval_s = 0;      // current interval (adaptive for feeds and sitemaps)
  int64_t next_due_us = 0;     // not fetched again before this (unless the crawl ignores schedules)
  uint64_t items_hash = 0;     // of the item URLs of the last 200 response (feeds and sitemaps)
  int64_t fetches = 0, changes = 0;
};

// What `kuzet status` shows of a site; updated with every fetch.
struct SiteStatus {
  int64_t round_started_us = 0;
  int64_t round_finished_us = 0;  // 0 while a round is running (or was interrupted)
  int64_t last_fetch_us = 0;
  std::string last_fetch_url;
  int last_fetch_status = 0;  // 0: transport error
  int64_t round_fetches = 0, round_errors = 0, round_not_modified = 0;
  int64_t total_fetches = 0, total_errors = 0;
  std::string last_error;  // message naming the URL
  int64_t last_error_us = 0;
};

// One change to the frontier: a URL queued (added or replaced) or done (removed).
struct FrontierEdit {
  enum class Action { kQueue, kDone } action = Action::kQueue;
  QueuedUrl url;  // kDone: only site_id and url are used
};

// Writes applied together (one RocksDB WriteBatch). Frontier edits apply in the order they were
// recorded, so the last edit of a URL decides: queued then done (found and fetched in one batch)
// leaves it out of the frontier, done then queued (fetched, to be fetched again) keeps it.
struct CrawlStateChange {
  std::vector<FrontierEdit> frontier;
  std::vector<std::pair<std::pair<std::string, std::string>, ResourceState>>
      resources;                                          // ((site id, url), state)
  std::vector<std::pair<std::string, SiteStatus>> sites;  // (site id, status)

  void Enqueue(QueuedUrl q) { frontier.push_back({FrontierEdit::Action::kQueue, std::move(q)}); }
  void Dequeue(std::string site_id, std::string url) {
    QueuedUrl q;
    q.site_id = std::move(site_id);
    q.url = std::move(url);
    frontier.push_back({FrontierEdit::Action::kDone, std::move(q)});
  }
  bool empty() const { return frontier.empty() && resources.empty() && sites.empty(); }
};

// Where a data dir keeps the crawl state: <data_dir>/crawl.
std::string CrawlStateDir(const std::string& data_dir);

class CrawlState {
 public:
  enum class Mode {
    kReadWrite,  // the crawling process; one at a time (RocksDB's lock)
    kReadOnly,   // a secondary instance beside a running daemon (kuzet status)
  };

  // Opens (kReadWrite: creates) the state in `dir` (normally <data_dir>/crawl). A newer format,
  // a damaged database or a dir held by another crawling process is an error naming `dir`.
  // `env`: what RocksDB reads and writes files through (nullptr: the operating system); it must
  // outlive the CrawlState.
  static Result<std::unique_ptr<CrawlState>> Open(const std::string& dir,
                                                  Mode mode = Mode::kReadWrite,
                                                  rocksdb::Env* env = nullptr);
  ~CrawlState();
  CrawlState(const CrawlState&) = delete;
  CrawlState& operator=(const CrawlState&) = delete;

  Status Commit(const CrawlStateChange& change);

  // The frontier of one site, oldest first.
  Result<std::vector<QueuedUrl>> Queue(const std::string& site_id) const;
  Result<int64_t> QueueSize(const std::string& site_id) const;
  // Site ids that have queued URLs.
  Result<std::vector<std::string>> SitesWithQueue() const;

  Result<std::optional<ResourceState>> Resource(const std::string& site_id,
                                                const std::string& url) const;
  // Every resource of a site, by URL.
  Result<std::vector<std::pair<std::string, ResourceState>>> Resources(
      const std::string& site_id) const;

  Result<std::optional<SiteStatus>> Site(const std::string& site_id) const;

  // kReadOnly: catches up with what the crawling process has written since (a no-op otherwise).
  Status Refresh();

  // The fault that stops writing (storage/storage_fault.h): a full disk (kDiskFull, until
  // ResumeWrites succeeds) or corruption or an I/O error (kFatal). The crawl state lives on the
  // data dir's disk, beside the store, so the daemon treats its faults like the store's.
  storage::StorageFault Fault() const;
  // After kDiskFull: resumes writing if space has returned; returns the fault that remains.
  storage::StorageFault ResumeWrites();

 private:
  struct Impl;
  explicit CrawlState(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kuzet::crawler
