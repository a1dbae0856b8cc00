// check-config, crawl --once and run: the commands that read the config and crawl.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/alert_delivery.h"
#include "app/commands.h"
#include "app/http_server.h"
#include "app/logging.h"
#include "app/pipeline.h"
#include "app/rules.h"
#include "app/service_notify.h"
#include "config/config.h"
#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

// Everything a crawl needs, built from one config; rebuilt whole on reload.
struct CrawlSetup {
  config::Config config;
  keywords::Matcher matcher;
};

Result<CrawlSetup> LoadCrawlSetup(const std::string& path) {
  auto config = config::LoadConfigFile(path);
  if (!config.ok()) return config.status();
  auto matcher = CompileRules(*config);
  if (!matcher.ok()) return matcher.status();
  return CrawlSetup{std::move(config).value(), std::move(matcher).value()};
}

PageLimits LimitsOf(const config::Settings& settings) {
  return PageLimits{settings.page_cpu_budget, static_cast<size_t>(settings.page_memory_budget)};
}

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
  if (total.over_budget > 0) {
    std::printf("%d page(s) over their CPU or memory budget were skipped (see the log)\n",
                total.over_budget);
  }
}

// The store and the crawl state share the data dir's disk. A fatal fault of either comes before
// a full disk: it is the one that decides what kuzet does.
storage::StorageFault DataDirFault(const storage::Store& store, const crawler::CrawlState& state) {
  storage::StorageFault store_fault = store.Fault(), state_fault = state.Fault();
  if (store_fault.kind == storage::StorageFault::Kind::kFatal) return store_fault;
  if (state_fault.kind == storage::StorageFault::Kind::kFatal) return state_fault;
  return store_fault.ok() ? state_fault : store_fault;
}

std::string FatalStorageMessage(const storage::StorageFault& fault, const std::string& data_dir) {
  return "storage failed, kuzet stops: " + fault.message +
         ". Check the disk and the data dir. A damaged store must be restored from a backup (a "
         "damaged write-ahead log alone is recovered by `kuzet repair --data-dir " +
         data_dir + "`). The crawl queue is kept: the next start resumes it.";
}

