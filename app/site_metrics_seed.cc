#include "app/site_metrics_seed.h"

#include <algorithm>

#include "app/pipeline.h"

namespace kuzet::app {

Status SeedSiteMetrics(const crawler::CrawlState& state, const std::vector<config::Site>& sites,
                       PipelineMetrics& metrics) {
  for (const config::Site& site : sites) {
    metrics.SetInterval(site.id, LongestReadInterval(site));
    auto resources = state.Resources(site.id);
    if (!resources.ok()) return resources.status();
    int64_t last_success_us = 0;
    for (const auto& [url, resource] : *resources) {
      if (resource.last_status == 200 || resource.last_status == 304) {
        last_success_us = std::max(last_success_us, resource.last_fetch_us);
      }
    }
    if (last_success_us > 0) {
      metrics.SeedLastSuccess(site.id, static_cast<double>(last_success_us) / 1e6);
    }
  }
  return Status::Ok();
}

}  // namespace kuzet::app
