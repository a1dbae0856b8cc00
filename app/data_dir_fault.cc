#include "app/data_dir_fault.h"

namespace kuzet::app {

storage::StorageFault DataDirFault(const storage::Store& store, const crawler::CrawlState& state) {
  storage::StorageFault store_fault = store.Fault(), state_fault = state.Fault();
  if (store_fault.kind == storage::StorageFault::Kind::kFatal) return store_fault;
  if (state_fault.kind == storage::StorageFault::Kind::kFatal) return state_fault;
  return store_fault.ok() ? state_fault : store_fault;
}

std::string FatalStorageMessage(const storage::StorageFault& fault, const std::string& data_dir) {
  return "storage failed, kuzet stops: " + fault.message +
         ". Check the disk and the data dir. A damaged store must be restored from a backup (a "
         "damaged write-ahead log alone is recovered by `kuzet repair --data-dir " +
         data_dir + "`). The crawl queue is kept: the next start resumes it.";
}

}  // namespace kuzet::app
