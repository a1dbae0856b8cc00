#include "crawler/crawler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "crawler/feed.h"
#include "crawler/scope.h"
#include "crawler/sitemap.h"
#include "crawler/url.h"

namespace kuzet::crawler {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxItemAgeSeconds = 30 * 24 * 3600;  // older feed/sitemap entries are skipped
constexpr int kMaxSitemapsPerSite = 20;                 // sitemap-index children followed

struct Job {
  CrawlTask task;
};

struct Done {
  CrawlTask task;
  Result<FetchResponse> response;
};

// Fetch jobs go to worker threads; results come back to the crawl thread.
class WorkerPool {
 public:
  WorkerPool(const config::Settings& settings, int threads) {
    for (int i = 0; i < threads; ++i) {
      workers_.emplace_back([this, settings] { Work(settings); });
    }
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    jobs_ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

  void Submit(CrawlTask task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(Job{std::move(task)});
    }
    jobs_ready_.notify_one();
  }

  // Waits until a result is available or `until` passes; returns all available results.
  std::vector<Done> Collect(Clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_ready_.wait_until(lock, until, [this] { return !done_.empty(); });
    std::vector<Done> out;
    while (!done_.empty()) {
      out.push_back(std::move(done_.front()));
      done_.pop_front();
    }
    return out;
  }

 private:
  void Work(const config::Settings& settings) {
    Fetcher fetcher(settings);
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        jobs_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      Result<FetchResponse> response = fetcher.Fetch(FetchRequest{job.task.url, "", ""});
      {
        std::lock_guard<std::mutex> lock(mutex_);
        done_.push_back(Done{std::move(job.task), std::move(response)});
      }
      done_ready_.notify_one();
    }
  }

  std::mutex mutex_;
  std::condition_variable jobs_ready_, done_ready_;
  std::deque<Job> jobs_;
  std::deque<Done> done_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

struct HostState {
  int in_flight = 0;
  Clock::time_point next_start{};  // earliest start of the next request (per_host_delay)
  Clock::duration delay{};
};

struct SiteState {
  const config::Site* site = nullptr;
  SiteScope scope;
  int pages_dispatched = 0;
  int sitemaps_dispatched = 0;
};

bool IsPage(PageKind kind) { return kind == PageKind::kStart || kind == PageKind::kLink; }

// One CrawlOnce call: all its state, driven from the calling thread.
class CrawlRun {
 public:
  CrawlRun(const config::Settings& settings, const std::vector<config::Site>& sites,
           CrawlHandler& handler, Frontier& frontier)
      : settings_(settings), handler_(handler), frontier_(frontier) {
    for (const config::Site& site : sites) sites_.push_back(SiteState{&site, SiteScope(site)});
    now_unix_ = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  }

  CrawlStats Run() {
    Seed();
    WorkerPool pool(settings_, std::max(1, settings_.concurrency));
    int in_flight = 0;
    for (;;) {
      Clock::time_point now = Clock::now();
      while (in_flight < std::max(1, settings_.concurrency)) {
        std::optional<CrawlTask> task = frontier_.PopReady(
            [&](const std::string& host) { return HostReady(host, now); });
        if (!task) break;
        if (IsPage(task->kind)) {
          SiteState& site = sites_[task->site_index];
          if (site.pages_dispatched >= site.site->max_pages) {
            ++stats_.skipped_budget;
            continue;
          }
          ++site.pages_dispatched;
        }
        HostState& host = hosts_[task->host];
        ++host.in_flight;
        host.next_start = now + host.delay;
        ++in_flight;
        pool.Submit(std::move(*task));
      }
      if (in_flight == 0 && frontier_.Empty()) break;
      for (Done& done : pool.Collect(NextWake(now))) {
        --in_flight;
        --hosts_[done.task.host].in_flight;
        Process(std::move(done));
      }
    }
    return stats_;
  }

 private:
  bool HostReady(const std::string& host, Clock::time_point now) {
    HostState& state = hosts_[host];
    if (state.delay == Clock::duration{}) state.delay = settings_.per_host_delay;
    return state.in_flight < std::max(1, settings_.per_host_connections) && now >= state.next_start;
  }

  // When the crawl loop should look at the frontier again if no fetch finishes before.
  Clock::time_point NextWake(Clock::time_point now) const {
    Clock::time_point wake = now + std::chrono::seconds(1);
    for (const auto& [name, host] : hosts_) {
      if (host.next_start > now && host.next_start < wake) wake = host.next_start;
    }
    return wake;
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
    frontier_.Push(CrawlTask{site_index, *canonical, HostOf(*canonical), 0, kind, 0});
  }

  // A URL found in a page, feed or sitemap.
  void AddDiscovered(size_t site_index, const std::string& url, int depth, bool check_host) {
    SiteState& site = sites_[site_index];
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
    frontier_.Push(CrawlTask{site_index, *canonical, HostOf(*canonical), depth, PageKind::kLink, 0});
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
    stats_.bytes += response.bytes_received;
    if (response.status != 200) {
      ReportError(task.site_index, task.url,
                  Status::Unavailable("HTTP " + std::to_string(response.status) + " for " +
                                      task.url));
      return;
    }
    Result<std::string> final_canonical = Canonicalize(response.final_url);
    if (final_canonical.ok()) seen_.insert(*final_canonical);

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
    for (const std::string& link : links) AddDiscovered(task.site_index, link, task.depth + 1, true);
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
    std::stable_sort(children.begin(), children.end(),
                     [](const SitemapEntry& a, const SitemapEntry& b) { return a.lastmod > b.lastmod; });
    for (const SitemapEntry& child : children) {
      if (child.lastmod != 0 && child.lastmod < now_unix_ - kMaxItemAgeSeconds) continue;
      if (site.sitemaps_dispatched >= kMaxSitemapsPerSite) break;
      Result<std::string> canonical = Canonicalize(child.url);
      if (!canonical.ok() || !seen_.insert(*canonical).second) continue;
      ++site.sitemaps_dispatched;
      frontier_.Push(CrawlTask{task.site_index, *canonical, HostOf(*canonical), task.depth,
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
  CrawlStats stats_;
  int64_t now_unix_ = 0;
};

}  // namespace

Crawler::Crawler(const config::Settings& settings) : settings_(settings) {}
Crawler::~Crawler() = default;

CrawlStats Crawler::CrawlOnce(const std::vector<config::Site>& sites, CrawlHandler& handler,
                              Frontier* frontier) {
  InMemoryFrontier in_memory;
  CrawlRun run(settings_, sites, handler, frontier != nullptr ? *frontier : in_memory);
  return run.Run();
}

}  // namespace kuzet::crawler
