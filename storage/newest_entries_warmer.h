// Keeps each rule's newest index entries in the block cache. Internal to storage/.
//
// Analysts ask "what is new for rule R": the newest entries of each rule's ranges in
// mentions_by_rule. A flush or compaction writes those entries into new table files whose
// blocks are in no cache, so the first such query per rule after it reads and decompresses
// blocks from the files (bench_store at 1M mentions: that first query was the slowest 2 % of
// all, 0.3-0.5 ms against ~20 us). RocksDB can fill the cache from flushes
// (prepopulate_block_cache) but not from compactions. This listener, after every flush or
// compaction of mentions_by_rule, reads the newest kEntriesPerRange entries of each rule's two
// ranges through an ordinary iterator, which loads their blocks into the block cache.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include <cstddef>
#include <mutex>

namespace kuzet::storage {

class NewestEntriesWarmer : public rocksdb::EventListener {
 public:
  // Entries read per range: the by-id range (read cursors) and the newest-first range (--since).
  // 64 mentions of one rule are hours to days of a busy rule's stream.
  static constexpr size_t kEntriesPerRange = 64;

  // `family` is mentions_by_rule, once the store is open; nullptr stops the warming (before the
  // handle is destroyed: Detach waits for a warming in progress).
  void Attach(rocksdb::ColumnFamilyHandle* family);
  void Detach() { Attach(nullptr); }

  void OnFlushCompleted(rocksdb::DB* db, const rocksdb::FlushJobInfo& info) override;
  void OnCompactionCompleted(rocksdb::DB* db, const rocksdb::CompactionJobInfo& info) override;

  // Reads the newest entries of every rule now; what the callbacks do. Returns the number of
  // entries read.
  size_t Warm(rocksdb::DB* db);

 private:
  std::mutex mutex_;  // held while warming, so Detach never races a warming with the handle
  rocksdb::ColumnFamilyHandle* family_ = nullptr;
};

}  // namespace kuzet::storage
