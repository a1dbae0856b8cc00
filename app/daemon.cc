#include "app/daemon.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/alert_delivery.h"
#include "app/backfill.h"
#include "app/crawl_setup.h"
#include "app/daemon_events.h"
#include "app/data_dir_fault.h"
#include "app/health.h"
#include "app/http_server.h"
#include "app/logging.h"
#include "app/pipeline.h"
#include "app/pipeline_metrics.h"
#include "app/round_summary.h"
#include "app/site_metrics_seed.h"
#include "app/watch_refetch.h"
#include "base/time.h"
#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a paused daemon tries to resume writing on a full disk.
constexpr std::chrono::seconds kDiskFullRetry(5);
// How often the loop looks at the storage fault while a crawl round runs.
constexpr milliseconds kCrawlCheck(200);
// The edit watch: re-fetches a round takes at most (the rest wait for the next rounds), and how
// long one offered to a round that did not make it (robots.txt, a host that asked to wait) waits
// before it is offered again.
constexpr std::chrono::minutes kRefetchRetry(5);

// What the alert worker reads from the config (alert_delivery.h): [alerts], each rule's id,
// description and routing, each site's name, and the web page's address. Line numbers left out:
// moving a table in the file changes nothing.
bool SameAlertInputs(const config::Config& a, const config::Config& b) {
  auto alerts = [](config::Alerts alerts) {
    alerts.line = 0;
    return alerts;
  };
  auto rules = [](const config::Config& c) {
    std::vector<std::tuple<std::string, std::string, std::vector<std::string>, std::string>> out;
    for (const config::Rule& r : c.rules)
      out.emplace_back(r.id, r.description, r.alert_to, r.alert_mode);
    return out;
  };
  auto sites = [](const config::Config& c) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const config::Site& s : c.sites) out.emplace_back(s.id, s.name);
    return out;
  };
  return alerts(a.alerts) == alerts(b.alerts) && rules(a) == rules(b) && sites(a) == sites(b) &&
         a.server.enabled == b.server.enabled && a.server.public_url == b.server.public_url;
}

}  // namespace

class Daemon::Impl {
 public:
  DaemonOptions options;
  std::unique_ptr<DaemonEvents> events;

  std::atomic<bool> ready{false};
  std::atomic<uint64_t> reloads_handled{0};
  std::atomic<int> http_port{0};

  int Run();

 private:
  Status Start();
  int Loop();
  void CrawlRound(const std::vector<config::Site>& due,
                  std::vector<storage::DueWatch> watches = {});
  // The edit watch ([watch]): the re-fetches due now, at most kMaxRefetchesPerCrawl, each
  // offered to one round at a time (again after kRefetchRetry if it did not come back: its host
  // asked to wait); their sites join `due`. A watch whose site is no longer
  // configured ends (logged).
  std::vector<storage::DueWatch> DueRefetches(std::vector<config::Site>& due);
  void Wait(milliseconds timeout);
  void Reload();
  void ApplyServer(const std::optional<HttpServerOptions>& next);
  void ApplyAlerts();
  Result<HttpServerOptions> ServerOptions(const config::Config& config);
  void Shutdown();

  // Declared in the order they are made; Shutdown ends them in its own (see daemon.h).
  std::unique_ptr<CrawlSetup> setup_;
  std::string data_dir_;  // fixed for the process life
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crawler::CrawlState> state_;
  std::unique_ptr<crawler::Crawler> crawler_;
  // The evidence archive, opened by the first crawl round ([evidence] as at that time).
  std::unique_ptr<storage::warc::EvidenceArchive> evidence_;
  bool evidence_opened_ = false;
  PipelineMetrics metrics_;         // the crawl's counters for the process life (/metrics)
  std::unique_ptr<Health> health_;  // /healthz; the loop beats it (Wait)
  std::unique_ptr<HttpServer> http_;
  std::optional<HttpServerOptions> http_options_;  // what http_ was started with
  std::unique_ptr<AlertThread> alerts_;
  std::unique_ptr<BackfillWorker> backfill_;  // new and changed rules over the stored articles

  bool stopping_ = false;
  bool reload_pending_ = false;
  // Re-fetches offered to a round, (doc id, due) -> when: not offered again before kRefetchRetry.
  std::map<std::pair<uint64_t, int64_t>, Clock::time_point> refetches_offered_;
};

