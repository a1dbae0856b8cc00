// One crawl of a set of sites: feeds, sitemaps, start pages and the in-scope links they lead to,
// politely (per-host connection limit and delay, robots.txt, Retry-After) and in parallel across
// hosts. See crawler/README.md for the rules.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "crawler/crawl_state.h"
#include "crawler/fetcher.h"
#include "crawler/frontier.h"

namespace kuzet::crawler {

// A 3xx to another origin that a re-fetch followed, as received (for the evidence archive).
struct RedirectHop {
  FetchResponse response;
  int64_t received_at_us = 0;  // when the crawl thread got it (unix microseconds)
};

struct CrawledPage {
  const config::Site* site = nullptr;
  std::string url;  // canonical form of the final URL (after redirects)
  FetchResponse response;
  int depth = 0;
  PageKind kind = PageKind::kLink;
  // kRefetch: the redirects to other origins followed before `response`, first first (at most
  // settings.max_redirects); empty for every other page.
  std::vector<std::shared_ptr<const RedirectHop>> redirected_from;
};

// What a handler computed for a page on a worker thread, handed back to it on the writer thread.
class PageResult {
 public:
  virtual ~PageResult() = default;
};

// One page of a group committed together (CrawlHandler::CommitGroup).
struct PageCommit {
  const CrawledPage* page = nullptr;
  std::unique_ptr<PageResult> result;  // as Analyze returned it (may be null)
  // Set by the handler: the page's links (as Commit returns them), and whether it was recorded.
  // A page not recorded stays in the durable queue and its links are not followed.
  std::vector<std::string> links;
  bool recorded = false;
};

// Implemented by the app (extract, match, store). A fetched page goes through two steps:
// Analyze, pure computation, on one of the crawler's worker threads (several pages at once), then
// its commit on the crawler's writer thread, in the order the analyses finish: the analyses
// finished when the writer is free are committed as one group (CommitGroup) once enough are ready
// (8, or 2 x workers if more), the oldest has waited 30 ms, nothing else is being fetched or
// analyzed, or the crawl stops. A group's pages leave the durable queue in one crawl-state batch
// the crawl thread writes after CommitGroup returns. Groups are committed one at a time, in order.
//
// Threads (issue #17): the thread that called CrawlOnce (the crawl thread) makes the calls of the
// crawl itself (ShouldFetch, OnFetched, OnFetchError), serialized. The writer thread makes the
// commit calls (CommitGroup, and from the default CommitGroup Commit, OnPage and CanStore),
// serialized, and *concurrently* with the crawl thread's calls: the crawl thread goes on fetching
// while a group is being written. State a handler touches from both sides must be synchronized.
// Every call of one CrawlOnce has returned when it returns. A handler with nothing to move off
// the crawl thread implements OnPage only.
class CrawlHandler {
 public:
  virtual ~CrawlHandler() = default;
  // Whether a discovered (non-start, non-feed) URL should be fetched: false when already stored.
  // Start pages, feeds and sitemaps are always fetched. On the crawl thread, while the writer may
  // be committing a group: a page of that group may not be visible yet (the crawl's own
  // de-duplication covers every URL fetched in it).
  virtual bool ShouldFetch(const config::Site& site, const std::string& canonical_url) = 0;
  // Thread-safe: an HTML (or other non-feed) page fetched with status 200, on a worker thread.
  // `cancel` is set when the crawl is stopping and its grace has run out: long work should end.
  virtual std::unique_ptr<PageResult> Analyze(const CrawledPage& /*page*/,
                                              const std::atomic<bool>& /*cancel*/) {
    return nullptr;
  }
  // Whether Commit still reads the page's body (FetchResponse::body, encoded_body) once Analyze
  // returned `result` (not null). When it does not, the crawler frees the body as soon as the
  // analysis is done: an analyzed page may wait a while for the writer (a long sync), and its body
  // is most of its bytes. Thread-safe: on the worker, after Analyze.
  virtual bool CommitReadsBody(const CrawledPage& /*page*/, const PageResult& /*result*/) const {
    return true;
  }
  // The page's result (as Analyze returned it): record it, and return the page's outgoing links
  // (absolute) and any feed links it advertises; the crawler filters them by scope,
  // canonicalizes and de-duplicates. A returned link that turns out to be a feed is read as a
  // feed. The page leaves the durable queue only after Commit: a page not committed (kill -9,
  // Stop past its grace) is fetched again by the next crawl. On the writer thread.
  virtual std::vector<std::string> Commit(const CrawledPage& page,
                                          std::unique_ptr<PageResult> /*result*/) {
    return OnPage(page);
  }
  // The pages of one group, in the order their analyses finished: set each one's links and
  // recorded. A handler that can write several pages with one sync overrides it; it must give the
  // same documents and stories as committing them one by one in that order. The default commits
  // each with Commit; a page is recorded when CanStore() holds after its Commit. On the writer
  // thread, one group at a time; a group handed to it is finished even after Stop's grace.
  virtual void CommitGroup(std::vector<PageCommit>& group);
  // Whether the handler can still record what Commit is given. A page committed while it cannot
  // (its store is failing: a full disk, damage) stays in the durable queue, and its links are
  // not followed: a later crawl fetches it again instead of losing it. Called by the default
  // CommitGroup, on the writer thread.
  virtual bool CanStore() const { return true; }
  // Analyze and Commit in one step on the writer thread, for handlers that need no worker.
  virtual std::vector<std::string> OnPage(const CrawledPage& /*page*/) { return {}; }
  // Every fetch of a page, feed or sitemap (not robots.txt) as it finishes, whatever its outcome
  // (a response of any status, or a transport error), before anything else is done with it; on
  // the crawl thread. `seconds`: from its start to its end. For monitoring
  // (app/pipeline_metrics.h).
  virtual void OnFetched(const config::Site& /*site*/, PageKind /*kind*/,
                         const Result<FetchResponse>& /*response*/, double /*seconds*/) {}
  // A fetch failed, returned a non-200 status, was refused by robots.txt, or a feed/sitemap could
  // not be parsed. The status message names the URL (and the HTTP status when there was one).
  // On the crawl thread.
  virtual void OnFetchError(const config::Site& site, const std::string& url,
                            const Status& error) = 0;
};

// A watched document to fetch again in a crawl (issue #20): conditionally (RFC 9110 §13.1) with
// the validators of its last fetch, politely like any page of its host (robots.txt, delay,
// connection limit), outside the site's page budget and durable queue (the store's re-fetch
// queue is the durable copy). Whatever comes back (a 304, a 404, a 5xx, a redirect to another
// origin, not followed, or no response at all: status 0) goes to the handler's Analyze and
// Commit as a page of kind kRefetch whose `url` is the URL requested.
struct RefetchRequest {
  std::string site_id;  // a site given to CrawlOnce
  std::string url;      // canonical
  std::string etag, last_modified;
  // A robots.txt that cannot be read (5xx, 429, no response; RFC 9309 §2.3.1.4) refuses the
  // fetch. Unless this is the watch's last attempt at its step, that is a temporary failure: the
  // re-fetch is not handed over and stays due (CrawlStats::refetches_deferred). On the last
  // attempt it is handed over as a failed fetch (status 0), like a refusal robots.txt states.
  bool last_attempt = false;
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
  int skipped_backoff = 0;  // left queued because a host asked to wait longer than 60 s
  int skipped_not_due = 0;  // feeds, sitemaps and start pages not due yet (due_only)
  int resumed = 0;          // queued URLs taken over from an interrupted crawl
  bool stopped = false;     // Stop() ended the crawl before its queue was empty
  int refetched = 0;        // watched documents fetched again (refetches), any outcome
  // Refetches neither made nor handed over (left due): their robots.txt could not be read.
  int refetches_deferred = 0;
  int robots_fetched = 0;
  int retries = 0;    // fetches repeated after 429/503
  int64_t bytes = 0;  // bytes_received of every fetch
};

class Crawler {
 public:
  // `state`: where the frontier, the feeds' validators and schedule and the sites' status live
  // (crawl_state.h); it must outlive the Crawler. nullptr: in memory, for this Crawler's life.
  explicit Crawler(const config::Settings& settings, CrawlState* state = nullptr);
  ~Crawler();

