// The size on disk of a data dir, for kuzet_store_size_bytes: what a monitor watches to see the
// disk fill before the store stops on it.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace kuzet::app {

// The bytes of the regular files under `dir` (the store, the crawl state, their logs), read from
// their sizes: no file is opened. Symbolic links are not followed. At most `max_entries` entries
// are visited (a RocksDB store has a few hundred files): more is an error, not a slow scrape.
Result<uint64_t> DataDirBytes(const std::string& dir, size_t max_entries = 100000);

}  // namespace kuzet::app