Result<HttpServerOptions> Daemon::Impl::ServerOptions(const config::Config& config) {
  auto options = HttpOptionsFromConfig(config.server, data_dir_, "", "");
  if (!options.ok()) {
    return Status::InvalidArgument("[server] in " + config.path + ":" +
                                   std::to_string(config.server.line) + ": " +
                                   options.status().message());
  }
  options->store = store_.get();  // the process's own store: no second instance, no lag
  options->page_choices = PageChoicesFromConfig(config);
  DaemonView view{&metrics_, health_.get(), state_.get(), {}};
  for (const config::Site& site : config.sites) view.site_ids.push_back(site.id);
  options->daemon = std::move(view);
  return options;
}

Status Daemon::Impl::Start() {
  auto loaded = LoadCrawlSetup(options.config_path);
  if (!loaded.ok()) return loaded.status();
  setup_ = std::make_unique<CrawlSetup>(std::move(loaded).value());
  const config::Config& config = setup_->config;
  SetLogLevel(config.settings.log_level);
  data_dir_ = config.settings.data_dir;
  auto store = storage::Store::Open(data_dir_);
  if (!store.ok()) return store.status();
  store_ = std::move(store).value();
  // The frontier, feed schedules and site status: a kill -9 resumes from the last fetch.
  auto state = crawler::CrawlState::Open(crawler::CrawlStateDir(data_dir_));
  if (!state.ok()) return state.status();
  state_ = std::move(state).value();
  // It keeps robots.txt (24 h) between rounds; made anew only when [settings] change.
  crawler_ = std::make_unique<crawler::Crawler>(config.settings, state_.get());
  if (Status seeded = SeedSiteMetrics(*state_, config.sites, metrics_); !seeded.ok()) {
    spdlog::warn("/metrics: sites' last successes not read from the crawl state: {}",
                 seeded.message());
  }
  // /healthz: the loop beats at least every minute (or watchdog period).
  health_ = std::make_unique<Health>(
      *store_, *state_,
      std::min<milliseconds>(std::chrono::seconds(60), options.notifier.watchdog_period().value_or(
                                                           std::chrono::seconds(60))));
  if (config.server.enabled) {
    auto http_options = ServerOptions(config);
    if (!http_options.ok()) return http_options.status();
    auto http = HttpServer::Start(*http_options);
    if (!http.ok()) return http.status();
    http_ = std::move(http).value();
    http_options_ = *http_options;
    http_port.store(http_->port());
  }
  // Rules new to the store look back over the stored articles, in the background (issue #18);
  // a backfill a kill interrupted goes on.
  backfill_ = std::make_unique<BackfillWorker>(*store_);
  backfill_->Update(config);
  // Alert delivery in its own thread (issue #8), so a slow mail server never blocks the crawl.
  if (config.alerts.enabled) {
    auto alerts = AlertThread::Start(config, *store_, &metrics_);
    if (!alerts.ok()) return alerts.status();
    alerts_ = std::move(alerts).value();
  }
  return Status::Ok();
}

int Daemon::Impl::Run() {
  if (Status started = Start(); !started.ok()) {
    std::cerr << started.message() << "\n";
    Shutdown();
    return 1;
  }
  spdlog::info("kuzet running: {} sites, {} rules, data in {}", setup_->config.sites.size(),
               setup_->config.rules.size(), data_dir_);
  ready.store(true);
  (void)options.notifier.Ready();  // a failure is logged by the notifier; the daemon goes on
  health_->MarkReady();
  int exit_code = Loop();
  Shutdown();
  return exit_code;
}

// Waits up to `timeout` (less under a watchdog) for a request or signal, and feeds the watchdog.
void Daemon::Impl::Wait(milliseconds timeout) {
  if (auto period = options.notifier.watchdog_period()) timeout = std::min(timeout, *period);
  DaemonEvents::Woken woken = events->Wait(timeout);
  (void)options.notifier.FeedWatchdog();  // a failure is logged by the notifier
  if (health_) health_->Beat();
  if (woken.reload) reload_pending_ = true;
  if (woken.stop && !stopping_) {
    if (woken.stop_signal != 0) {
      spdlog::info("signal {}: finishing in-flight work, then exiting", woken.stop_signal);
    } else {
      spdlog::info("stop requested: finishing in-flight work, then exiting");
    }
    ready.store(false);
    (void)options.notifier.Stopping();
    stopping_ = true;
    crawler_->Stop();  // step 1 of the shutdown: no new fetch, 3 s for those in flight
  }
}