  // Crawls the sites once and returns when their queues are empty (or after Stop). Fetches run
  // on one MultiFetcher (settings.concurrency in flight); fetched pages are analyzed on
  // settings.workers threads (0: one per core) and committed on one writer thread; fetches in
  // flight and pages not yet committed stay within concurrency + 2 x workers. The other handler
  // calls happen on the calling thread (CrawlHandler: Threads). URLs left queued by an
  // interrupted crawl of these sites (kill, Stop, a host that asked to wait) are fetched first,
  // each article URL offered to ShouldFetch again. due_only: read only the feeds, sitemaps and
  // start pages whose next fetch is due (the daemon); false: all of them (`crawl --once`). One
  // CrawlOnce at a time per Crawler.
  // `refetches`: watched documents fetched once more in this crawl (RefetchRequest).
  CrawlStats CrawlOnce(const std::vector<config::Site>& sites, CrawlHandler& handler,
                       bool due_only = false, std::vector<RefetchRequest> refetches = {});

  // From any thread: the running (or next) CrawlOnce starts no new fetch, gives those in flight
  // and the pages being analyzed up to `grace` to finish, then cancels the analyses (a worker
  // ends its page at the next budget check) and returns once the group in the writer (if any)
  // is committed, whatever the grace. What was not fetched or not committed stays queued.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

  // The sites that have work due at `now`: queued URLs, or a feed, sitemap or start page whose
  // next fetch has come (or never was fetched).
  std::vector<config::Site> DueSites(const std::vector<config::Site>& sites,
                                     std::chrono::system_clock::time_point now);
  // When the first of `sites` has work due (a time in the past when some are due now).
  std::chrono::system_clock::time_point NextDue(const std::vector<config::Site>& sites);

  // Internal (crawler.cc): what the Crawler keeps between crawls.
  struct Memory;

 private:
  config::Settings settings_;
  CrawlState* state_;
  std::unique_ptr<Memory> memory_;  // robots.txt cache; resources and status without a state
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> grace_ms_{3000};
};

}  // namespace kuzet::crawler
