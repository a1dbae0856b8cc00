// The data dir's storage fault, for `kuzet crawl --once` and the daemon: the store and the crawl
// state share the data dir's disk, and one fault decides what kuzet does.
#pragma once

#include <string>

#include "crawler/crawl_state.h"
#include "storage/storage_fault.h"
#include "storage/store.h"

namespace kuzet::app {

// A fatal fault of either comes before a full disk.
storage::StorageFault DataDirFault(const storage::Store& store, const crawler::CrawlState& state);

// What the operator reads when a fatal fault stops kuzet: what to check and how to recover.
std::string FatalStorageMessage(const storage::StorageFault& fault, const std::string& data_dir);

}  // namespace kuzet::app
