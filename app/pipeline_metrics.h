// Process-level counters and gauges of what the crawl and the alert worker did, for /metrics
// (issue #14 item 5, issue #15 item 1, issue #19 item 4): per site the fetches (errors by kind,
// the last success, the longest interval between reads), pages processed and stored, mentions
// stored, pages over their CPU or memory budget, regex terms that hit their time limit, bodies that
// are not text; the fetch latency histogram; store write errors; alert sends and failures per
// channel.
//
// Unlike SiteCounters (one crawl, for the summary), these are Prometheus counters: they only grow
// for the life of the process, across crawls and config reloads. One instance is owned by
// `kuzet run` and shared by pointer with each crawl's PagePipeline and the alert worker's outbox
// (the writers) and the in-process HttpServer (the reader); there is no global instance.
// `kuzet serve` runs no crawl and has none.
//
// Cardinality: site, rule and channel ids come from the config, never from fetched pages, and
// error kinds and budgets are closed sets, so the series are bounded by the config. A reload
// that renames ids adds series (the old ones stay, as a counter that vanished would read as a
// reset) until the next restart.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "app/fetch_error_kind.h"
#include "app/latency_histogram.h"

namespace kuzet::app {

// Which budget a page ran out of (config keys page_cpu_budget, page_memory_budget).
enum class Budget { kCpu, kMemory };

const char* BudgetLabel(Budget budget);  // "cpu", "memory"

// A copy of the counters at one moment; maps ordered, so renderings are stable.
struct PipelineCounts {
  std::map<std::string, uint64_t> pages_processed;                          // by site
  std::map<std::pair<std::string, FetchErrorKind>, uint64_t> fetch_errors;  // (site, kind)
  std::map<std::string, uint64_t> not_text;                                 // by site
  std::map<std::pair<std::string, Budget>, uint64_t> over_budget;           // (site, budget)
  std::map<std::pair<std::string, std::string>, uint64_t> regex_timeouts;   // (site, rule)
  std::map<std::string, uint64_t> pages_stored;     // by site: new documents and new versions
  std::map<std::string, uint64_t> mentions_stored;  // by site
  // Unix seconds of the site's last fetch answered 200 or 304 (any page, feed or sitemap); a
  // site without one since the process started has no entry.
  std::map<std::string, double> last_success_seconds;
  // By site: the longest it goes between reads when healthy (LongestReadInterval in pipeline.h).
  std::map<std::string, double> interval_seconds;
  LatencyHistogram fetch_duration;                      // every page, feed and sitemap fetch
  uint64_t store_write_errors = 0;                      // page and fetch records the store refused
  std::map<std::string, uint64_t> alert_sends;          // accepted, by channel
  std::map<std::string, uint64_t> alert_send_failures;  // failed attempts, by channel
  std::map<std::string, uint64_t> alert_given_up;       // channels given up on, by channel
};

// Thread-safe: the pipeline counts on the crawl thread and the alert worker on its own while
// HTTP threads take snapshots.
class PipelineMetrics {
 public:
  // The longest the site goes between reads, noted with each of its fetches and errors.
  void SetInterval(const std::string& site, std::chrono::seconds interval);
  // A finished fetch of the site (CrawlHandler::OnFetched): its duration, and when `succeeded`
  // (200 or 304) `now_seconds` as the site's last success.
  void ObserveFetch(const std::string& site, bool succeeded, double seconds, double now_seconds);
  // A success from before this process (app/site_metrics_seed.h); a later one is kept.
  void SeedLastSuccess(const std::string& site, double seconds);
  void CountPageProcessed(const std::string& site);
  void CountFetchError(const std::string& site, FetchErrorKind kind);
  void CountNotText(const std::string& site);
  void CountOverBudget(const std::string& site, Budget budget);
  void CountRegexTimeout(const std::string& site, const std::string& rule);
  void CountPageStored(const std::string& site, int new_mentions);
  void CountStoreWriteError();
  // One channel's attempt at an alert: accepted, or failed (and then maybe given up).
  void CountAlertSend(const std::string& channel, bool accepted, bool given_up);

  PipelineCounts Snapshot() const;

 private:
  mutable std::mutex mu_;
  PipelineCounts counts_;
};

}  // namespace kuzet::app
