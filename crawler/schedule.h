// When a feed or sitemap is read again: the adaptive-interval rule (crawler/README.md,
// "Schedule"), kept apart from the crawl loop so that it can be read and tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kuzet::crawler {

// The interval after a read, in seconds: halved when the item list changed since the last read,
// ×1.25 (rounded down) when it did not, then clamped to [min_s, max_s]. A feed that changes at
// every read is polled at min_s, one that never changes at max_s; one that changes every k-th
// read settles where 1.25^k ≈ 2, about three reads a change.
int64_t AdaptInterval(int64_t interval_s, bool changed, int64_t min_s, int64_t max_s);

// Identifies a feed's or sitemap's list of items whatever their order: FNV-1a 64 over the sorted
// URLs (each followed by a 0xff separator). Stored in the crawl state (ResourceState.items_hash),
// so the definition is part of its format.
uint64_t HashItemUrls(std::vector<std::string> urls);

}  // namespace kuzet::crawler
