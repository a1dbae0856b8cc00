#include "crawler/crawler.h"

#include <spdlog/spdlog.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/keyed_hash.h"
#include "base/time.h"
#include "crawler/feed.h"
#include "crawler/feed_date.h"
#include "crawler/robots.h"
#include "crawler/schedule.h"
#include "crawler/scope.h"
#include "crawler/sitemap.h"
#include "crawler/worker_pool.h"
#include "url/address.h"
#include "url/url.h"

namespace kuzet::crawler {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxSitemapsPerSite = 20;                    // sitemap-index children followed
constexpr auto kMaxCrawlDelay = std::chrono::seconds(30);  // robots.txt Crawl-delay honoured up to
constexpr auto kMaxRetryAfter = std::chrono::seconds(60);  // longer Retry-After: give up the host
constexpr int kMaxAttempts = 3;                            // fetches of one URL after 429/503

// Group commit (issue #17): each group costs the writer a WARC fsync and a WAL fdatasync (11-16 ms
// each on the bench's shared disk), whatever its size. Handed over the moment the writer was free,
// groups averaged 1.3 pages, so the writer synced once per 1.3 pages and its syncs bounded the
// crawl. Pages ready for the writer now wait until kGroupPagesMin (or 2 x workers, if more) are
// ready, or the oldest has waited kGroupWait, or nothing else is coming (no fetch in flight, no
// page on a worker), or the crawl is stopping. The wait is short beside a sync, and the pages
// keep their place in the memory bound while they wait (bench/pipeline/NOTES.md, session 9).
constexpr size_t kGroupPagesMin = 8;
constexpr auto kGroupWait = std::chrono::milliseconds(30);

// A fetch in flight: what to do with its result.
struct InFlight {
  CrawlTask task;
  bool robots = false;  // the task is the robots.txt of task.host
  Clock::time_point started{};
};

// A page analyzed by a worker, waiting for (or in) its commit on the writer thread.
struct Analyzed {
  CrawlTask task;
  std::shared_ptr<CrawledPage> page;
  std::unique_ptr<PageResult> result;
  std::chrono::steady_clock::time_point ready_at{};  // when its analysis finished
};

// A finished fetch.
struct Done {
  CrawlTask task;
  bool robots = false;
  Result<FetchResponse> response;
  double seconds = 0;  // from Start to the result, failed fetches included
};

// Politeness state of one origin (scheme://host:port).
struct HostState {
  enum class Robots { kUnknown, kPending, kKnown };
  bool initialized = false;
  int in_flight = 0;
  // Earliest start of the next request: `delay` after the latest request's start and after the
  // end of its answer.
  Clock::time_point next_start{};
  Clock::duration delay{};  // per_host_delay, raised by robots.txt Crawl-delay
  Robots robots = Robots::kUnknown;
  RobotsRules rules;
  std::string robots_note;          // why everything is disallowed, for error messages
  bool robots_unreachable = false;  // disallowed because robots.txt could not be read
  int64_t retry_not_before_us = 0;  // gave_up: when it may be asked again (unix microseconds)
  bool gave_up = false;  // asked to wait longer than kMaxRetryAfter: no more fetches this crawl
};

struct SiteState {
  const config::Site* site = nullptr;
  SiteScope scope;
  int pages_dispatched = 0;
  int sitemaps_dispatched = 0;
  // Links (as returned by OnPage) already judged for this site: pages repeat their navigation
  // and related links, and a repeat is dropped here without canonicalizing it again.
  std::unordered_set<std::string, base::KeyedStringHash> links_seen;
  SiteStatus status;  // as written to the ledger
  Clock::time_point status_written{};
  bool status_dirty = false;  // changed since status_written
};

// OriginOf / PathAndQueryOf for a URL already in canonical form (lowercase scheme and host, no
// default port, a path), by string operations instead of a URL parse; the parsers for the rare
// URL with userinfo.
std::string CanonicalOrigin(const std::string& canonical) {
  size_t authority = canonical.find("://");
  if (authority == std::string::npos) return url::OriginOf(canonical);
  size_t end = canonical.find_first_of("/?", authority + 3);
  if (canonical.find('@', authority) < end) return url::OriginOf(canonical);
  return canonical.substr(0, end);
}

std::string CanonicalPathAndQuery(const std::string& canonical) {
  size_t authority = canonical.find("://");
  if (authority == std::string::npos) return url::PathAndQueryOf(canonical);
  size_t end = canonical.find_first_of("/?", authority + 3);
  if (end == std::string::npos || canonical[end] != '/' || canonical.find('@', authority) < end) {
    return url::PathAndQueryOf(canonical);
  }
  return canonical.substr(end);
}

bool IsPage(PageKind kind) { return kind == PageKind::kStart || kind == PageKind::kLink; }

bool IsFeedOrSitemap(PageKind kind) {
  return kind == PageKind::kFeed || kind == PageKind::kSitemap;
}

// A feed, sitemap or start page the site reads on its own schedule.
struct SeedUrl {
  std::string url;  // canonical ("" when the configured URL is not valid)
  std::string configured;
  PageKind kind;
};

// robots.txt of an origin as last read, kept between crawls (RFC 9309 §2.4: at most 24 hours).
struct CachedRobots {
  RobotsRules rules;
  Clock::time_point expires;
};

constexpr auto kRobotsCacheTime = std::chrono::hours(24);

}  // namespace

struct Crawler::Memory {
  std::map<std::string, CachedRobots> robots;  // by origin
  // Without a CrawlState: what it would hold, for this Crawler's life.
  std::map<std::pair<std::string, std::string>, ResourceState> resources;
  std::map<std::string, SiteStatus> sites;
};

namespace {

// The persistent side of a crawl: CrawlState, or Crawler::Memory when there is none (then
// nothing is queued durably). A read error is logged and the crawl goes on; a failed Commit
// stops the crawl (failed()): what it fetched could no longer be dequeued or scheduled.
class Ledger {
 public:
  Ledger(CrawlState* state, Crawler::Memory& memory) : state_(state), memory_(memory) {}

  bool durable() const { return state_ != nullptr; }

  std::optional<ResourceState> Resource(const std::string& site_id, const std::string& url) {
    if (state_ == nullptr) {
      auto it = memory_.resources.find({site_id, url});
      if (it == memory_.resources.end()) return std::nullopt;
      return it->second;
    }
    auto r = state_->Resource(site_id, url);
    if (!r.ok()) {
      spdlog::error("{}", r.status().message());
      return std::nullopt;
    }
    return *r;
  }

  SiteStatus Site(const std::string& site_id) {
    if (state_ == nullptr) return memory_.sites[site_id];
    auto s = state_->Site(site_id);
    if (!s.ok()) spdlog::error("{}", s.status().message());
    return s.ok() && s->has_value() ? **s : SiteStatus{};
  }

  std::vector<QueuedUrl> Queue(const std::string& site_id) {
    if (state_ == nullptr) return {};
    auto q = state_->Queue(site_id);
    if (!q.ok()) {
      spdlog::error("{}", q.status().message());
      return {};
    }
    return std::move(q).value();
  }

