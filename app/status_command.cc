// `kuzet status`: per site, the last fetch, errors, the queue and when it is next due, read from
// the crawl state (a read-only instance, so it works beside a running daemon); then each
// configured rule's backfill (issue #18), read from the store (read-only too); in JSON, elements
// {"backfill": rule, ...} after the sites'.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/mention_format.h"
#include "app/time_bound.h"
#include "base/time.h"
#include "config/config.h"
#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

// "3m ago" / "in 2h" / "now" for a time relative to now.
std::string Relative(int64_t at_us, int64_t now_us) {
  int64_t seconds = (at_us - now_us) / 1000000;
  bool future = seconds > 0;
  int64_t a = future ? seconds : -seconds;
  std::string amount;
  if (a < 5) return "now";
  if (a < 120) {
    amount = std::to_string(a) + "s";
  } else if (a < 7200) {
    amount = std::to_string(a / 60) + "m";
  } else if (a < 2 * 86400) {
    amount = std::to_string(a / 3600) + "h";
  } else {
    amount = std::to_string(a / 86400) + "d";
  }
  return future ? "in " + amount : amount + " ago";
}

struct SiteReport {
  const config::Site* site;
  crawler::SiteStatus status;
  bool ever_crawled = false;
  int64_t queued = 0;
  int64_t next_due_us = 0;  // at or before now (0 when never read or URLs are queued): due now
  std::vector<std::pair<std::string, crawler::ResourceState>> resources;
};

Result<SiteReport> Report(const config::Site& site, const crawler::CrawlState& state,
                          crawler::Crawler& schedule) {
  SiteReport report{&site, {}, false, 0, 0, {}};
  auto status = state.Site(site.id);
  if (!status.ok()) return status.status();
  if (status->has_value()) {
    report.status = **status;
    report.ever_crawled = true;
  }
  auto queue = state.Queue(site.id);
  if (!queue.ok()) return queue.status();
  report.queued = static_cast<int64_t>(queue->size());
  auto resources = state.Resources(site.id);
  if (!resources.ok()) return resources.status();
  report.resources = std::move(resources).value();
  // The daemon's own rule (Crawler::NextDue); a time not after now means due now.
  report.next_due_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           schedule.NextDue({site}).time_since_epoch())
                           .count();
  return report;
}

nlohmann::json ToJson(const SiteReport& r) {
  const crawler::SiteStatus& s = r.status;
  auto time = [](int64_t us) -> nlohmann::json {
    return us == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatTimestampUtc(us));
  };
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& [url, res] : r.resources) {
    resources.push_back({{"url", url},
                         {"kind", crawler::PageKindName(res.kind)},
                         {"interval_seconds", res.interval_s},
                         {"next_due", time(res.next_due_us)},
                         {"last_fetch", time(res.last_fetch_us)},
                         {"last_status", res.last_status},
                         {"last_change", time(res.last_change_us)},
                         {"fetches", res.fetches},
                         {"changes", res.changes}});
  }
  return {{"site", r.site->id},
          {"configured", true},
          {"name", r.site->name},
          {"crawled", r.ever_crawled},
          {"round_started", time(s.round_started_us)},
          {"round_finished", time(s.round_finished_us)},
          {"last_fetch", time(s.last_fetch_us)},
          {"last_fetch_url", s.last_fetch_url},
          {"last_fetch_status", s.last_fetch_status},
          {"round_fetches", s.round_fetches},
          {"round_errors", s.round_errors},
          {"round_not_modified", s.round_not_modified},
          {"total_fetches", s.total_fetches},
          {"total_errors", s.total_errors},
          {"last_error", s.last_error},
          {"last_error_at", time(s.last_error_us)},
          {"queued", r.queued},
          {"next_due", time(r.next_due_us)},
          {"resources", resources}};
}

void PrintTable(const std::vector<SiteReport>& reports, bool details, int64_t now) {
  std::printf("%-20s %-10s %-6s %-12s %7s %13s %7s %-8s %s\n", "site", "last fetch", "status",
              "round", "fetches", "errors(r/all)", "queued", "next due", "last error");
  for (const SiteReport& r : reports) {
    const crawler::SiteStatus& s = r.status;
    std::string round = !r.ever_crawled            ? "never"
                        : s.round_finished_us != 0 ? "done " + Relative(s.round_finished_us, now)
                                                   : "unfinished";
    std::string errors = std::to_string(s.round_errors) + "/" + std::to_string(s.total_errors);
    std::string last_error =
        s.last_error.empty() ? "-" : s.last_error + " (" + Relative(s.last_error_us, now) + ")";
    std::printf(
        "%-20s %-10s %-6s %-12s %7lld %13s %7lld %-8s %s\n", r.site->id.c_str(),
        s.last_fetch_us ? Relative(s.last_fetch_us, now).c_str() : "never",
        s.last_fetch_us ? std::to_string(s.last_fetch_status).c_str() : "-", round.c_str(),
        static_cast<long long>(s.round_fetches), errors.c_str(), static_cast<long long>(r.queued),
        r.next_due_us <= now ? "now" : Relative(r.next_due_us, now).c_str(), last_error.c_str());
    if (!details) continue;
    for (const auto& [url, res] : r.resources) {
      std::printf(
          "    %-7s %s\n        every %llds, next %s, last %s (HTTP %d), changed %lld of %lld "
          "reads\n",
          crawler::PageKindName(res.kind), url.c_str(), static_cast<long long>(res.interval_s),
          Relative(res.next_due_us, now).c_str(),
          res.last_fetch_us ? Relative(res.last_fetch_us, now).c_str() : "never", res.last_status,
          static_cast<long long>(res.changes), static_cast<long long>(res.fetches));
    }
  }
}

