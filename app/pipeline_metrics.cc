#include "app/pipeline_metrics.h"

namespace kuzet::app {

const char* BudgetLabel(Budget budget) { return budget == Budget::kCpu ? "cpu" : "memory"; }

void PipelineMetrics::CountPageProcessed(const std::string& site) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.pages_processed[site];
}

void PipelineMetrics::CountFetchError(const std::string& site) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.fetch_errors[site];
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

PipelineCounts PipelineMetrics::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

}  // namespace kuzet::app
