// The daemon's log of a crawl round (issue #18): one line at info per round, naming the sites
// that had news or errors, and one line per site at debug. 1,000 sites polled each minute with a
// line per site would be 1.4 million info lines a day, most saying nothing happened.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/pipeline.h"
#include "config/config.h"
#include "crawler/crawler.h"

namespace kuzet::app {

// At most this many sites are named per list (news, errors); the rest are counted.
inline constexpr size_t kRoundSummaryNamedSites = 20;

// "crawl of 1000 site(s): 5400 pages, 12 new, 5380 unchanged, 3 new mention(s), 2 error(s),
// 800 feeds (700 not modified), 1.2 MB; news: a (2 mentions, 5 new), b (1 new); errors: c (2)",
// or "...; nothing new" when no site had news or errors.
std::string FormatRoundSummary(const std::vector<config::Site>& due,
                               const std::map<std::string, SiteCounters>& counters,
                               const crawler::CrawlStats& stats);

// "site a: 12 pages, 5 new, 7 unchanged, 2 new mentions, 0 errors (0 over budget)".
std::string FormatSiteRound(const std::string& site_id, const SiteCounters& counters);

// Logs the round: each site at debug, the summary at info.
void LogRound(const std::vector<config::Site>& due,
              const std::map<std::string, SiteCounters>& counters,
              const crawler::CrawlStats& stats);

}  // namespace kuzet::app
