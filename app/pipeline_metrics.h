// Process-level counters of what the page pipeline did, for /metrics (issue #14 item 5, issue #15
// item 1): pages over their CPU or memory budget, regex terms that hit their time limit, bodies
// that are not text, pages processed and fetch errors, by site (and rule, budget).
//
// Unlike SiteCounters (one crawl, for the summary), these are Prometheus counters: they only grow
// for the life of the process, across crawls and config reloads. One instance is owned by
// `kuzet run` and shared by pointer with each crawl's PagePipeline (the writer) and the in-process
// HttpServer (the reader); there is no global instance. `kuzet serve` runs no crawl and has none.
//
// Cardinality: site and rule ids come from the config, never from fetched pages, so the series
// are bounded by sites x rules. A reload that renames ids adds series (the old ones stay, as a
// counter that vanished would read as a reset) until the next restart.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace kuzet::app {

// Which budget a page ran out of (config keys page_cpu_budget, page_memory_budget).
enum class Budget { kCpu, kMemory };

const char* BudgetLabel(Budget budget);  // "cpu", "memory"

// A copy of the counters at one moment; maps ordered, so renderings are stable.
struct PipelineCounts {
  std::map<std::string, uint64_t> pages_processed;                         // by site
  std::map<std::string, uint64_t> fetch_errors;                            // by site
  std::map<std::string, uint64_t> not_text;                                // by site
  std::map<std::pair<std::string, Budget>, uint64_t> over_budget;          // (site, budget)
  std::map<std::pair<std::string, std::string>, uint64_t> regex_timeouts;  // (site, rule)
};

// Thread-safe: the pipeline counts on the crawl thread while HTTP threads take snapshots.
class PipelineMetrics {
 public:
  void CountPageProcessed(const std::string& site);
  void CountFetchError(const std::string& site);
  void CountNotText(const std::string& site);
  void CountOverBudget(const std::string& site, Budget budget);
  void CountRegexTimeout(const std::string& site, const std::string& rule);

  PipelineCounts Snapshot() const;

 private:
  mutable std::mutex mu_;
  PipelineCounts counts_;
};

}  // namespace kuzet::app