  void Commit(CrawlStateChange& change) {
    if (change.empty()) return;
    if (state_ == nullptr) {
      for (auto& [key, resource] : change.resources) memory_.resources[key] = resource;
      for (auto& [site_id, status] : change.sites) memory_.sites[site_id] = status;
    } else if (Status s = state_->Commit(change); !s.ok()) {
      // The message names the crawl state's dir. The batch is dropped, not retried: its pages
      // are still queued on disk, so the next crawl fetches them again and finds them stored.
      if (failure_.ok()) {
        spdlog::error("{}; crawl stopping: no new fetch until the crawl state can be written",
                      s.message());
        failure_ = s;
      } else {
        spdlog::error("{}", s.message());
      }
    }
    change = CrawlStateChange{};
  }

  // The first Commit that failed; the crawl starts no new fetch after it.
  bool failed() const { return !failure_.ok(); }

 private:
  CrawlState* state_;
  Crawler::Memory& memory_;
  Status failure_;
};

// The feeds, sitemaps and start pages of a site: configured, then those robots.txt lists.
std::vector<SeedUrl> SeedsOf(const config::Site& site, const Crawler::Memory& memory) {
  std::vector<SeedUrl> seeds;
  auto add = [&](const std::string& url, PageKind kind) {
    Result<std::string> canonical = url::Canonicalize(url);
    seeds.push_back(SeedUrl{canonical.ok() ? *canonical : "", url, kind});
  };
  for (const std::string& url : site.feeds) add(url, PageKind::kFeed);
  for (const std::string& url : site.sitemaps) add(url, PageKind::kSitemap);
  for (const std::string& url : site.start_urls) add(url, PageKind::kStart);
  if (site.robots_sitemaps) {
    std::set<std::string> origins;
    for (const SeedUrl& seed : seeds) {
      if (!seed.url.empty()) origins.insert(CanonicalOrigin(seed.url));
    }
    Clock::time_point now = Clock::now();
    for (const std::string& origin : origins) {
      auto it = memory.robots.find(origin);
      if (it == memory.robots.end() || it->second.expires < now) continue;
      for (const std::string& url : it->second.rules.sitemaps()) {
        Result<std::string> canonical = url::Canonicalize(url);
        if (!canonical.ok()) continue;
        bool known = std::any_of(seeds.begin(), seeds.end(),
                                 [&](const SeedUrl& s) { return s.url == *canonical; });
        if (!known) seeds.push_back(SeedUrl{*canonical, url, PageKind::kSitemap});
      }
    }
  }
  return seeds;
}

// The interval bounds of a site, whatever min/max the Site struct was given.
std::pair<config::Seconds, config::Seconds> IntervalBounds(const config::Site& site) {
  return {std::min(site.min_interval, site.interval), std::max(site.max_interval, site.interval)};
}

// One CrawlOnce call: all its state, driven from the calling thread (the crawl thread). Two kinds
// of threads work for it: the pool's workers (handler.Analyze) and one writer thread
// (handler.CommitGroup, one group at a time); both hand their results back through a mutex or
// an atomic and wake the crawl thread with MultiFetcher::Interrupt.
class CrawlRun {
 public:
  CrawlRun(const config::Settings& settings, const std::vector<config::Site>& sites,
           CrawlHandler& handler, Ledger& ledger, Crawler::Memory& memory, bool due_only,
           const std::atomic<bool>& stop, const std::atomic<int64_t>& grace_ms,
           std::vector<RefetchRequest> refetches)
      : refetches_(std::move(refetches)),
        settings_(settings),
        handler_(handler),
        ledger_(ledger),
        memory_(memory),
        due_only_(due_only),
        stop_(stop),
        grace_ms_(grace_ms) {
    for (const config::Site& site : sites) sites_.push_back(SiteState{&site, SiteScope(site)});
    product_token_ = ProductToken(settings.user_agent);
    now_unix_ = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  }

  CrawlStats Run() {
    StartRound();
    Resume();
    Seed();
    SeedRefetches();
    ledger_.Commit(change_);
    MultiFetcher fetcher(settings_);
    WorkerPool pool(settings_.workers > 0
                        ? settings_.workers
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
                    "kuzet-analyze");
    // The writer thread: the handler's CommitGroup, one group at a time (CommitAnalyzed).
    // Declared after the fetcher and the pool, so it is joined first.
    WorkerPool writer(1, "kuzet-writer");
    fetcher_ = &fetcher;
    pool_ = &pool;
    writer_ = &writer;
    max_analyzing_ = 2 * static_cast<size_t>(pool.threads());
    group_pages_ = std::max(kGroupPagesMin, max_analyzing_);
    for (;;) {
      const bool stopping = Stopping();
      CommitAnalyzed();
      if (!stopping) Fill(fetcher);
      // One batch for all the fetches processed since the last: fewer WAL writes on this thread.
      ledger_.Commit(change_);
      if (in_flight_.empty() && analyzing_ == 0 && !writer_busy_ &&
          (stopping || (frontier_.Empty() && robots_wanted_.empty()))) {
        break;
      }
      Clock::time_point now = Clock::now();
      if (GivenUp()) {
        // The analyses are given up; the group in the writer is not: it finishes, and its pages
        // leave the queue (CommitAnalyzed takes its results when the writer wakes this thread).
        cancel_.store(true);
        if (!writer_busy_) break;
        // Fetches that land meanwhile are left for the next crawl, like those still in flight.
        fetcher.Wait(now + std::chrono::milliseconds(100));
        continue;
      }
      Clock::time_point wake =
          stopping ? std::min(*give_up_at_, now + std::chrono::milliseconds(100)) : NextWake(now);
      if (group_due_ && *group_due_ < wake) wake = *group_due_;
      for (auto& [id, response] : fetcher.Wait(wake)) {
        auto it = in_flight_.find(id);
        const Clock::time_point answered = Clock::now();
        Done done{std::move(it->second.task), it->second.robots, std::move(response),
                  std::chrono::duration<double>(answered - it->second.started).count()};
        in_flight_.erase(it);
        HostState& host = Host(done.task.host);
        --host.in_flight;
        if (done.robots) {
          ProcessRobots(std::move(done));
        } else {
          Process(std::move(done));
        }
        // The delay also counts from the end of the answer (so the host sees it between its
        // answer and our next request, whatever the connection set-up took), after ProcessRobots
        // may have raised it to the Crawl-delay.
        host.next_start = std::max(host.next_start, answered + host.delay);
        // Refill at once rather than after the whole batch: the network thread gets new work
        // while this thread is still busy with the rest of the batch.
        if (!Stopping()) Fill(fetcher);
      }
    }
    // Pages still being analyzed are given up: not committed, so still queued (when durable).
    cancel_.store(true);
    if (analyzing_ > 0) {
      spdlog::info("crawl stopped: {} page(s) being analyzed are left for the next crawl",
                   analyzing_);
    }
    stats_.stopped = Stopping() && (!in_flight_.empty() || !frontier_.Empty() || analyzing_ > 0);
    if (stats_.stopped) {
      for (SiteState& site : sites_) {
        if (site.status_dirty) WriteStatus(site, /*now=*/true);
      }
    } else {
      FinishRound();
    }
    ledger_.Commit(change_);
    return stats_;
  }

