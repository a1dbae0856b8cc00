#include "storage/newest_entries_warmer.h"

#include <memory>
#include <string>
#include <string_view>

#include "storage/records.h"

namespace kuzet::storage {

void NewestEntriesWarmer::Attach(rocksdb::ColumnFamilyHandle* family) {
  std::lock_guard<std::mutex> lock(mutex_);
  family_ = family;
}

void NewestEntriesWarmer::OnFlushCompleted(rocksdb::DB* db, const rocksdb::FlushJobInfo& info) {
  if (info.cf_name == kMentionsByRuleFamily) Warm(db);
}

void NewestEntriesWarmer::OnCompactionCompleted(rocksdb::DB* db,
                                                const rocksdb::CompactionJobInfo& info) {
  if (info.status.ok() && info.cf_name == kMentionsByRuleFamily) Warm(db);
}

size_t NewestEntriesWarmer::Warm(rocksdb::DB* db) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (family_ == nullptr) return 0;
  // Best effort: a read error here only leaves blocks uncached; the query that needs them
  // reports it.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), family_));
  size_t read = 0;
  // Keys are `rule 0x00 NEWEST(...)` then `rule 0x01 id BE64` (FORMAT.md, "Column families"):
  // visit each rule once, by seeking past its ranges to the next rule's first key.
  for (it->SeekToFirst(); it->Valid();) {
    const std::string_view key = it->key().ToStringView();
    const size_t end = IndexIdEnd(key);
    if (end == std::string_view::npos || end == 0) break;  // not an index key: stop warming
    const std::string rule(key.substr(0, end));
    const std::string newest_first = rule + '\x00';
    const std::string by_id = rule + '\x01';
    // Newest first already: the first entries of the 0x00 range.
    it->Seek(newest_first);
    for (size_t n = 0; n < kEntriesPerRange && it->Valid() && it->key().starts_with(newest_first);
         ++n, ++read) {
      it->Next();
    }
    // The by-id range ends with the newest ids: step back from its end.
    it->SeekForPrev(by_id + std::string(8, '\xff'));
    for (size_t n = 0; n < kEntriesPerRange && it->Valid() && it->key().starts_with(by_id);
         ++n, ++read) {
      it->Prev();
    }
    it->Seek(rule + '\x02');
  }
  return read;
}

}  // namespace kuzet::storage
