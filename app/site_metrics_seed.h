// What the per-site gauges of /metrics start from when `kuzet run` starts: each configured site's
// interval (kuzet_site_interval_seconds), and its last success as the crawl state recorded it
// (kuzet_site_last_success_timestamp_seconds). Without the seed a restart would forget a site's
// silence: a daemon restarting every few minutes (a crash loop) would never show a dead site
// silent, and a site not due after the restart would have no series until its next read.
#pragma once

#include <vector>

#include "app/pipeline_metrics.h"
#include "base/status.h"
#include "config/config.h"
#include "crawler/crawl_state.h"

namespace kuzet::app {

// For each site: its LongestReadInterval, and the latest last_fetch_us of its start pages, feeds
// and sitemaps whose last fetch answered 200 or 304 (crawler::ResourceState; article pages keep
// no such record). An error reading the state leaves the rest unseeded.
Status SeedSiteMetrics(const crawler::CrawlState& state, const std::vector<config::Site>& sites,
                       PipelineMetrics& metrics);

}  // namespace kuzet::app