 private:
  void StartRound() {
    int64_t now = base::NowMicros();
    for (SiteState& site : sites_) {
      site.status = ledger_.Site(site.site->id);
      site.status.round_started_us = now;
      site.status.round_finished_us = 0;
      site.status.round_fetches = site.status.round_errors = site.status.round_not_modified = 0;
      WriteStatus(site, /*now=*/true);
    }
  }

  void FinishRound() {
    int64_t now = base::NowMicros();
    for (SiteState& site : sites_) {
      site.status.round_finished_us = now;
      WriteStatus(site, /*now=*/true);
    }
  }

  // URLs an interrupted crawl of these sites left queued.
  void Resume() {
    int64_t now = base::NowMicros();
    for (size_t i = 0; i < sites_.size(); ++i) {
      for (QueuedUrl& q : ledger_.Queue(sites_[i].site->id)) {
        if (q.not_before_us > now) continue;  // its host asked to wait; a later crawl takes it
        if (!seen_.insert(q.url).second) continue;
        ++stats_.resumed;
        CrawlTask task{i, q.url, CanonicalOrigin(q.url), q.depth, q.kind, q.attempts};
        task.durable = true;
        task.resumed = true;
        frontier_.Push(std::move(task));
      }
    }
  }

  // Starts fetches until settings.concurrency are in flight or no host is ready.
  void Fill(MultiFetcher& fetcher) {
    const size_t concurrency = static_cast<size_t>(std::max(1, settings_.concurrency));
    // Back-pressure: the pages in memory (in flight, and waiting for or in analysis) stay within
    // concurrency + 2 x workers. Counting both, every page committed frees a slot for a fetch at
    // once; stopping all fetches until the workers were nearly out of pages (the former rule)
    // left them idle while the next fetches came in (bench/pipeline/NOTES.md, Session 8b).
    const size_t budget = concurrency + max_analyzing_;
    auto room = [&] { return in_flight_.size() < concurrency && InMemory() < budget; };
    if (!room()) return;
    Clock::time_point now = Clock::now();
    while (room()) {
      std::optional<CrawlTask> task =
          frontier_.PopReady([&](const std::string& host) { return HostReady(host, now); });
      if (!task) break;
      if (!Admit(*task)) continue;
      Dispatch(fetcher, std::move(*task), /*robots=*/false, now);
    }
    // robots.txt requests wanted by the hosts HostReady saw for the first time.
    for (auto it = robots_wanted_.begin();
         it != robots_wanted_.end() && in_flight_.size() < concurrency;) {
      HostState& host = Host(*it);
      if (host.in_flight >= PerHostLimit() || now < host.next_start) {
        ++it;
        continue;
      }
      CrawlTask robots{0, *it + "/robots.txt", *it, 0, PageKind::kLink, 0};
      Dispatch(fetcher, std::move(robots), /*robots=*/true, now);
      it = robots_wanted_.erase(it);
    }
  }

  size_t InMemory() const { return in_flight_.size() + analyzing_; }

  int PerHostLimit() const { return std::max(1, settings_.per_host_connections); }

  HostState& Host(const std::string& origin) {
    HostState& state = hosts_[origin];
    if (!state.initialized) {
      state.initialized = true;
      state.delay = settings_.per_host_delay;
      auto cached = memory_.robots.find(origin);
      if (cached != memory_.robots.end() && cached->second.expires > Clock::now()) {
        state.robots = HostState::Robots::kKnown;
        ApplyRobots(state, cached->second.rules);
      }
    }
    return state;
  }

  void ApplyRobots(HostState& host, const RobotsRules& rules) {
    host.rules = rules;
    if (rules.crawl_delay()) {
      auto crawl_delay = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(*rules.crawl_delay()));
      host.delay = std::max(host.delay, std::min<Clock::duration>(crawl_delay, kMaxCrawlDelay));
    }
  }

  bool HostReady(const std::string& origin, Clock::time_point now) {
    HostState& state = Host(origin);
    if (state.robots == HostState::Robots::kUnknown) {
      state.robots = HostState::Robots::kPending;
      robots_wanted_.push_back(origin);
    }
    return state.robots == HostState::Robots::kKnown && state.in_flight < PerHostLimit() &&
           now >= state.next_start;
  }

  // Whether a task popped from the frontier is fetched: the site's page budget, robots.txt, and
  // for a URL queued by an interrupted crawl, whether it was stored since.
  bool Admit(const CrawlTask& task) {
    SiteState& site = sites_[task.site_index];
    if (IsPage(task.kind) && site.pages_dispatched >= site.site->max_pages) {
      ++stats_.skipped_budget;  // found again by a later crawl if still linked
      Finish(task);
      return false;
    }
    HostState& host = Host(task.host);
    if (host.gave_up) {
      ++stats_.skipped_backoff;
      Postpone(task, host);
      return false;
    }
    if (!host.rules.Allowed(CanonicalPathAndQuery(task.url))) {
      ++stats_.skipped_robots;
      const Status refused =
          Status::Unavailable("disallowed by robots.txt" + host.robots_note + ": " + task.url);
      if (task.kind == PageKind::kRefetch && host.robots_unreachable && !task.last_attempt) {
        // Not a refusal but a site briefly down: the watch stays due and a later crawl asks the
        // robots.txt again (an unreachable one is not cached), so its schedule does not move.
        ++stats_.refetches_deferred;
        spdlog::info("re-fetch of {} left due{}", task.url, host.robots_note);
        Finish(task);
        return false;
      }
      if (task.kind == PageKind::kRefetch) {
        // The watch records the refusal as a failed fetch and tries again at the next step of
        // its schedule, not every round (watch/README.md).
        Done done{task, false, refused, 0};
        HandOverRefetch(done);
        return false;
      }
      if (task.kind != PageKind::kLink) {  // configured URLs: the user should know
        ReportError(task.site_index, task.url, refused);
      }
      Finish(task);
      return false;
    }
    if (task.resumed && task.kind == PageKind::kLink && !ShouldFetch(site, task.url)) {
      ++stats_.skipped_seen;  // stored just before the crawl was interrupted
      Finish(task);
      return false;
    }
    if (IsPage(task.kind)) ++site.pages_dispatched;
    return true;
  }

  bool ShouldFetch(SiteState& site, const std::string& url) {
    try {
      return handler_.ShouldFetch(*site.site, url);
    } catch (const std::exception& e) {
      spdlog::error("crawl handler ShouldFetch threw for {}: {}", url, e.what());
      return true;
    }
  }

  // The task leaves the durable queue (in the batch that records what it led to).
  void Dequeue(const CrawlTask& task) {
    if (task.durable) change_.Dequeue(sites_[task.site_index].site->id, task.url);
  }

  // A task is over without a fetch: it leaves the durable queue, and a feed, sitemap or start
  // page not read (robots.txt, a host that asked to wait, the page budget) is due again after
  // its interval.
  void Finish(const CrawlTask& task) {
    const config::Site& site = *sites_[task.site_index].site;
    Dequeue(task);
    // A re-fetch not made stays due in the store's re-fetch queue: a later crawl tries again.
    if (task.kind != PageKind::kLink && task.kind != PageKind::kRefetch &&
        !fetched_.contains(task.url)) {
      ResourceState r = ledger_.Resource(site.id, task.url).value_or(ResourceState{});
      r.kind = task.kind;
      if (r.interval_s == 0) r.interval_s = site.interval.count();
      r.next_due_us = base::NowMicros() + r.interval_s * 1000000;
      change_.resources.push_back({{site.id, task.url}, r});
    }
  }

