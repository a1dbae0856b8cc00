#include "crawler/crawler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "crawler/feed.h"
#include "crawler/feed_date.h"
#include "crawler/robots.h"
#include "crawler/scope.h"
#include "crawler/sitemap.h"
#include "crawler/url.h"

namespace kuzet::crawler {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxItemAgeSeconds = 30 * 24 * 3600;     // older feed/sitemap entries are skipped
constexpr int kMaxSitemapsPerSite = 20;                    // sitemap-index children followed
constexpr auto kMaxCrawlDelay = std::chrono::seconds(30);  // robots.txt Crawl-delay honoured up to
constexpr auto kMaxRetryAfter = std::chrono::seconds(60);  // longer Retry-After: give up the host
constexpr int kMaxAttempts = 3;                            // fetches of one URL after 429/503

// A fetch in flight: what to do with its result.
struct InFlight {
  CrawlTask task;
  bool robots = false;  // the task is the robots.txt of task.host
};

// A finished fetch.
struct Done {
  CrawlTask task;
  bool robots = false;
  Result<FetchResponse> response;
};

// Politeness state of one origin (scheme://host:port).
struct HostState {
  enum class Robots { kUnknown, kPending, kKnown };
  bool initialized = false;
  int in_flight = 0;
  Clock::time_point next_start{};  // earliest start of the next request
  Clock::duration delay{};         // per_host_delay, raised by robots.txt Crawl-delay
  Robots robots = Robots::kUnknown;
  RobotsRules rules;
  std::string robots_note;  // why everything is disallowed, for error messages
  bool gave_up = false;     // asked to wait longer than kMaxRetryAfter: no more fetches this crawl
};

struct SiteState {
  const config::Site* site = nullptr;
  SiteScope scope;
  int pages_dispatched = 0;
  int sitemaps_dispatched = 0;
  // Links (as returned by OnPage) already judged for this site: pages repeat their navigation
  // and related links, and a repeat is dropped here without canonicalizing it again.
  std::unordered_set<std::string> links_seen;
};

// OriginOf / PathAndQueryOf for a URL already in canonical form (lowercase scheme and host, no
// default port, a path), by string operations instead of a URL parse; the parsers for the rare
// URL with userinfo.
std::string CanonicalOrigin(const std::string& canonical) {
  size_t authority = canonical.find("://");
  if (authority == std::string::npos) return OriginOf(canonical);
  size_t end = canonical.find_first_of("/?", authority + 3);
  if (canonical.find('@', authority) < end) return OriginOf(canonical);
  return canonical.substr(0, end);
}

std::string CanonicalPathAndQuery(const std::string& canonical) {
  size_t authority = canonical.find("://");
  if (authority == std::string::npos) return PathAndQueryOf(canonical);
  size_t end = canonical.find_first_of("/?", authority + 3);
  if (end == std::string::npos || canonical[end] != '/' || canonical.find('@', authority) < end) {
    return PathAndQueryOf(canonical);
  }
  return canonical.substr(end);
}

bool IsPage(PageKind kind) { return kind == PageKind::kStart || kind == PageKind::kLink; }

// One CrawlOnce call: all its state, driven from the calling thread.
class CrawlRun {
 public:
  // conditional_requests: ETag / Last-Modified of feeds and sitemaps from earlier crawls, read
  // and updated by this one.
  CrawlRun(const config::Settings& settings, const std::vector<config::Site>& sites,
           CrawlHandler& handler, Frontier& frontier,
           std::map<std::string, FetchRequest>& conditional_requests)
      : settings_(settings),
        handler_(handler),
        frontier_(frontier),
        conditional_requests_(conditional_requests) {
    for (const config::Site& site : sites) sites_.push_back(SiteState{&site, SiteScope(site)});
    product_token_ = ProductToken(settings.user_agent);
    now_unix_ = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  }

  CrawlStats Run() {
    Seed();
    MultiFetcher fetcher(settings_);
    for (;;) {
      Fill(fetcher);
      if (in_flight_.empty() && frontier_.Empty() && robots_wanted_.empty()) break;
      for (auto& [id, response] : fetcher.Wait(NextWake(Clock::now()))) {
        auto it = in_flight_.find(id);
        Done done{std::move(it->second.task), it->second.robots, std::move(response)};
        in_flight_.erase(it);
        --Host(done.task.host).in_flight;
        if (done.robots) {
          ProcessRobots(std::move(done));
        } else {
          Process(std::move(done));
        }
        // Refill at once rather than after the whole batch: the network thread gets new work
        // while this thread is still busy with the rest of the batch.
        Fill(fetcher);
      }
    }
    return stats_;
  }

