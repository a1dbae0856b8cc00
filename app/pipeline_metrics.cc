#include "app/pipeline_metrics.h"

#include <algorithm>

namespace kuzet::app {

const char* BudgetLabel(Budget budget) { return budget == Budget::kCpu ? "cpu" : "memory"; }

void PipelineMetrics::SetInterval(const std::string& site, std::chrono::seconds interval) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.interval_seconds[site] = static_cast<double>(interval.count());
}

void PipelineMetrics::ObserveFetch(const std::string& site, bool succeeded, double seconds,
                                   double now_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.fetch_duration.Observe(seconds);
  if (succeeded) counts_.last_success_seconds[site] = now_seconds;
}

void PipelineMetrics::SeedLastSuccess(const std::string& site, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  double& last = counts_.last_success_seconds[site];
  last = std::max(last, seconds);
}

void PipelineMetrics::CountPageProcessed(const std::string& site) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.pages_processed[site];
}

void PipelineMetrics::CountFetchError(const std::string& site, FetchErrorKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.fetch_errors[{site, kind}];
}

void PipelineMetrics::CountNotText(const std::string& site) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.not_text[site];
}

void PipelineMetrics::CountOverBudget(const std::string& site, Budget budget) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.over_budget[{site, budget}];
}

void PipelineMetrics::CountRegexTimeout(const std::string& site, const std::string& rule) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.regex_timeouts[{site, rule}];
}

void PipelineMetrics::CountPageStored(const std::string& site, int new_mentions) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.pages_stored[site];
  counts_.mentions_stored[site] += static_cast<uint64_t>(new_mentions > 0 ? new_mentions : 0);
}

void PipelineMetrics::CountStoreWriteError() {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.store_write_errors;
}

void PipelineMetrics::CountAlertSend(const std::string& channel, bool accepted, bool given_up) {
  std::lock_guard<std::mutex> lock(mu_);
  if (accepted) {
    ++counts_.alert_sends[channel];
  } else {
    ++counts_.alert_send_failures[channel];
    if (given_up) ++counts_.alert_given_up[channel];
  }
}

PipelineCounts PipelineMetrics::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

}  // namespace kuzet::app