  // A task its host will not serve now (Retry-After beyond kMaxRetryAfter): kept in the durable
  // queue for a crawl after the wait.
  void Postpone(const CrawlTask& task, const HostState& host) {
    if (task.kind != PageKind::kLink) {
      Finish(task);
      return;
    }
    change_.Enqueue(Queued(task, host.retry_not_before_us));
  }

  QueuedUrl Queued(const CrawlTask& task, int64_t not_before_us = 0) const {
    return QueuedUrl{sites_[task.site_index].site->id,
                     task.url,
                     task.depth,
                     task.kind,
                     task.attempts,
                     base::NowMicros(),
                     not_before_us};
  }

  void Dispatch(MultiFetcher& fetcher, CrawlTask task, bool robots, Clock::time_point now) {
    HostState& host = Host(task.host);
    ++host.in_flight;
    host.next_start = std::max(host.next_start, now + host.delay);
    FetchRequest request{task.url, "", "", /*stop_at_cross_origin_redirect=*/!robots};
    if (!robots && task.kind == PageKind::kRefetch) {
      request.etag = task.etag;
      request.last_modified = task.last_modified;
    } else if (!robots && IsFeedOrSitemap(task.kind)) {
      auto known = ledger_.Resource(sites_[task.site_index].site->id, task.url);
      if (known) {
        request.etag = known->etag;
        request.last_modified = known->last_modified;
      }
    }
    uint64_t id = next_fetch_id_++;
    in_flight_.emplace(id, InFlight{std::move(task), robots, Clock::now()});
    fetcher.Start(id, std::move(request));
  }

  // When the crawl loop should look at the frontier (and for Stop) again if no fetch finishes
  // before.
  Clock::time_point NextWake(Clock::time_point now) const {
    Clock::time_point wake = now + std::chrono::milliseconds(200);
    for (const auto& [name, host] : hosts_) {
      if (host.next_start > now && host.next_start < wake) wake = host.next_start;
    }
    return wake;
  }

  // RFC 9309 §2.3.1: 2xx: parse; 4xx: no restrictions; 5xx (and 429, as Google does) or a
  // network error: the site is "unreachable" and nothing may be crawled. A parsed or missing
  // robots.txt is cached for 24 hours (§2.4); an unreachable one is asked again next crawl.
  void ProcessRobots(Done done) {
    ++stats_.robots_fetched;
    const std::string& origin = done.task.host;
    HostState& host = Host(origin);
    host.robots = HostState::Robots::kKnown;
    if (!done.response.ok()) {
      host.rules = RobotsRules::DisallowAll();
      host.robots_unreachable = true;
      host.robots_note = " (robots.txt unreachable: " + done.response.status().message() + ")";
      // E.g. a redirect to a private address refused by the fetcher: nothing of the origin is
      // fetched in this crawl, which the log must say.
      spdlog::warn("{}: nothing fetched from this origin in this crawl{}", origin,
                   host.robots_note);
      return;
    }
    const FetchResponse& response = *done.response;
    stats_.bytes += response.bytes_received;
    RobotsRules rules;
    if (response.status >= 200 && response.status < 300) {
      rules = RobotsRules::Parse(response.body, product_token_);
    } else if (response.status == 429 || response.status >= 500) {
      host.rules = RobotsRules::DisallowAll();
      host.robots_unreachable = true;
      host.robots_note = " (robots.txt unreachable: HTTP " + std::to_string(response.status) + ")";
      return;
    } else {
      rules = RobotsRules::AllowAll();
    }
    ApplyRobots(host, rules);
    CachedRobots& cached = memory_.robots[origin];
    cached = CachedRobots{rules, Clock::now() + kRobotsCacheTime};
    // Sitemaps listed there join the sites of this origin that want them.
    for (size_t i = 0; i < sites_.size(); ++i) {
      for (const SeedUrl& seed : SeedsOf(*sites_[i].site, memory_)) {
        if (seed.kind == PageKind::kSitemap && !seed.url.empty()) SeedIfDue(i, seed);
      }
    }
  }