int Daemon::Impl::Loop() {
  while (!stopping_) {
    Wait(milliseconds(0));  // a request made before Run, or during the last wait's tail
    if (stopping_) break;
    if (reload_pending_) Reload();
    const config::Config& config = setup_->config;
    std::vector<config::Site> due =
        crawler_->DueSites(config.sites, std::chrono::system_clock::now());
    std::vector<storage::DueWatch> watches = DueRefetches(due);
    auto round_started = Clock::now();
    if (!due.empty()) CrawlRound(due, std::move(watches));
    if (stopping_) break;
    if (storage::StorageFault fault = DataDirFault(*store_, *state_); !fault.ok()) {
      if (fault.kind == storage::StorageFault::Kind::kFatal) {
        spdlog::error("{}", FatalStorageMessage(fault, data_dir_));
        return 1;
      }
      // A full disk: nothing is written until space returns; then the crawl goes on where it
      // stopped (its queue holds what was not stored).
      spdlog::error("{}; crawling paused, trying again every {} s", fault.message,
                    kDiskFullRetry.count());
      while (!stopping_ && fault.kind == storage::StorageFault::Kind::kDiskFull) {
        Wait(kDiskFullRetry);
        store_->ResumeWrites();
        state_->ResumeWrites();
        fault = DataDirFault(*store_, *state_);
      }
      if (stopping_) break;
      if (fault.kind == storage::StorageFault::Kind::kFatal) {
        spdlog::error("{}", FatalStorageMessage(fault, data_dir_));
        return 1;
      }
      spdlog::warn("space returned in {}: writing resumed, crawling again", data_dir_);
      // Stop() ended the last crawler for good; a new one resumes the queue.
      crawler_ = std::make_unique<crawler::Crawler>(setup_->config.settings, state_.get());
      continue;
    }
    if (reload_pending_) continue;
    // Sleep until the next site is due, waking at least once a minute and on any request, and at
    // least a second after the last round began (a site due again at once waits that long).
    auto next = crawler_->NextDue(setup_->config.sites);
    if (setup_->config.watch.enabled) {  // the next re-fetch due, if sooner
      if (auto first = store_->reader().DueWatches(INT64_MAX, 1); first.ok() && !first->empty()) {
        next = std::min(next, std::chrono::system_clock::time_point(
                                  std::chrono::microseconds(first->front().due_us)));
      }
    }
    auto until_due =
        std::chrono::duration_cast<milliseconds>(next - std::chrono::system_clock::now());
    auto since_round = std::chrono::duration_cast<milliseconds>(Clock::now() - round_started);
    auto delay = std::clamp(until_due, milliseconds(1000) - since_round, milliseconds(60000));
    if (delay.count() > 0) Wait(delay);
  }
  return 0;
}

std::vector<storage::DueWatch> Daemon::Impl::DueRefetches(std::vector<config::Site>& due) {
  std::vector<storage::DueWatch> offered;
  const config::Config& config = setup_->config;
  if (!config.watch.enabled) return offered;
  const auto now = Clock::now();
  std::erase_if(refetches_offered_, [&](const auto& e) { return now - e.second > kRefetchRetry; });
  for (storage::DueWatch& watch : TakeDueWatches(*store_, config.sites, base::NowMicros())) {
    const auto key = std::pair{watch.doc_id, watch.due_us};
    if (refetches_offered_.contains(key)) continue;  // in a round, or offered not long ago
    auto site = std::find_if(config.sites.begin(), config.sites.end(),
                             [&](const config::Site& s) { return s.id == watch.entry.site_id; });
    if (std::none_of(due.begin(), due.end(),
                     [&](const config::Site& s) { return s.id == site->id; })) {
      due.push_back(*site);  // read for its re-fetches (and whatever of it is due: due_only)
    }
    refetches_offered_[key] = now;
    offered.push_back(std::move(watch));
  }
  return offered;
}

