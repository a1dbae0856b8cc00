// check-config, crawl --once and run (over app/daemon.h): the commands that read the config and
// crawl.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "app/crawl_setup.h"
#include "app/daemon.h"
#include "app/data_dir_fault.h"
#include "app/logging.h"
#include "app/pipeline.h"
#include "app/service_notify.h"
#include "app/watch_refetch.h"
#include "base/time.h"
#include "config/config.h"
#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

Result<std::vector<config::Site>> SelectSites(const config::Config& config,
                                              const std::vector<std::string>& ids) {
  if (ids.empty()) return config.sites;
  std::vector<config::Site> selected;
  for (const std::string& id : ids) {
    auto it = std::find_if(config.sites.begin(), config.sites.end(),
                           [&](const config::Site& s) { return s.id == id; });
    if (it == config.sites.end()) {
      return Status::InvalidArgument("--site " + id + ": no such site in " + config.path);
    }
    selected.push_back(*it);
  }
  return selected;
}

void PrintSummary(const std::vector<config::Site>& sites, const PagePipeline& pipeline,
                  const crawler::CrawlStats& stats, double seconds) {
  std::printf("%-24s %6s %6s %9s %9s %7s\n", "site", "pages", "new", "unchanged", "mentions",
              "errors");
  SiteCounters total;
  for (const config::Site& site : sites) {
    SiteCounters c;
    if (auto it = pipeline.counters().find(site.id); it != pipeline.counters().end())
      c = it->second;
    std::printf("%-24s %6d %6d %9d %9d %7d\n", site.id.c_str(), c.pages, c.new_documents,
                c.unchanged, c.new_mentions, c.errors);
    total.pages += c.pages;
    total.new_documents += c.new_documents;
    total.unchanged += c.unchanged;
    total.new_mentions += c.new_mentions;
    total.errors += c.errors;
    total.over_budget += c.over_budget;
  }
  std::printf("%-24s %6d %6d %9d %9d %7d\n", "total", total.pages, total.new_documents,
              total.unchanged, total.new_mentions, total.errors);
  std::printf("fetched %d pages and %d feeds, %.1f MB, in %.1f s\n", stats.pages_fetched,
              stats.feeds_fetched, static_cast<double>(stats.bytes) / 1e6, seconds);
  if (stats.refetched > 0) {  // watch/README.md: their outcomes are in the log and kuzet history
    std::printf("re-fetched %d watched document(s)\n", stats.refetched);
  }
  if (stats.refetches_deferred > 0) {  // watch/README.md "Redirects and robots.txt"
    std::printf("%d watched document(s) left due: their robots.txt could not be read\n",
                stats.refetches_deferred);
  }
  if (total.over_budget > 0) {
    std::printf("%d page(s) over their CPU or memory budget were skipped (see the log)\n",
                total.over_budget);
  }
}

}  // namespace

int CheckConfigCommand(const std::string& config_path) {
  auto setup = LoadCrawlSetup(config_path);
  if (!setup.ok()) {
    std::cerr << setup.status().message() << "\n";
    return 1;
  }
  std::cout << config_path << ": OK (" << setup->config.sites.size() << " sites, "
            << setup->config.rules.size() << " rules)\n";
  return 0;
}

int CrawlOnceCommand(const CrawlOptions& options) {
  auto setup = LoadCrawlSetup(options.config_path);
  if (!setup.ok()) {
    std::cerr << setup.status().message() << "\n";
    return 1;
  }
  SetLogLevel(setup->config.settings.log_level);
  auto sites = SelectSites(setup->config, options.site_ids);
  if (!sites.ok()) {
    std::cerr << sites.status().message() << "\n";
    return 1;
  }
  auto store = storage::Store::Open(setup->config.settings.data_dir);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return 1;
  }
  auto state = crawler::CrawlState::Open(crawler::CrawlStateDir(setup->config.settings.data_dir));
  if (!state.ok()) {
    std::cerr << state.status().message() << "\n";
    return 1;
  }
  auto evidence = OpenEvidenceArchive(setup->config);
  if (!evidence.ok()) {
    std::cerr << evidence.status().message() << "\n";
    return 1;
  }
  PagePipeline pipeline(setup->matcher, **store, LimitsOf(setup->config.settings));
  pipeline.ArchiveEvidence(evidence->get());
  std::optional<WatchPlan> watch_plan;
  if (setup->config.watch.enabled) {
    auto plan = WatchPlan::Create(setup->config.watch);
    if (!plan.ok()) {
      std::cerr << plan.status().message() << "\n";
      return 1;
    }
    watch_plan = std::move(*plan);
    pipeline.WatchDocuments(&*watch_plan);
  }
  // The watched documents due by now are fetched again in this run too: run from cron, `crawl
  // --once` is the daemon's round (watch/README.md). Those of sites left out by --site wait.
  std::vector<crawler::RefetchRequest> refetches;
  if (watch_plan) {
    const int64_t now_us = base::NowMicros();
    std::vector<storage::DueWatch> due = TakeDueWatches(**store, setup->config.sites, now_us);
    std::erase_if(due, [&](const storage::DueWatch& watch) {
      return std::none_of(sites->begin(), sites->end(),
                          [&](const config::Site& s) { return s.id == watch.entry.site_id; });
    });
    for (const storage::DueWatch& watch : due)
      refetches.push_back(RefetchRequestOf(**store, watch, now_us));
    pipeline.RefetchWatched(std::move(due));
  }
  crawler::Crawler crawler(setup->config.settings, state->get());
  auto started = std::chrono::steady_clock::now();
  crawler::CrawlStats stats = crawler.CrawlOnce(*sites, pipeline, false, std::move(refetches));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  PrintSummary(*sites, pipeline, stats, seconds);
  if (storage::StorageFault fault = DataDirFault(**store, **state); !fault.ok()) {
    std::cerr << (fault.kind == storage::StorageFault::Kind::kFatal
                      ? FatalStorageMessage(fault, setup->config.settings.data_dir)
                      : fault.message)
              << "\n";
    return 1;
  }
  return 0;
}

int RunCommand(const std::string& config_path) {
  DaemonOptions options;
  options.config_path = config_path;
  // Type=notify under systemd (app/service_notify.h); read before any thread starts.
  options.notifier = ServiceNotifier::FromEnvironment();
  auto daemon = Daemon::Create(std::move(options));  // takes the signals, before any thread
  if (!daemon.ok()) {
    std::cerr << daemon.status().message() << "\n";
    return 1;
  }
  return (*daemon)->Run();
}

}  // namespace kuzet::app