  // Seconds to wait from a Retry-After value (delay-seconds or HTTP-date, RFC 9110 §10.2.3);
  // -1 when absent or unreadable.
  double RetryAfterSeconds(const std::string& value) const {
    if (value.empty()) return -1;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return value.size() > 9 ? 1e9 : std::stod(value);
    }
    int64_t when = ParseFeedDate(value);
    if (when == 0) return -1;
    return std::max<double>(0, static_cast<double>(when - now_unix_));
  }

  // 429 Too Many Requests / 503 Service Unavailable: wait as told (RFC 9110 §15.6.4, RFC 6585 §4)
  // and try again, up to kMaxAttempts; a wait beyond kMaxRetryAfter ends the host's crawl, and
  // its queued URLs wait in the durable queue until the time it asked for.
  // Returns true when the task was queued again.
  bool BackOff(CrawlTask& task, const FetchResponse& response) {
    HostState& host = Host(task.host);
    double wait = RetryAfterSeconds(response.Header("retry-after"));
    bool told = wait >= 0;
    if (!told) wait = std::max(1.0, std::chrono::duration<double>(host.delay).count() * 2);
    auto pause = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::min<double>(wait, kMaxRetryAfter.count())));
    host.next_start = std::max(host.next_start, Clock::now() + pause);
    if (wait <= kMaxRetryAfter.count() && task.attempts + 1 < kMaxAttempts) {
      ++task.attempts;
      ++stats_.retries;
      if (IsPage(task.kind)) --sites_[task.site_index].pages_dispatched;
      if (task.durable) change_.Enqueue(Queued(task));
      frontier_.Push(task);
      return true;
    }
    std::string message = "HTTP " + std::to_string(response.status) + " for " + task.url +
                          (told ? " (Retry-After: " + response.Header("retry-after") + ")" : "");
    if (wait > kMaxRetryAfter.count()) {
      host.gave_up = true;
      // Capped at a day: a site that asks for a week still gets a look daily.
      host.retry_not_before_us =
          base::NowMicros() + static_cast<int64_t>(std::min(wait, 86400.0) * 1e6);
      std::vector<CrawlTask> dropped = frontier_.DropHost(task.host);
      stats_.skipped_backoff += static_cast<int>(dropped.size());
      for (const CrawlTask& left : dropped) Postpone(left, host);
      message += "; " + std::to_string(dropped.size()) + " more URLs of " + task.host +
                 " left for a later crawl";
    }
    ReportError(task.site_index, task.url, Status::Unavailable(message));
    return false;
  }

  void Seed() {
    for (size_t i = 0; i < sites_.size(); ++i) {
      for (const SeedUrl& seed : SeedsOf(*sites_[i].site, memory_)) {
        if (seed.url.empty()) {
          ReportError(i, seed.configured, url::Canonicalize(seed.configured).status());
          continue;
        }
        SeedIfDue(i, seed);
      }
    }
  }

  // The watched documents to fetch again: each a task of its site's host, not durable.
  void SeedRefetches() {
    for (RefetchRequest& r : refetches_) {
      auto site = std::find_if(sites_.begin(), sites_.end(),
                               [&](const SiteState& s) { return s.site->id == r.site_id; });
      Result<std::string> canonical = url::Canonicalize(r.url);
      if (site == sites_.end() || !canonical.ok()) {
        spdlog::warn("re-fetch of {} skipped: {}", r.url,
                     site == sites_.end() ? "its site " + r.site_id + " is not crawled"
                                          : canonical.status().message());
        continue;
      }
      CrawlTask task{static_cast<size_t>(site - sites_.begin()),
                     r.url,
                     CanonicalOrigin(*canonical),
                     0,
                     PageKind::kRefetch,
                     0};
      task.etag = std::move(r.etag);
      task.last_modified = std::move(r.last_modified);
      task.last_attempt = r.last_attempt;
      frontier_.Push(std::move(task));
    }
    refetches_.clear();
  }

  void SeedIfDue(size_t site_index, const SeedUrl& seed) {
    if (seen_.contains(seed.url)) return;
    if (due_only_) {
      auto r = ledger_.Resource(sites_[site_index].site->id, seed.url);
      if (r && r->next_due_us > base::NowMicros()) {
        ++stats_.skipped_not_due;
        return;
      }
    }
    seen_.insert(seed.url);
    frontier_.Push(CrawlTask{site_index, seed.url, CanonicalOrigin(seed.url), 0, seed.kind, 0});
  }

  // A URL found in a page, feed or sitemap.
  void AddDiscovered(size_t site_index, const std::string& url, int depth, bool check_host) {
    SiteState& site = sites_[site_index];
    if (check_host && !site.links_seen.insert(url).second) return;
    Result<std::string> canonical = url::Canonicalize(url);
    if (!canonical.ok() || site.scope.Check(*canonical, check_host) != ScopeVerdict::kInScope) {
      ++stats_.skipped_scope;
      return;
    }
    if (seen_.count(*canonical) != 0) return;
    seen_.insert(*canonical);
    if (!ShouldFetch(site, *canonical)) {
      ++stats_.skipped_seen;
      return;
    }
    CrawlTask task{site_index, *canonical, CanonicalOrigin(*canonical), depth, PageKind::kLink, 0};
    task.durable = ledger_.durable();
    if (task.durable) change_.Enqueue(Queued(task));
    frontier_.Push(std::move(task));
  }

  void ReportError(size_t site_index, const std::string& url, const Status& error) {
    ++stats_.errors;
    SiteStatus& status = sites_[site_index].status;
    ++status.round_errors;
    ++status.total_errors;
    status.last_error = error.message();
    status.last_error_us = base::NowMicros();
    WriteStatus(sites_[site_index], /*now=*/true);
    spdlog::debug("crawl error: {}", error.message());
    try {
      handler_.OnFetchError(*sites_[site_index].site, url, error);
    } catch (const std::exception& e) {
      spdlog::error("crawl handler OnFetchError threw for {}: {}", url, e.what());
    }
  }

  // Queues the site's status for the next commit: at once (`now`: round start and end, errors),
  // else at most once a second per site — it is for `kuzet status`, not for recovery.
  void WriteStatus(SiteState& site, bool now) {
    Clock::time_point t = Clock::now();
    if (!now && t - site.status_written < std::chrono::seconds(1)) {
      site.status_dirty = true;
      return;
    }
    site.status_written = t;
    site.status_dirty = false;
    change_.sites.emplace_back(site.site->id, site.status);
  }

  // Records a finished fetch in the site's status and, for a feed, sitemap or start page, its
  // validators and next due time. `items`: the item URLs of a feed or sitemap read with 200.
  void RecordFetch(const CrawlTask& task, const Result<FetchResponse>& response,
                   const std::vector<std::string>* items) {
    SiteState& site = sites_[task.site_index];
    int64_t now = base::NowMicros();
    int status = response.ok() ? static_cast<int>(response->status) : 0;
    site.status.last_fetch_us = now;
    site.status.last_fetch_url = task.url;
    site.status.last_fetch_status = status;
    ++site.status.round_fetches;
    ++site.status.total_fetches;
    if (status == 304) ++site.status.round_not_modified;
    WriteStatus(site, /*now=*/false);
    if (task.kind == PageKind::kLink) return;

    fetched_.insert(task.url);
    ResourceState r = ledger_.Resource(site.site->id, task.url).value_or(ResourceState{});
    auto [min_interval, max_interval] = IntervalBounds(*site.site);
    bool first = r.fetches == 0;
    r.kind = task.kind;
    r.last_status = status;
    r.last_fetch_us = now;
    ++r.fetches;
    if (r.interval_s == 0 || task.kind == PageKind::kStart)
      r.interval_s = site.site->interval.count();
    if (status == 200 && IsFeedOrSitemap(task.kind)) {
      r.etag = response->Header("etag");
      r.last_modified = response->Header("last-modified");
    }
    // Adaptive interval (feeds and sitemaps): halved when the item list changed since the last
    // read, ×1.25 when it did not (304 or the same items), within [min_interval, max_interval].
    bool judged = IsFeedOrSitemap(task.kind) && (status == 304 || (status == 200 && items));
    if (judged) {
      uint64_t hash = items ? HashItemUrls(*items) : r.items_hash;
      bool changed = items && hash != r.items_hash;
      r.items_hash = hash;
      if (changed) {
        ++r.changes;
        r.last_change_us = now;
      }
      if (!first) {
        r.interval_s =
            AdaptInterval(r.interval_s, changed, min_interval.count(), max_interval.count());
      }
    }
    r.interval_s = std::clamp<int64_t>(r.interval_s, min_interval.count(), max_interval.count());
    r.next_due_us = now + r.interval_s * 1000000;
    change_.resources.push_back({{site.site->id, task.url}, r});
  }

  void Process(Done done) {
    CrawlTask& task = done.task;
    try {
      handler_.OnFetched(*sites_[task.site_index].site, task.kind, done.response, done.seconds);
    } catch (const std::exception& e) {
      spdlog::error("crawl handler OnFetched threw for {}: {}", task.url, e.what());
    }
    if (done.response.ok()) {
      stats_.bytes += done.response->bytes_received;
      long status = done.response->status;
      if ((status == 429 || status == 503) && BackOff(task, *done.response)) return;
    }
    // The task leaves the durable queue with this batch, or, when its page went to a worker,
    // with the batch after its Commit.
    if (!ProcessResponse(done)) Dequeue(task);
  }

  // Returns true when the page was handed to a worker.
  bool ProcessResponse(Done& done) {
    CrawlTask& task = done.task;
    if (task.kind == PageKind::kRefetch) return HandOverRefetch(done);
    if (IsPage(task.kind)) {
      ++stats_.pages_fetched;
    } else {
      ++stats_.feeds_fetched;
    }
    if (!done.response.ok()) {
      RecordFetch(task, done.response, nullptr);
      ReportError(task.site_index, task.url, done.response.status());
      return false;
    }
    FetchResponse& response = *done.response;
    if (response.status == 429 || response.status == 503) {  // reported by BackOff
      RecordFetch(task, done.response, nullptr);
      return false;
    }
    bool feed_or_sitemap = IsFeedOrSitemap(task.kind);
    if (feed_or_sitemap && response.status == 304) {
      ++stats_.not_modified;  // unchanged since the last crawl: its items were seen then
      RecordFetch(task, done.response, nullptr);
      return false;
    }
    if (!response.redirect_location.empty()) {
      RecordFetch(task, done.response, nullptr);
      FollowCrossOriginRedirect(task, response);
      return false;
    }
    if (response.status != 200) {
      RecordFetch(task, done.response, nullptr);
      ReportError(
          task.site_index, task.url,
          Status::Unavailable("HTTP " + std::to_string(response.status) + " for " + task.url));
      return false;
    }
    // Without redirects the final URL is the (canonical) task URL in its ASCII-host form.
    Result<std::string> final_canonical = response.redirects == 0
                                              ? Result<std::string>(task.url)
                                              : url::Canonicalize(response.final_url);
    if (final_canonical.ok() && response.redirects != 0) seen_.insert(*final_canonical);

    switch (task.kind) {
      case PageKind::kFeed:
        ProcessFeed(task, done.response);
        return false;
      case PageKind::kSitemap:
        ProcessSitemap(task, done.response);
        return false;
      case PageKind::kStart:
      case PageKind::kLink:
      case PageKind::kRefetch:  // handed over before (HandOverRefetch)
        break;
    }
    RecordFetch(task, done.response, nullptr);
    // Feed autodiscovery: a followed link that turns out to be a feed is read as one.
    if (task.kind == PageKind::kLink && LooksLikeFeed(response.body) &&
        ParseFeed(response.body, response.final_url).ok()) {
      --stats_.pages_fetched;
      ++stats_.feeds_fetched;
      ProcessFeed(task, done.response);
      return false;
    }
    auto page = std::make_shared<CrawledPage>(CrawledPage{
        sites_[task.site_index].site, final_canonical.ok() ? *final_canonical : task.url,
        std::move(response), task.depth, task.kind});
    Analyze(task, std::move(page));
    return true;
  }

  // A re-fetch of a watched document goes to the handler whatever came back: a 304, a 404 or a
  // redirect away is what the watch looks for. Returns true (handed to a worker).
  // A redirect to another origin is followed as a task of the target's host (its robots.txt,
  // delay and connection limit), within max_redirects, so the watch judges where the article went
  // by its content (a site moved to a new domain, or a parking page). Returns false when it was.
  bool HandOverRefetch(Done& done) {
    CrawlTask& task = done.task;
    const std::string watched = task.watched_url.empty() ? task.url : task.watched_url;
    FetchResponse response;
    if (done.response.ok()) {
      response = std::move(*done.response);
      if (!response.redirect_location.empty()) {
        if (FollowRefetchRedirect(task, watched, response)) return false;
        // Not followed: where it points is where it landed (a 3xx the watch cannot judge).
        response.final_url = response.redirect_location;
      }
    } else {
      ReportError(task.site_index, watched, done.response.status());
      response.final_url = task.url;  // status 0: no response
    }
    ++stats_.refetched;
    Analyze(task, std::make_shared<CrawledPage>(
                      CrawledPage{sites_[task.site_index].site, watched, std::move(response),
                                  task.depth, PageKind::kRefetch, task.redirected_from}));
    return true;
  }

  // Queues the target of a re-fetch's cross-origin redirect; false (reported) when max_redirects
  // is reached or the target is refused (not a URL, a non-public address not allowed). The
  // site's scope does not apply: the watched article decides, not the site's pages.
  bool FollowRefetchRedirect(const CrawlTask& task, const std::string& watched,
                             FetchResponse& response) {
    const int hops = task.redirects + response.redirects + 1;
    Result<std::string> target = url::Canonicalize(response.redirect_location);
    Status refused;
    if (hops > settings_.max_redirects) {
      refused = Status::Network(
          "too many redirects (max_redirects=" + std::to_string(settings_.max_redirects) + ")");
    } else if (!target.ok()) {
      refused = target.status();
    } else if (const std::string host = url::HostOf(*target);
               url::IsNonPublicAddress(host) && !PrivateHostAllowed(settings_, host, host)) {
      refused = Status::Network("refused redirect to non-public address " + host);
    }
    if (!refused.ok()) {
      ReportError(
          task.site_index, watched,
          Status::Unavailable("re-fetch of " + watched + " redirected to " +
                              response.redirect_location + ", not followed: " + refused.message()));
      return false;
    }
    CrawlTask next{task.site_index,    *target, CanonicalOrigin(*target), task.depth,
                   PageKind::kRefetch, 0};
    next.redirects = hops;
    next.watched_url = watched;  // no validators: they were the other origin's
    next.last_attempt = task.last_attempt;
    // The 3xx is evidence of where the article went: kept for the archive with the outcome.
    next.redirected_from = task.redirected_from;
    next.redirected_from.push_back(
        std::make_shared<const RedirectHop>(RedirectHop{std::move(response), base::NowMicros()}));
    frontier_.Push(std::move(next));
    return true;
  }

  // Hands a fetched page to a worker (handler.Analyze); the crawl thread then hands it to the
  // writer (CommitAnalyzed).
  void Analyze(const CrawlTask& task, std::shared_ptr<CrawledPage> page) {
    ++analyzing_;
    pool_->Submit([this, task, page]() {
      std::unique_ptr<PageResult> result;
      try {
        result = handler_.Analyze(*page, cancel_);
        if (result != nullptr && !handler_.CommitReadsBody(*page, *result)) {
          // Freed, not just cleared: the page may wait for the writer through a long sync.
          std::string().swap(page->response.body);
          std::string().swap(page->response.encoded_body);
        }
      } catch (const std::exception& e) {
        spdlog::error("crawl handler Analyze threw for {}: {}", page->url, e.what());
      }
      {
        std::lock_guard<std::mutex> lock(analyzed_mutex_);
        analyzed_.push_back(Analyzed{task, page, std::move(result), Clock::now()});
      }
      fetcher_->Interrupt();  // the crawl thread hands it to the writer
    });
  }

  // Whether Stop() was called or the crawl state failed a write; the first time it is seen, the
  // grace starts (none after a failed write: nothing more can be recorded).
  bool Stopping() {
    if (!give_up_at_ && (stop_.load() || ledger_.failed())) {
      give_up_at_ =
          Clock::now() + std::chrono::milliseconds(ledger_.failed() ? 0 : grace_ms_.load());
      spdlog::info("crawl stopping: {} fetch(es) in flight, {} page(s) in analysis or commit",
                   in_flight_.size(), analyzing_);
    }
    return give_up_at_.has_value();
  }

  // Whether the grace after Stop() is over: no more group goes to the writer.
  bool GivenUp() { return Stopping() && Clock::now() >= *give_up_at_; }

  // Takes the results of the group the writer has committed, if it has, and hands the pages
  // analyzed since to the writer as the next group, in the order they finished, once the group is
  // due (GroupDue), unless the grace after Stop() is over (they then stay uncommitted, and queued).
  void CommitAnalyzed() {
    TakeCommitted();
    group_due_.reset();
    if (writer_busy_ || GivenUp()) return;
    {
      std::lock_guard<std::mutex> lock(analyzed_mutex_);
      if (analyzed_.empty()) return;
      const Clock::time_point due = analyzed_.front().ready_at + kGroupWait;
      if (!GroupDue(analyzed_.size(), due)) {
        group_due_ = due;  // the crawl thread wakes then at the latest
        return;
      }
      committing_.swap(analyzed_);
    }
    commit_group_.resize(committing_.size());
    for (size_t i = 0; i < committing_.size(); ++i) {
      commit_group_[i].page = committing_[i].page.get();
      commit_group_[i].result = std::move(committing_[i].result);
    }
    writer_busy_ = true;
    // committing_ and commit_group_ belong to the writer until it sets group_committed_.
    writer_->Submit([this]() {
      try {
        handler_.CommitGroup(commit_group_);
      } catch (const std::exception& e) {  // what it did not mark recorded stays queued
        spdlog::error("crawl handler CommitGroup threw for a group of {} page(s) from {}: {}",
                      commit_group_.size(), commit_group_.front().page->url, e.what());
      }
#if defined(__GLIBC__)
      // The group's transient allocations (store batches, the search index's flushes) come from
      // this thread's malloc arena, which keeps the pages freed in it: without this, the crawl's
      // peak RSS was 20-30 MB above the same crawl committed on the crawl thread (the main arena),
      // at the same peak heap (bench/pipeline/NOTES.md, session 9). Returns whole free pages only,
      // and the next groups fault them in again: after every group that cost ~3 % of a crawl's
      // CPU in page faults, so at most once a second.
      if (const Clock::time_point now = Clock::now(); now - last_trim_ >= kTrimInterval) {
        malloc_trim(0);
        last_trim_ = now;
      }
#endif
      group_committed_.store(true);
      fetcher_->Interrupt();  // the crawl thread takes the results
    });
  }

  // Whether the `ready` pages analyzed and waiting are handed to the writer now (kGroupWait).
  // The writer is free and committing_ empty, so the pages not ready are on the workers.
  bool GroupDue(size_t ready, Clock::time_point due) {
    if (ready >= group_pages_ || Clock::now() >= due || Stopping()) return true;
    return in_flight_.empty() && analyzing_ == ready;  // nothing else is coming
  }

  // Once the writer has committed its group: the pages it recorded leave the durable queue (in
  // the caller's next Ledger::Commit, one batch for the group, after the handler's own writes)
  // and their links are followed; every page of the group frees its place in memory.
  void TakeCommitted() {
    if (!writer_busy_ || !group_committed_.load()) return;
    group_committed_.store(false);
    writer_busy_ = false;
    analyzing_ -= committing_.size();
    for (size_t i = 0; i < committing_.size(); ++i) {
      if (!commit_group_[i].recorded) continue;  // stays queued for a later crawl
      const CrawlTask& task = committing_[i].task;
      Dequeue(task);
      if (task.depth >= sites_[task.site_index].site->max_depth) continue;
      for (const std::string& link : commit_group_[i].links) {
        AddDiscovered(task.site_index, link, task.depth + 1, true);
      }
    }
    committing_.clear();
    commit_group_.clear();
  }

  // A redirect to another origin is a new task there, so that origin's robots.txt, delay and
  // connection limit apply to it; same-origin redirects were followed by the fetcher.
  void FollowCrossOriginRedirect(const CrawlTask& task, const FetchResponse& response) {
    SiteState& site = sites_[task.site_index];
    int hops = task.redirects + response.redirects + 1;
    if (hops > settings_.max_redirects) {
      ReportError(task.site_index, task.url,
                  Status::Network("too many redirects (max_redirects=" +
                                  std::to_string(settings_.max_redirects) + ") fetching " +
                                  task.url + " (last: -> " + response.redirect_location + ")"));
      return;
    }
    Result<std::string> target = url::Canonicalize(response.redirect_location);
    if (target.ok()) {
      // The fetcher would refuse to connect; said here, where the redirect is known, whatever
      // the scope.
      const std::string target_host = url::HostOf(*target);
      if (url::IsNonPublicAddress(target_host) &&
          !PrivateHostAllowed(settings_, target_host, target_host)) {
        spdlog::warn("site {}: {}: refused redirect to non-public address: -> {}", site.site->id,
                     task.url, response.redirect_location);
        ReportError(task.site_index, task.url,
                    Status::Network("refused redirect to non-public address " + target_host + ": " +
                                    task.url + " -> " + response.redirect_location));
        return;
      }
    }
    if (!target.ok() || site.scope.Check(*target, /*check_host=*/false) != ScopeVerdict::kInScope) {
      ++stats_.skipped_scope;
      if (task.kind != PageKind::kLink) {
        ReportError(task.site_index, task.url,
                    Status::Unavailable("redirected out of the site's scope: " + task.url + " -> " +
                                        response.redirect_location));
      }
      return;
    }
    if (!seen_.insert(*target).second) return;
    if (task.kind == PageKind::kLink && !ShouldFetch(site, *target)) {
      ++stats_.skipped_seen;
      return;
    }
    CrawlTask next{task.site_index, *target, CanonicalOrigin(*target), task.depth, task.kind, 0};
    next.redirects = hops;
    next.durable = ledger_.durable();
    if (next.durable) change_.Enqueue(Queued(next));
    frontier_.Push(std::move(next));
  }

  // Items newest first; entries dated more than the site's max_item_age ago are skipped.
  template <typename Entry>
  void AddItems(size_t site_index, std::vector<Entry> entries, int64_t Entry::*date,
                std::string Entry::*url) {
    std::stable_sort(entries.begin(), entries.end(),
                     [&](const Entry& a, const Entry& b) { return a.*date > b.*date; });
    for (const Entry& entry : entries) {
      if (entry.*date != 0 &&
          entry.*date < now_unix_ - sites_[site_index].site->max_item_age.count())
        continue;
      AddDiscovered(site_index, entry.*url, 1, /*check_host=*/false);
    }
  }

  void ProcessFeed(const CrawlTask& task, const Result<FetchResponse>& response) {
    Result<Feed> feed = ParseFeed(response->body, response->final_url);
    if (!feed.ok()) {
      RecordFetch(task, response, nullptr);
      ReportError(task.site_index, task.url, feed.status());
      return;
    }
    std::vector<std::string> urls;
    for (const FeedItem& item : feed->items) urls.push_back(item.url);
    if (task.kind == PageKind::kFeed) RecordFetch(task, response, &urls);
    AddItems(task.site_index, std::move(feed->items), &FeedItem::published, &FeedItem::url);
  }

  void ProcessSitemap(const CrawlTask& task, const Result<FetchResponse>& response) {
    Result<Sitemap> sitemap = ParseSitemap(response->body, response->final_url);
    if (!sitemap.ok()) {
      RecordFetch(task, response, nullptr);
      ReportError(task.site_index, task.url, sitemap.status());
      return;
    }
    std::vector<std::string> urls;
    for (const SitemapEntry& e : sitemap->sitemaps) urls.push_back(e.url);
    for (const SitemapEntry& e : sitemap->urls) urls.push_back(e.url);
    RecordFetch(task, response, &urls);
    SiteState& site = sites_[task.site_index];
    std::vector<SitemapEntry> children = std::move(sitemap->sitemaps);
    std::stable_sort(
        children.begin(), children.end(),
        [](const SitemapEntry& a, const SitemapEntry& b) { return a.lastmod > b.lastmod; });
    for (const SitemapEntry& child : children) {
      if (child.lastmod != 0 && child.lastmod < now_unix_ - site.site->max_item_age.count())
        continue;
      if (site.sitemaps_dispatched >= kMaxSitemapsPerSite) break;
      Result<std::string> canonical = url::Canonicalize(child.url);
      if (!canonical.ok() || !seen_.insert(*canonical).second) continue;
      ++site.sitemaps_dispatched;
      frontier_.Push(CrawlTask{task.site_index, *canonical, CanonicalOrigin(*canonical), task.depth,
                               PageKind::kSitemap, 0});
    }
    AddItems(task.site_index, std::move(sitemap->urls), &SitemapEntry::lastmod, &SitemapEntry::url);
  }

  std::vector<RefetchRequest> refetches_;  // queued by SeedRefetches
  const config::Settings& settings_;
  CrawlHandler& handler_;
  Ledger& ledger_;
  Crawler::Memory& memory_;
  const bool due_only_;
  const std::atomic<bool>& stop_;
  const std::atomic<int64_t>& grace_ms_;
  Frontier frontier_;
  CrawlStateChange change_;  // written after each step (Ledger::Commit)
  std::vector<SiteState> sites_;
  // Keyed (base/keyed_hash.h): pages choose the links, and with them these keys.
  std::unordered_map<std::string, HostState, base::KeyedStringHash> hosts_;
  // Canonical URLs queued or fetched in this crawl.
  std::unordered_set<std::string, base::KeyedStringHash> seen_;
  // Feeds, sitemaps, start pages fetched in this crawl.
  std::unordered_set<std::string, base::KeyedStringHash> fetched_;
  std::vector<std::string> robots_wanted_;  // origins whose robots.txt is still to be requested
  std::unordered_map<uint64_t, InFlight> in_flight_;  // by MultiFetcher id
  uint64_t next_fetch_id_ = 0;
  // Pages on the workers: Run's pool and fetcher; analyses finished and not yet committed.
  WorkerPool* pool_ = nullptr;
  MultiFetcher* fetcher_ = nullptr;
  std::atomic<bool> cancel_{false};  // set when the crawl gives up its pages in analysis
  std::optional<Clock::time_point> give_up_at_;  // Stop() seen: the end of its grace
  std::mutex analyzed_mutex_;
  std::vector<Analyzed> analyzed_;  // guarded by analyzed_mutex_
  // Handed to the pool, and not yet taken back from the writer (TakeCommitted): the pages it
  // counts hold their bytes until then.
  size_t analyzing_ = 0;
  // The writer thread (Run's) and the group in it: the writer owns committing_ and commit_group_
  // from their Submit until it sets group_committed_; writer_busy_ is the crawl thread's.
  WorkerPool* writer_ = nullptr;
  std::vector<Analyzed> committing_;
  std::vector<PageCommit> commit_group_;
  bool writer_busy_ = false;
  std::atomic<bool> group_committed_{false};
  static constexpr std::chrono::seconds kTrimInterval{1};
  Clock::time_point last_trim_{};  // the writer thread's: its last malloc_trim
  size_t max_analyzing_ = 1;
  size_t group_pages_ = kGroupPagesMin;         // a group this big goes to the writer at once
  std::optional<Clock::time_point> group_due_;  // when the pages waiting go anyway (kGroupWait)
  std::string product_token_;
  CrawlStats stats_;
  int64_t now_unix_ = 0;
};

}  // namespace