void Daemon::Impl::CrawlRound(const std::vector<config::Site>& due,
                              std::vector<storage::DueWatch> watches) {
  if (!evidence_opened_) {
    auto evidence = OpenEvidenceArchive(setup_->config);
    if (!evidence.ok()) {  // no page with mentions may be stored without its evidence
      spdlog::error("evidence archive: {}; crawl round skipped", evidence.status().message());
      return;
    }
    evidence_ = std::move(*evidence);
    evidence_opened_ = true;
  }
  PagePipeline pipeline(setup_->matcher, *store_, LimitsOf(setup_->config.settings), &metrics_);
  pipeline.ArchiveEvidence(evidence_.get());
  std::optional<WatchPlan> watch_plan;
  if (setup_->config.watch.enabled) {
    auto plan = WatchPlan::Create(setup_->config.watch);
    if (plan.ok()) {
      watch_plan = std::move(*plan);
      pipeline.WatchDocuments(&*watch_plan);
    } else {
      spdlog::error("{}; documents are not watched this round", plan.status().message());
    }
  }
  std::vector<crawler::RefetchRequest> refetches;
  if (watch_plan) {
    const int64_t now_us = base::NowMicros();
    for (const storage::DueWatch& watch : watches) {
      refetches.push_back(RefetchRequestOf(*store_, watch, now_us));
    }
    pipeline.RefetchWatched(std::move(watches));
  }
  auto crawl = std::async(std::launch::async, [&]() {
    return crawler_->CrawlOnce(due, pipeline, true, std::move(refetches));
  });
  bool storage_stop = false;
  while (crawl.wait_for(milliseconds(0)) != std::future_status::ready) {
    Wait(kCrawlCheck);
    // A store that cannot keep what is fetched stops the crawl at once: fetches in flight are
    // dropped (they stay in the crawl queue) rather than fetched for nothing.
    if (!storage_stop && !DataDirFault(*store_, *state_).ok()) {
      storage_stop = true;
      crawler_->Stop(milliseconds(0));
    }
  }
  LogRound(due, pipeline.counters(), crawl.get());  // app/round_summary.h
  // The round's last documents' search postings, so that searches between rounds read no
  // unindexed tail (storage/page_writer.h). Not fatal: a search verifies those documents.
  if (Status s = store_->writer().FlushSearchIndex(); !s.ok()) spdlog::warn("{}", s.message());
  if (alerts_) alerts_->Wake();  // new mentions are due now
}

void Daemon::Impl::Reload() {
  reload_pending_ = false;
  (void)options.notifier.Reloading();  // a failure is logged by the notifier
  auto fresh = LoadCrawlSetup(options.config_path);
  // Everything that can be refused is checked before anything is applied: a config is taken
  // whole or not at all.
  std::optional<HttpServerOptions> next_http;
  if (fresh.ok() && fresh->config.server.enabled) {
    auto http_options = ServerOptions(fresh->config);
    if (http_options.ok()) {
      next_http = *http_options;
    } else {
      fresh = http_options.status();
    }
  }
  if (!fresh.ok()) {
    spdlog::error("SIGHUP: config not reloaded, keeping the old one: {}", fresh.status().message());
  } else {
    config::Config& next = fresh->config;
    const config::Config& now = setup_->config;
    // Keys that cannot change live: the old value stays, and the operator is told.
    if (next.settings.data_dir != now.settings.data_dir) {
      spdlog::warn("SIGHUP: {}: data_dir changed; restart to apply (still using {})", next.path,
                   now.settings.data_dir);
      next.settings.data_dir = now.settings.data_dir;
    }
    bool settings_changed = !(next.settings == now.settings);
    bool alerts_changed = !SameAlertInputs(next, now);
    setup_ = std::make_unique<CrawlSetup>(std::move(fresh).value());
    SetLogLevel(setup_->config.settings.log_level);
    if (settings_changed) {
      crawler_ = std::make_unique<crawler::Crawler>(setup_->config.settings, state_.get());
    }
    ApplyServer(next_http);
    if (alerts_changed) ApplyAlerts();
    backfill_->Update(setup_->config);  // rules added or changed look back
    spdlog::info("SIGHUP: config reloaded: {} sites, {} rules", setup_->config.sites.size(),
                 setup_->config.rules.size());
  }
  reloads_handled.fetch_add(1);
  (void)options.notifier.Ready();
}

