// The re-fetches of watched documents that one crawl makes (issue #20), shared by `kuzet run`
// (each round) and `kuzet crawl --once` (the run a monitor's cron job makes): which due watches
// the crawl takes, and the conditional GET of each.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/config.h"
#include "crawler/crawler.h"
#include "storage/store.h"
#include "storage/watch.h"

namespace kuzet::app {

// The most re-fetches one crawl takes; the rest wait for the next.
inline constexpr size_t kMaxRefetchesPerCrawl = 1000;

// The re-fetches due by `now_us` (earliest first, at most kMaxRefetchesPerCrawl) whose site is
// configured. A watch whose site is no longer configured ends here (no version, no next entry;
// logged at warn). Errors are logged; nothing is then due.
std::vector<storage::DueWatch> TakeDueWatches(storage::Store& store,
                                              const std::vector<config::Site>& configured,
                                              int64_t now_us);

// How long past its due time a re-fetch whose site's robots.txt cannot be read (5xx, 429, no
// response) stays due and is tried again (the daemon every few minutes, `crawl --once` at its
// next run). The first attempt after it records a failed fetch and the watch moves a step, so a
// site down for good cannot hold its watches (crawler::RefetchRequest::last_attempt).
inline constexpr int64_t kUnreachableRobotsRetryUs = int64_t{3600} * 1000000;

// The conditional GET of a due watch at `now_us` (RFC 9110 §13.1): its URL with the ETag and
// Last-Modified the URL state keeps, so an unchanged page costs a 304; its last attempt once it
// is kUnreachableRobotsRetryUs past due.
crawler::RefetchRequest RefetchRequestOf(storage::Store& store, const storage::DueWatch& watch,
                                         int64_t now_us);

}  // namespace kuzet::app