void CrawlHandler::CommitGroup(std::vector<PageCommit>& group) {
  for (PageCommit& commit : group) {
    try {
      commit.links = Commit(*commit.page, std::move(commit.result));
    } catch (const std::exception& e) {
      spdlog::error("crawl handler Commit threw for {}: {}", commit.page->url, e.what());
    }
    commit.recorded = CanStore();
  }
}

Crawler::Crawler(const config::Settings& settings, CrawlState* state)
    : settings_(settings), state_(state), memory_(std::make_unique<Memory>()) {}
Crawler::~Crawler() = default;

CrawlStats Crawler::CrawlOnce(const std::vector<config::Site>& sites, CrawlHandler& handler,
                              bool due_only, std::vector<RefetchRequest> refetches) {
  try {
    Ledger ledger(state_, *memory_);
    CrawlRun run(settings_, sites, handler, ledger, *memory_, due_only, stop_, grace_ms_,
                 std::move(refetches));
    return run.Run();
  } catch (const std::exception& e) {  // e.g. threads could not be started
    spdlog::error("crawl aborted: {}", e.what());
    CrawlStats stats;
    stats.errors = 1;
    return stats;
  }
}

void Crawler::Stop(std::chrono::milliseconds grace) {
  grace_ms_.store(grace.count());
  stop_.store(true);
}