void Daemon::Impl::ApplyServer(const std::optional<HttpServerOptions>& next) {
  if (!next) {
    if (http_) {
      http_.reset();
      http_options_.reset();
      http_port.store(0);
      spdlog::info("SIGHUP: [server] is off: the HTTP server stopped");
    }
    return;
  }
  if (http_ && http_options_->listen == next->listen && http_options_->token == next->token) {
    http_->SetPageChoices(next->page_choices);  // the web page offers the new rules and sites
    http_options_->page_choices = next->page_choices;
    return;
  }
  auto start = [&](const HttpServerOptions& options) {
    auto started = HttpServer::Start(options);
    if (!started.ok()) return started.status();
    http_ = std::move(started).value();
    http_options_ = options;
    http_port.store(http_->port());
    return Status::Ok();
  };
  if (!http_) {
    if (Status s = start(*next); !s.ok()) {
      spdlog::error("SIGHUP: [server] listen = \"{}\" not applied: {}; not serving", next->listen,
                    s.message());
    }
    return;
  }
  if (http_options_->listen != next->listen) {
    // The new address is bound first: if it cannot be, the old one goes on serving.
    std::unique_ptr<HttpServer> old = std::move(http_);
    HttpServerOptions old_options = *http_options_;
    if (Status s = start(*next); !s.ok()) {
      http_ = std::move(old);
      spdlog::error("SIGHUP: [server] listen = \"{}\" not applied: {}; still serving on {}",
                    next->listen, s.message(), old_options.listen);
      return;
    }
    old.reset();
    spdlog::info("SIGHUP: [server] listen: moved from {} to {}", old_options.listen, next->listen);
    return;
  }
  // Same address, another token: the old server frees the port, then the new one takes it.
  HttpServerOptions old_options = *http_options_;
  http_.reset();
  if (Status s = start(*next); !s.ok()) {
    spdlog::error("SIGHUP: [server] token_env not applied: {}; serving with the old token",
                  s.message());
    if (Status again = start(old_options); !again.ok()) {
      http_options_.reset();
      http_port.store(0);
      spdlog::error("SIGHUP: [server] the HTTP server could not start again: {}; not serving",
                    again.message());
    }
    return;
  }
  spdlog::info("SIGHUP: [server] token_env: the HTTP server restarted on {}", next->listen);
}

void Daemon::Impl::ApplyAlerts() {
  // After the alert in flight. What is pending lives in the store's outbox: the new worker
  // takes it up, under the new channels and policy.
  alerts_.reset();
  if (!setup_->config.alerts.enabled) {
    spdlog::info("SIGHUP: [alerts] is off: alert delivery stopped (pending alerts stay queued)");
    return;
  }
  auto started = AlertThread::Start(setup_->config, *store_, &metrics_);
  if (!started.ok()) {
    spdlog::error("SIGHUP: [alerts] not applied: {}; alerts stay queued",
                  started.status().message());
    return;
  }
  alerts_ = std::move(started).value();
  spdlog::info("SIGHUP: [alerts] applied: delivery restarted with the new channels and policy");
}

void Daemon::Impl::Shutdown() {
  ready.store(false);
  // Step 1 (the crawl round) ended in Loop; the crawler goes before the state it writes.
  crawler_.reset();
  backfill_.reset();  // after the batch in flight (its progress is stored with it)
  alerts_.reset();    // 2: after the alert in flight
  http_.reset();      // 3: after the requests in flight
  http_options_.reset();
  http_port.store(0);
  state_.reset();  // 4
  if (store_) {
    store_.reset();
    spdlog::info("kuzet stopped");
  }
}

Result<std::unique_ptr<Daemon>> Daemon::Create(DaemonOptions options) {
  auto events = DaemonEvents::Create(options.take_signals);
  if (!events.ok()) return events.status();
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->events = std::move(events).value();
  return std::unique_ptr<Daemon>(new Daemon(std::move(impl)));
}

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Daemon::~Daemon() = default;

int Daemon::Run() { return impl_->Run(); }
void Daemon::RequestReload() { impl_->events->RequestReload(); }
void Daemon::RequestStop() { impl_->events->RequestStop(); }
bool Daemon::ready() const { return impl_->ready.load(); }
uint64_t Daemon::reloads_handled() const { return impl_->reloads_handled.load(); }
int Daemon::http_port() const { return impl_->http_port.load(); }

}  // namespace kuzet::app
