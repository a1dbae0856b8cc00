// bench_crawl_sites: crawls the given start URLs with kuzet::crawler::Crawler (politeness delay 0)
// and prints one result line:
//   kuzet pages=<N> robots=<R> errors=<E> seconds=<S> pages_per_s=<P> peak_rss_mb=<M> bytes=<B>
// The handler finds each page's links with crawler::ScanLinks (--links scan, the default: the
// work wget2 does) or with the full kuzet::extractor::Extract that `kuzet crawl` runs
// (--links extract: charset, DOM, metadata, main text, language).
// Driven by run_crawl_bench.sh, which also runs the peer crawler on the same sites.
//
// With --state DIR (emptied first) the crawl keeps its durable frontier, schedules and site
// status in a CrawlState there, as `kuzet run` does: every discovered URL is written to RocksDB.
//
// Usage: bench_crawl_sites [--concurrency N] [--per-host N] [--max-pages N]
//                          [--links scan|extract] [--state DIR] URL...
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/work_dir.h"
#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "crawler/links.h"
#include "extractor/extractor.h"

namespace {

using Clock = std::chrono::steady_clock;

class LinkHandler : public kuzet::crawler::CrawlHandler {
 public:
  int pages = 0;
  int errors = 0;
  bool full_extract = false;
  bool ShouldFetch(const kuzet::config::Site&, const std::string&) override { return true; }
  std::vector<std::string> OnPage(const kuzet::crawler::CrawledPage& page) override {
    ++pages;
    if (!full_extract)
      return kuzet::crawler::ScanLinks(page.response.body, page.response.final_url);
    auto article = kuzet::extractor::Extract(page.response.body, page.response.content_type,
                                             page.response.final_url);
    if (!article.ok()) return {};
    std::vector<std::string> links = std::move(article->links);
    links.insert(links.end(), article->feed_links.begin(), article->feed_links.end());
    return links;
  }
  void OnFetchError(const kuzet::config::Site&, const std::string& url,
                    const kuzet::Status& error) override {
    if (++errors <= 5) std::fprintf(stderr, "error %s: %s\n", url.c_str(), error.message().c_str());
  }
};

}  // namespace

int main(int argc, char** argv) {
  kuzet::config::Settings settings;
  settings.allow_private_hosts = {"*"};  // the bench sites are on loopback
  settings.per_host_delay = std::chrono::seconds(0);
  settings.concurrency = 200;
  settings.per_host_connections = 8;
  settings.log_level = "warn";
  int max_pages = 100000;
  std::string links_mode = "scan";
  std::string state_dir;
  std::vector<std::string> urls;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 < argc && arg == "--concurrency") {
      settings.concurrency = std::atoi(argv[++i]);
    } else if (i + 1 < argc && arg == "--per-host") {
      settings.per_host_connections = std::atoi(argv[++i]);
    } else if (i + 1 < argc && arg == "--max-pages") {
      max_pages = std::atoi(argv[++i]);
    } else if (i + 1 < argc && arg == "--links") {
      links_mode = argv[++i];
    } else if (i + 1 < argc && arg == "--state") {
      state_dir = argv[++i];
    } else {
      urls.push_back(arg);
    }
  }
  if (urls.empty() || (links_mode != "scan" && links_mode != "extract")) {
    std::fprintf(
        stderr,
        "usage: %s [--concurrency N] [--per-host N] [--max-pages N] [--links scan|extract] "
        "[--state DIR] START_URL...\n",
        argv[0]);
    return 2;
  }
  std::vector<kuzet::config::Site> sites;
  for (size_t i = 0; i < urls.size(); ++i) {
    kuzet::config::Site site;
    site.id = "site" + std::to_string(i);
    site.start_urls = {urls[i]};
    site.max_depth = 100000;
    site.max_pages = max_pages;
    sites.push_back(std::move(site));
  }
  LinkHandler handler;
  handler.full_extract = links_mode == "extract";
  std::unique_ptr<kuzet::crawler::CrawlState> state;
  if (!state_dir.empty()) {
    if (kuzet::Status claimed = kuzet::bench::ClaimWorkDir(state_dir); !claimed.ok()) {
      std::fprintf(stderr, "%s\n", claimed.message().c_str());
      return 2;
    }
    auto opened =
        kuzet::crawler::CrawlState::Open((std::filesystem::path(state_dir) / "state").string());
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().message().c_str());
      return 1;
    }
    state = std::move(opened).value();
  }
  kuzet::crawler::Crawler crawler(settings, state.get());
  auto start = Clock::now();
  kuzet::crawler::CrawlStats stats = crawler.CrawlOnce(sites, handler);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "kuzet pages=%d robots=%d errors=%d seconds=%.3f pages_per_s=%.1f peak_rss_mb=%.1f "
      "bytes=%lld\n",
      stats.pages_fetched, stats.robots_fetched, stats.errors, seconds,
      stats.pages_fetched / seconds, usage.ru_maxrss / 1024.0, static_cast<long long>(stats.bytes));
  return 0;
}