// How often a paused daemon tries to resume writing on a full disk.
constexpr std::chrono::seconds kDiskFullRetry(5);

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
  PagePipeline pipeline(setup->matcher, **store, LimitsOf(setup->config.settings));
  crawler::Crawler crawler(setup->config.settings, state->get());
  auto started = std::chrono::steady_clock::now();
  crawler::CrawlStats stats = crawler.CrawlOnce(*sites, pipeline);
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
  // Signals are taken synchronously with sigtimedwait, so no handler and no global flag is needed.
  // They must be blocked before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Type=notify under systemd (app/service_notify.h); read before any thread starts.
  ServiceNotifier systemd = ServiceNotifier::FromEnvironment();

  auto loaded = LoadCrawlSetup(config_path);
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return 1;
  }
  auto setup = std::make_unique<CrawlSetup>(std::move(loaded).value());
  SetLogLevel(setup->config.settings.log_level);
  auto store = storage::Store::Open(setup->config.settings.data_dir);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return 1;
  }
  // The frontier, feed schedules and site status: a kill -9 resumes from the last fetch.
  auto state = crawler::CrawlState::Open(crawler::CrawlStateDir(setup->config.settings.data_dir));
  if (!state.ok()) {
    std::cerr << state.status().message() << "\n";
    return 1;
  }
  // One crawler per config: it keeps robots.txt (24 h) between rounds.
  auto site_crawler = std::make_unique<crawler::Crawler>(setup->config.settings, state->get());
  // Counters of every crawl for the process life (/metrics); declared before the server that
  // reads them, so it stops first.
  PipelineMetrics metrics;
  std::unique_ptr<HttpServer> http;  // [server] enabled: the HTTP API beside the crawl
  if (setup->config.server.enabled) {
    auto started = StartHttpServerFromConfig(setup->config, &metrics, &(*store)->reader());
    if (!started.ok()) {
      std::cerr << started.status().message() << "\n";
      return 1;
    }
    http = std::move(started).value();
  }
  // Alert delivery in its own thread (issue #8); stopped and joined before the store closes.
  std::unique_ptr<AlertThread> alert_thread;
  if (setup->config.alerts.enabled) {
    auto started = AlertThread::Start(setup->config, **store);
    if (!started.ok()) {
      std::cerr << started.status().message() << "\n";
      return 1;
    }
    alert_thread = std::move(started).value();
  }
  spdlog::info("kuzet running: {} sites, {} rules, data in {}", setup->config.sites.size(),
               setup->config.rules.size(), setup->config.settings.data_dir);
  (void)systemd.Ready();  // a failure is logged by the notifier; the daemon goes on

  using Clock = std::chrono::steady_clock;
  bool stopping = false;
  bool reload = false;
  int exit_code = 0;
  const std::string data_dir = setup->config.settings.data_dir;

  // Waits up to `timeout` for a signal; SIGTERM/SIGINT also stop the crawl in progress.
  auto wait_for_signal = [&](std::chrono::milliseconds timeout) {
    if (auto period = systemd.watchdog_period()) timeout = std::min(timeout, *period);
    timespec ts{static_cast<time_t>(timeout.count() / 1000),
                static_cast<long>(timeout.count() % 1000) * 1000000L};
    int sig = sigtimedwait(&signals, nullptr, &ts);
    (void)systemd.FeedWatchdog();  // a failure is logged by the notifier; the daemon goes on
    if (sig == SIGTERM || sig == SIGINT) {
      if (!stopping) {
        spdlog::info("signal {}: finishing in-flight work, then exiting", sig);
        (void)systemd.Stopping();  // a failure is logged by the notifier; the daemon goes on
      }
      stopping = true;
      site_crawler->Stop();
    } else if (sig == SIGHUP) {
      reload = true;
    }
  };

  while (!stopping) {
    std::vector<config::Site> due =
        site_crawler->DueSites(setup->config.sites, std::chrono::system_clock::now());
    auto round_started = Clock::now();
    if (!due.empty()) {
      PagePipeline pipeline(setup->matcher, **store, LimitsOf(setup->config.settings), &metrics);
      auto crawl = std::async(std::launch::async,
                              [&]() { return site_crawler->CrawlOnce(due, pipeline, true); });
      bool storage_stop = false;
      while (crawl.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
        wait_for_signal(std::chrono::milliseconds(200));
        // A store that cannot keep what is fetched stops the crawl at once: fetches in flight are
        // dropped (they stay in the crawl queue) rather than fetched for nothing.
        if (!storage_stop && !DataDirFault(**store, **state).ok()) {
          storage_stop = true;
          site_crawler->Stop(std::chrono::milliseconds(0));
        }
      }
      crawler::CrawlStats stats = crawl.get();
      for (const config::Site& site : due) {
        const SiteCounters& c =
            pipeline.counters().count(site.id) ? pipeline.counters().at(site.id) : SiteCounters{};
        spdlog::info(
            "site {}: {} pages, {} new, {} unchanged, {} new mentions, {} errors ({} over budget)",
            site.id, c.pages, c.new_documents, c.unchanged, c.new_mentions, c.errors,
            c.over_budget);
      }
      spdlog::info(
          "crawl of {} site(s): {} pages, {} feeds ({} not modified), {} resumed, {} bytes{}",
          due.size(), stats.pages_fetched, stats.feeds_fetched, stats.not_modified, stats.resumed,
          stats.bytes, stats.stopped ? "; stopped, the rest stays queued" : "");
      if (alert_thread) alert_thread->Wake();  // new mentions are due now
    }
    if (reload) {
      reload = false;
      (void)systemd.Reloading();  // a failure is logged by the notifier; the daemon goes on
      auto fresh = LoadCrawlSetup(config_path);
      if (!fresh.ok()) {
        spdlog::error("SIGHUP: config not reloaded, keeping the old one: {}",
                      fresh.status().message());
      } else {
        if (fresh->config.settings.data_dir != setup->config.settings.data_dir) {
          spdlog::warn("SIGHUP: data_dir changed; the new one is used after a restart");
        }
        setup = std::make_unique<CrawlSetup>(std::move(fresh).value());
        site_crawler = std::make_unique<crawler::Crawler>(setup->config.settings, state->get());
        SetLogLevel(setup->config.settings.log_level);
        spdlog::info("SIGHUP: config reloaded: {} sites, {} rules", setup->config.sites.size(),
                     setup->config.rules.size());
      }
      (void)systemd.Ready();  // a failure is logged by the notifier; the daemon goes on
    }
    if (stopping) break;
    if (storage::StorageFault fault = DataDirFault(**store, **state); !fault.ok()) {
      if (fault.kind == storage::StorageFault::Kind::kFatal) {
        spdlog::error("{}", FatalStorageMessage(fault, data_dir));
        exit_code = 1;
        break;
      }
      // A full disk: nothing is written until space returns; then the crawl goes on where it
      // stopped (its queue holds what was not stored).
      spdlog::error("{}; crawling paused, trying again every {} s", fault.message,
                    kDiskFullRetry.count());
      while (!stopping && fault.kind == storage::StorageFault::Kind::kDiskFull) {
        wait_for_signal(kDiskFullRetry);
        (*store)->ResumeWrites();
        (*state)->ResumeWrites();
        fault = DataDirFault(**store, **state);
      }
      if (stopping) break;
      if (fault.kind == storage::StorageFault::Kind::kFatal) {
        spdlog::error("{}", FatalStorageMessage(fault, data_dir));
        exit_code = 1;
        break;
      }
      spdlog::warn("space returned in {}: writing resumed, crawling again", data_dir);
      // Stop() ended the last crawler for good; a new one resumes the queue.
      site_crawler = std::make_unique<crawler::Crawler>(setup->config.settings, state->get());
      continue;
    }
    // Sleep until the next site is due, waking at least once a minute and on any signal, and
    // at least a second after the last round began (a site due again at once waits that long).
    auto next = site_crawler->NextDue(setup->config.sites);
    auto until_due = std::chrono::duration_cast<std::chrono::milliseconds>(
        next - std::chrono::system_clock::now());
    auto since_round =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - round_started);
    auto delay = std::clamp(until_due, std::chrono::milliseconds(1000) - since_round,
                            std::chrono::milliseconds(60000));
    if (delay.count() > 0) wait_for_signal(delay);
  }
  alert_thread.reset();  // after the alert in flight
  spdlog::info("kuzet stopped");
  return exit_code;
}

}  // namespace kuzet::app