namespace {

// Unix microseconds at which `site` next has work: 0 when queued URLs wait (or a seed was never
// read), else the earliest next_due of its seeds or not_before of its queue.
int64_t SiteDueAt(const config::Site& site, Ledger& ledger, const Crawler::Memory& memory,
                  int64_t now) {
  int64_t due = INT64_MAX;
  for (const QueuedUrl& q : ledger.Queue(site.id)) {
    if (q.not_before_us <= now) return 0;
    due = std::min(due, q.not_before_us);
  }
  for (const SeedUrl& seed : SeedsOf(site, memory)) {
    if (seed.url.empty()) continue;
    auto r = ledger.Resource(site.id, seed.url);
    if (!r) return 0;
    due = std::min(due, r->next_due_us);
  }
  return due;
}

}  // namespace

std::vector<config::Site> Crawler::DueSites(const std::vector<config::Site>& sites,
                                            std::chrono::system_clock::time_point now) {
  Ledger ledger(state_, *memory_);
  int64_t now_us = base::ToUnixMicros(now);
  std::vector<config::Site> due;
  for (const config::Site& site : sites) {
    if (SiteDueAt(site, ledger, *memory_, now_us) <= now_us) due.push_back(site);
  }
  return due;
}

std::chrono::system_clock::time_point Crawler::NextDue(const std::vector<config::Site>& sites) {
  Ledger ledger(state_, *memory_);
  int64_t now_us = base::NowMicros();
  int64_t first = INT64_MAX;
  for (const config::Site& site : sites) {
    first = std::min(first, SiteDueAt(site, ledger, *memory_, now_us));
  }
  if (first == INT64_MAX) first = now_us + 3600LL * 1000000;  // no seeds at all: look hourly
  return std::chrono::system_clock::time_point(std::chrono::microseconds(first));
}

}  // namespace kuzet::crawler