 private:
  // Starts fetches until settings.concurrency are in flight or no host is ready.
  void Fill(MultiFetcher& fetcher) {
    const size_t concurrency = static_cast<size_t>(std::max(1, settings_.concurrency));
    if (in_flight_.size() >= concurrency) return;
    Clock::time_point now = Clock::now();
    while (in_flight_.size() < concurrency) {
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

  int PerHostLimit() const { return std::max(1, settings_.per_host_connections); }

  HostState& Host(const std::string& origin) {
    HostState& state = hosts_[origin];
    if (!state.initialized) {
      state.initialized = true;
      state.delay = settings_.per_host_delay;
    }
    return state;
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

  // Whether a task popped from the frontier is fetched: the site's page budget and robots.txt.
  bool Admit(const CrawlTask& task) {
    SiteState& site = sites_[task.site_index];
    if (IsPage(task.kind) && site.pages_dispatched >= site.site->max_pages) {
      ++stats_.skipped_budget;
      return false;
    }
    HostState& host = Host(task.host);
    if (host.gave_up) {
      ++stats_.skipped_backoff;
      return false;
    }
    if (!host.rules.Allowed(CanonicalPathAndQuery(task.url))) {
      ++stats_.skipped_robots;
      if (task.kind != PageKind::kLink) {  // configured URLs: the user should know
        ReportError(
            task.site_index, task.url,
            Status::Unavailable("disallowed by robots.txt" + host.robots_note + ": " + task.url));
      }
      return false;
    }
    if (IsPage(task.kind)) ++site.pages_dispatched;
    return true;
  }

  void Dispatch(MultiFetcher& fetcher, CrawlTask task, bool robots, Clock::time_point now) {
    HostState& host = Host(task.host);
    ++host.in_flight;
    host.next_start = std::max(host.next_start, now + host.delay);
    FetchRequest request{task.url, "", ""};
    if (task.kind == PageKind::kFeed || task.kind == PageKind::kSitemap) {
      auto known = conditional_requests_.find(task.url);
      if (known != conditional_requests_.end()) request = known->second;
    }
    uint64_t id = next_fetch_id_++;
    in_flight_.emplace(id, InFlight{std::move(task), robots});
    fetcher.Start(id, std::move(request));
  }

  // When the crawl loop should look at the frontier again if no fetch finishes before.
  Clock::time_point NextWake(Clock::time_point now) const {
    Clock::time_point wake = now + std::chrono::seconds(1);
    for (const auto& [name, host] : hosts_) {
      if (host.next_start > now && host.next_start < wake) wake = host.next_start;
    }
    return wake;
  }

  // RFC 9309 §2.3.1: 2xx: parse; 4xx: no restrictions; 5xx (and 429, as Google does) or a
  // network error: the site is "unreachable" and nothing may be crawled.
  void ProcessRobots(Done done) {
    ++stats_.robots_fetched;
    HostState& host = Host(done.task.host);
    host.robots = HostState::Robots::kKnown;
    if (!done.response.ok()) {
      host.rules = RobotsRules::DisallowAll();
      host.robots_note = " (robots.txt unreachable: " + done.response.status().message() + ")";
      return;
    }
    const FetchResponse& response = *done.response;
    stats_.bytes += response.bytes_received;
    if (response.status >= 200 && response.status < 300) {
      host.rules = RobotsRules::Parse(response.body, product_token_);
      if (host.rules.crawl_delay()) {
        auto crawl_delay = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(*host.rules.crawl_delay()));
        host.delay = std::max(host.delay, std::min<Clock::duration>(crawl_delay, kMaxCrawlDelay));
      }
    } else if (response.status == 429 || response.status >= 500) {
      host.rules = RobotsRules::DisallowAll();
      host.robots_note = " (robots.txt unreachable: HTTP " + std::to_string(response.status) + ")";
    } else {
      host.rules = RobotsRules::AllowAll();
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
  // and try again, up to kMaxAttempts; a wait beyond kMaxRetryAfter ends the host's crawl.
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
      frontier_.Push(task);
      return true;
    }
    std::string message = "HTTP " + std::to_string(response.status) + " for " + task.url +
                          (told ? " (Retry-After: " + response.Header("retry-after") + ")" : "");
    if (wait > kMaxRetryAfter.count()) {
      host.gave_up = true;
      size_t dropped = frontier_.DropHost(task.host);
      stats_.skipped_backoff += static_cast<int>(dropped);
      message += "; " + std::to_string(dropped) + " more URLs of " + task.host +
                 " left for the next crawl";
    }
    ReportError(task.site_index, task.url, Status::Unavailable(message));
    return false;
  }

  void Seed() {
    for (size_t i = 0; i < sites_.size(); ++i) {
      const config::Site& site = *sites_[i].site;
      for (const std::string& url : site.feeds) AddConfigured(i, url, PageKind::kFeed);
      for (const std::string& url : site.sitemaps) AddConfigured(i, url, PageKind::kSitemap);
      for (const std::string& url : site.start_urls) AddConfigured(i, url, PageKind::kStart);
    }
  }

  void AddConfigured(size_t site_index, const std::string& url, PageKind kind) {
    Result<std::string> canonical = Canonicalize(url);
    if (!canonical.ok()) {
      ReportError(site_index, url, canonical.status());
      return;
    }
    if (!seen_.insert(*canonical).second) return;
    frontier_.Push(CrawlTask{site_index, *canonical, CanonicalOrigin(*canonical), 0, kind, 0});
  }

  // A URL found in a page, feed or sitemap.
  void AddDiscovered(size_t site_index, const std::string& url, int depth, bool check_host) {
    SiteState& site = sites_[site_index];
    if (check_host && !site.links_seen.insert(url).second) return;
    Result<std::string> canonical = Canonicalize(url);
    if (!canonical.ok() || site.scope.Check(*canonical, check_host) != ScopeVerdict::kInScope) {
      ++stats_.skipped_scope;
      return;
    }
    if (seen_.count(*canonical) != 0) return;
    seen_.insert(*canonical);
    bool wanted = true;
    try {
      wanted = handler_.ShouldFetch(*site.site, *canonical);
    } catch (const std::exception& e) {
      spdlog::error("crawl handler ShouldFetch threw for {}: {}", *canonical, e.what());
    }
    if (!wanted) {
      ++stats_.skipped_seen;
      return;
    }
    frontier_.Push(
        CrawlTask{site_index, *canonical, CanonicalOrigin(*canonical), depth, PageKind::kLink, 0});
  }

  void ReportError(size_t site_index, const std::string& url, const Status& error) {
    ++stats_.errors;
    spdlog::debug("crawl error: {}", error.message());
    try {
      handler_.OnFetchError(*sites_[site_index].site, url, error);
    } catch (const std::exception& e) {
      spdlog::error("crawl handler OnFetchError threw for {}: {}", url, e.what());
    }
  }

  void Process(Done done) {
    CrawlTask& task = done.task;
    if (done.response.ok()) {
      stats_.bytes += done.response->bytes_received;
      long status = done.response->status;
      if ((status == 429 || status == 503) && BackOff(task, *done.response)) return;
    }
    if (IsPage(task.kind)) {
      ++stats_.pages_fetched;
    } else {
      ++stats_.feeds_fetched;
    }
    if (!done.response.ok()) {
      ReportError(task.site_index, task.url, done.response.status());
      return;
    }
    FetchResponse& response = *done.response;
    if (response.status == 429 || response.status == 503) return;  // reported by BackOff
    bool feed_or_sitemap = task.kind == PageKind::kFeed || task.kind == PageKind::kSitemap;
    if (feed_or_sitemap && response.status == 304) {
      ++stats_.not_modified;  // unchanged since the last crawl: its items were seen then
      return;
    }
    if (feed_or_sitemap && response.status == 200) {
      FetchRequest next{task.url, response.Header("etag"), response.Header("last-modified")};
      if (next.etag.empty() && next.last_modified.empty()) {
        conditional_requests_.erase(task.url);
      } else {
        conditional_requests_[task.url] = std::move(next);
      }
    }
    if (response.status != 200) {
      ReportError(
          task.site_index, task.url,
          Status::Unavailable("HTTP " + std::to_string(response.status) + " for " + task.url));
      return;
    }
    // Without redirects the final URL is the (canonical) task URL in its ASCII-host form.
    Result<std::string> final_canonical =
        response.redirects == 0 ? Result<std::string>(task.url) : Canonicalize(response.final_url);
    if (final_canonical.ok() && response.redirects != 0) seen_.insert(*final_canonical);

    switch (task.kind) {
      case PageKind::kFeed:
        ProcessFeed(task, response);
        return;
      case PageKind::kSitemap:
        ProcessSitemap(task, response);
        return;
      case PageKind::kStart:
      case PageKind::kLink:
        break;
    }
    // Feed autodiscovery: a followed link that turns out to be a feed is read as one.
    if (task.kind == PageKind::kLink && LooksLikeFeed(response.body) &&
        ParseFeed(response.body, response.final_url).ok()) {
      --stats_.pages_fetched;
      ++stats_.feeds_fetched;
      ProcessFeed(task, response);
      return;
    }
    CrawledPage page{sites_[task.site_index].site,
                     final_canonical.ok() ? *final_canonical : task.url, std::move(response),
                     task.depth, task.kind};
    std::vector<std::string> links;
    try {
      links = handler_.OnPage(page);
    } catch (const std::exception& e) {
      spdlog::error("crawl handler OnPage threw for {}: {}", page.url, e.what());
    }
    if (task.depth >= sites_[task.site_index].site->max_depth) return;
    for (const std::string& link : links)
      AddDiscovered(task.site_index, link, task.depth + 1, true);
  }

  // Items newest first; entries with a date older than kMaxItemAgeSeconds are skipped.
  template <typename Entry>
  void AddItems(size_t site_index, std::vector<Entry> entries, int64_t Entry::*date,
                std::string Entry::*url) {
    std::stable_sort(entries.begin(), entries.end(),
                     [&](const Entry& a, const Entry& b) { return a.*date > b.*date; });
    for (const Entry& entry : entries) {
      if (entry.*date != 0 && entry.*date < now_unix_ - kMaxItemAgeSeconds) continue;
      AddDiscovered(site_index, entry.*url, 1, /*check_host=*/false);
    }
  }

  void ProcessFeed(const CrawlTask& task, const FetchResponse& response) {
    Result<Feed> feed = ParseFeed(response.body, response.final_url);
    if (!feed.ok()) {
      ReportError(task.site_index, task.url, feed.status());
      return;
    }
    AddItems(task.site_index, std::move(feed->items), &FeedItem::published, &FeedItem::url);
  }

  void ProcessSitemap(const CrawlTask& task, const FetchResponse& response) {
    Result<Sitemap> sitemap = ParseSitemap(response.body, response.final_url);
    if (!sitemap.ok()) {
      ReportError(task.site_index, task.url, sitemap.status());
      return;
    }
    SiteState& site = sites_[task.site_index];
    std::vector<SitemapEntry> children = std::move(sitemap->sitemaps);
    std::stable_sort(
        children.begin(), children.end(),
        [](const SitemapEntry& a, const SitemapEntry& b) { return a.lastmod > b.lastmod; });
    for (const SitemapEntry& child : children) {
      if (child.lastmod != 0 && child.lastmod < now_unix_ - kMaxItemAgeSeconds) continue;
      if (site.sitemaps_dispatched >= kMaxSitemapsPerSite) break;
      Result<std::string> canonical = Canonicalize(child.url);
      if (!canonical.ok() || !seen_.insert(*canonical).second) continue;
      ++site.sitemaps_dispatched;
      frontier_.Push(CrawlTask{task.site_index, *canonical, CanonicalOrigin(*canonical), task.depth,
                               PageKind::kSitemap, 0});
    }
    AddItems(task.site_index, std::move(sitemap->urls), &SitemapEntry::lastmod, &SitemapEntry::url);
  }

  const config::Settings& settings_;
  CrawlHandler& handler_;
  Frontier& frontier_;
  std::vector<SiteState> sites_;
  std::unordered_map<std::string, HostState> hosts_;
  std::unordered_set<std::string> seen_;  // canonical URLs queued or fetched in this crawl
  std::map<std::string, FetchRequest>& conditional_requests_;
  std::vector<std::string> robots_wanted_;  // origins whose robots.txt is still to be requested
  std::unordered_map<uint64_t, InFlight> in_flight_;  // by MultiFetcher id
  uint64_t next_fetch_id_ = 0;
  std::string product_token_;
  CrawlStats stats_;
  int64_t now_unix_ = 0;
};

}  // namespace

Crawler::Crawler(const config::Settings& settings) : settings_(settings) {}
Crawler::~Crawler() = default;

CrawlStats Crawler::CrawlOnce(const std::vector<config::Site>& sites, CrawlHandler& handler,
                              Frontier* frontier) {
  InMemoryFrontier in_memory;
  try {
    CrawlRun run(settings_, sites, handler, frontier != nullptr ? *frontier : in_memory,
                 conditional_requests_);
    return run.Run();
  } catch (const std::exception& e) {  // e.g. threads could not be started
    spdlog::error("crawl aborted: {}", e.what());
    CrawlStats stats;
    stats.errors = 1;
    return stats;
  }
}

}  // namespace kuzet::crawler