// The backfills to show (issue #18): of the configured rules, the running ones and the last
// finished one of every other rule (unless it had nothing to scan). Read from the store opened
// read-only, so it works beside the daemon; a store that cannot be read is said on stderr and
// shows none (no store yet: nothing crawled, no backfill either).
std::vector<storage::RuleBackfill> ShownBackfills(const config::Config& config) {
  auto store = storage::Store::Open(config.settings.data_dir, storage::Store::Mode::kReadOnly);
  if (!store.ok()) {
    if (store.status().code() != Status::Code::kNotFound) {
      std::cerr << "backfills not shown: " << store.status().message() << "\n";
    }
    return {};
  }
  auto backfills = (*store)->reader().RuleBackfills();
  if (!backfills.ok()) {
    std::cerr << "backfills not shown: " << backfills.status().message() << "\n";
    return {};
  }
  std::vector<storage::RuleBackfill> shown;
  for (storage::RuleBackfill& b : *backfills) {
    if (std::none_of(config.rules.begin(), config.rules.end(),
                     [&](const config::Rule& r) { return r.id == b.rule_id; })) {
      continue;
    }
    if (b.done() && b.docs_total == 0) continue;  // a rule configured before anything was stored
    shown.push_back(std::move(b));
  }
  return shown;
}

// One line each: running ones with their progress, finished ones with when.
void PrintBackfills(const std::vector<storage::RuleBackfill>& backfills, int64_t now) {
  if (backfills.empty()) return;
  std::printf("\n%-20s %-14s %19s %7s  %s\n", "backfill of rule", "state", "documents", "found",
              "window");
  for (const storage::RuleBackfill& b : backfills) {
    const std::string state = b.done() ? "done " + Relative(b.finished_us, now) : "running";
    const std::string documents =
        std::to_string(b.docs_scanned) + "/" + std::to_string(b.docs_total);
    std::printf("%-20s %-14s %19s %7llu  first seen since %s\n", b.rule_id.c_str(), state.c_str(),
                documents.c_str(), static_cast<unsigned long long>(b.found),
                FormatTimestampUtc(b.since_us).c_str());
  }
}

// A backfill in the JSON listing: an element of its own beside the sites', told apart by
// "backfill" (sites have "site"), so readers of the site elements are unchanged.
nlohmann::json BackfillJson(const storage::RuleBackfill& b) {
  auto time = [](int64_t us) -> nlohmann::json {
    return us == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatTimestampUtc(us));
  };
  return {{"backfill", b.rule_id},
          {"state", b.done() ? "done" : "running"},
          {"documents_scanned", b.docs_scanned},
          {"documents_total", b.docs_total},
          {"mentions_found", b.found},
          {"window_since", time(b.since_us)},
          {"started", time(b.started_us)},
          {"finished", time(b.finished_us)}};
}

}  // namespace

int StatusCommand(const StatusOptions& options) {
  auto config = config::LoadConfigFile(options.config_path);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  std::vector<config::Site> sites;
  for (const config::Site& site : config->sites) {
    if (options.site.empty() || site.id == options.site) sites.push_back(site);
  }
  if (sites.empty()) {
    std::cerr << "--site " << options.site << ": no such site in " << options.config_path << "\n";
    return 1;
  }
  auto state = crawler::CrawlState::Open(crawler::CrawlStateDir(config->settings.data_dir),
                                         crawler::CrawlState::Mode::kReadOnly);
  if (!state.ok()) {
    std::cerr << state.status().message() << "\n";
    return 1;
  }
  int64_t now = base::NowMicros();
  // Only asked when sites are due: it reads the state, never crawls.
  crawler::Crawler schedule(config->settings, state->get());
  std::vector<SiteReport> reports;
  for (const config::Site& site : sites) {
    auto report = Report(site, **state, schedule);
    if (!report.ok()) {
      std::cerr << report.status().message() << "\n";
      return 1;
    }
    reports.push_back(std::move(report).value());
  }
  // Queues left by sites since removed from the config: never crawled again, shown so that
  // nothing queued goes unseen.
  auto queued_sites = (*state)->SitesWithQueue();
  if (!queued_sites.ok()) {
    std::cerr << queued_sites.status().message() << "\n";
    return 1;
  }
  std::vector<std::pair<std::string, int64_t>> orphans;
  for (const std::string& id : *queued_sites) {
    bool configured = std::any_of(config->sites.begin(), config->sites.end(),
                                  [&](const config::Site& site) { return site.id == id; });
    if (configured || !options.site.empty()) continue;
    auto n = (*state)->QueueSize(id);
    if (n.ok()) orphans.emplace_back(id, *n);
  }
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const SiteReport& r : reports) out.push_back(ToJson(r));
    for (const auto& [id, n] : orphans) {
      out.push_back({{"site", id}, {"configured", false}, {"queued", n}});
    }
    if (options.site.empty()) {
      for (const storage::RuleBackfill& b : ShownBackfills(*config)) out.push_back(BackfillJson(b));
    }
    std::cout << out.dump(2) << "\n";
  } else {
    PrintTable(reports, !options.site.empty(), now);
    for (const auto& [id, n] : orphans) {
      std::printf("(site %s is not in %s: %lld URLs left queued)\n", id.c_str(),
                  options.config_path.c_str(), static_cast<long long>(n));
    }
    if (options.site.empty()) PrintBackfills(ShownBackfills(*config), now);
  }
  return 0;
}

}  // namespace kuzet::app
