// The open database behind a Store, shared by its roles (page_writer.h, mention_reader.h,
// outbox.h, maintenance.h): the RocksDB families, the reads every role needs, the write mutex
// and id counters, errors named by data dir, and faults. Internal to storage/.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/posting_list.h"
#include "storage/records.h"
#include "storage/storage_fault.h"
#include "storage/store.h"

namespace kuzet::keywords {
class SearchKeys;
}

namespace kuzet::storage {

// RocksDB lives in a subdirectory, so the data dir can hold other things (and a mistyped data dir
// that holds someone's files is never turned into a database).
inline constexpr const char* kDbSubdir = "store";

class FaultMonitor;
class NewestEntriesWarmer;
class RocksDb;
class StoreDb;

// The writes of one PutPages call: one batch for the whole group, indexed so that the group's
// later pages read through it (read-your-writes) and are deduplicated and given stories as if
// each earlier page were already stored. Its ids are adopted once the batch is written. Made and
// ended under the store's write mutex: it borrows the store's spare batch and gives it back.
struct GroupWrite {
  explicit GroupWrite(StoreDb& store);
  ~GroupWrite();
  GroupWrite(const GroupWrite&) = delete;
  GroupWrite& operator=(const GroupWrite&) = delete;

  StoreDb& store;
  // What a later write of the group reads back (GetFromBatchAndDB) goes through the index; keys
  // no write reads back (mention records and their indexes, the outbox, search postings) go
  // straight into batch.GetWriteBatch(), which commits them all the same.
  rocksdb::WriteBatchWithIndex batch;
  uint64_t next_doc_id, next_mention_id;
  bool has_mentions = false;  // the batch is synced (see StoreDb::WriteBatch)
};

class StoreDb {
 public:
  StoreDb(std::string dir, Store::Mode mode, const Store::OpenOptions& options);
  ~StoreDb();
  StoreDb(const StoreDb&) = delete;
  StoreDb& operator=(const StoreDb&) = delete;

  // `repair`: replay the write-ahead logs up to their first damage instead of refusing them.
  Status Open(bool repair = false);
  // Repair's steps once the store is open: counters past the dropped ids, everything flushed.
  Status FinishRepair(const Store::RepairReport& report);

  const std::string& dir() const { return dir_; }
  Store::Mode mode() const { return mode_; }
  rocksdb::DB* db() const { return db_; }
  // A family of the store (RocksDb::Open checked that every one is there).
  rocksdb::ColumnFamilyHandle* Family(const char* name) const;
  const std::vector<rocksdb::ColumnFamilyHandle*>& families() const;

  // One writer: the id counters are read and advanced under write_mutex(), and adopted only once
  // the batch holding the records they number is written.
  std::mutex& write_mutex() { return write_mutex_; }
  uint64_t& next_doc_id() { return next_doc_id_; }
  uint64_t& next_mention_id() { return next_mention_id_; }

  // The batch a group's writes go to (GroupWrite), empty, under write_mutex(): the one the last
  // group gave back, or a new one. One batch serves group after group because its buffer keeps
  // its size: a new batch per group grew from nothing, copying itself at each doubling into
  // pages the writer's malloc_trim had returned (issue #17: a quarter of the writer's faults).
  rocksdb::WriteBatchWithIndex TakeGroupBatch();
  // Clears `batch` (it holds the group's texts) and keeps it for the next group, unless it grew
  // past kMaxKeptGroupBatchBytes: memory kept for the next group stays below that.
  void ReturnGroupBatch(rocksdb::WriteBatchWithIndex batch);
  static constexpr size_t kMaxKeptGroupBatchBytes = size_t{32} << 20;

  // The search postings of new documents not written yet (FORMAT.md, *search*): commit groups
  // are small, so the writer gathers several before it writes one Merge per (key, block). Every
  // id in it is above search_indexed_through(), and every document above it is in it. Only
  // under write_mutex().
  struct SearchBuffer {
    PostingBuilder postings;
    size_t documents = 0;
    uint64_t block = 0;                                 // the one block of its documents
    uint64_t last_id = 0;                               // the highest id in it
    std::chrono::steady_clock::time_point first_added;  // when its first document came
  };
  SearchBuffer& search_buffer() { return search_buffer_; }
  // OpenOptions::search_buffer_max_age.
  std::chrono::milliseconds search_buffer_max_age() const { return search_buffer_max_age_; }
  // The meta record search_indexed_through, as written.
  uint64_t& search_indexed_through() { return search_indexed_through_; }
  // Writes the buffer, and the record advanced to its last id, in a batch of its own (not
  // synced: a crash loses nothing the next read-write open does not index again). Under
  // write_mutex().
  Status FlushSearchBuffer();
  // The format version the store was opened with (before a read-write open raised it).
  uint32_t opened_format_version() const { return opened_format_version_; }

  // Every message starts with the data dir, so a person with several stores knows which one.
  Status Error(const rocksdb::Status& s, std::string_view what) const;
  Status Error(Status::Code code, std::string_view what) const;
  // InvalidArgument naming `what` on a read-only store.
  Status RequireWritable(std::string_view what) const;
  // `sync`: the batch holds mentions (see the definition).
  Status WriteBatch(rocksdb::WriteBatch& batch, std::string_view what, bool sync);

  // Reads one value; nullopt when absent. `group`: through the writes of a group not yet
  // written (only under write_mutex()).
  Result<std::optional<std::string>> Get(const char* family, std::string_view key,
                                         GroupWrite* group = nullptr) const;
  Result<std::optional<Document>> LoadDocumentRecord(uint64_t id,
                                                     GroupWrite* group = nullptr) const;
  Result<std::optional<Mention>> LoadMention(uint64_t id) const;
  // Mentions stored before Mention.story_id existed read it from their document's story.
  Status FillStory(Mention& mention) const;
  Result<std::optional<DocStory>> LoadDocStory(uint64_t doc_id, GroupWrite* group = nullptr) const;
  // The story of each document (the document's own id when it has no story record), in one
  // MultiGet: a search's hits ask together.
  Result<std::vector<uint64_t>> StoryIdsOf(const std::vector<uint64_t>& doc_ids) const;
  // A story's size: its count record (zero for a story not stored yet).
  Result<StoryCount> LoadStoryCount(uint64_t story_id, GroupWrite* group = nullptr) const;

  // The word keys of a text for the search family (built on first use: a read-only store that
  // is never searched or written does not pay for the folding tables).
  Result<const keywords::SearchKeys*> search_keys() const;
  // false only for a read-only store of format 2 or 3, whose index the next read-write open
  // builds (search_index_version() says which).
  bool has_search_index() const { return has_search_index_; }
  uint32_t search_index_version() const { return search_index_version_; }

  // kReadOnly: catches up with the writer's latest writes. kReadWrite: nothing to do.
  Status CatchUp();
  StorageFault Fault() const;
  StorageFault ResumeWrites();

 private:
  Status CheckFormatAndLoadCounters();
  // Format 2 or 3 → 4: (re)indexes every stored document, then records version 4 (FORMAT.md).
  Status BuildSearchIndex(uint32_t version);
  // Adds the postings of every document with an id >= first_id to `search` (batches of 256
  // documents; merges are unions, so a build cut short and done again adds nothing wrong).
  // Returns the highest id indexed (0: none) and counts the documents.
  Result<uint64_t> IndexDocumentsFrom(uint64_t first_id, uint64_t& documents);
  // Read-write: indexes the documents above search_indexed_through (a buffer a crash lost) and
  // advances the record to the last id given.
  Status IndexUnindexedTail();
  void Close();

  const std::string dir_;
  const Store::Mode mode_;
  const bool sync_;          // OpenOptions::sync_mentions
  rocksdb::Env* const env_;  // OpenOptions::env
  const std::chrono::milliseconds search_buffer_max_age_;
  std::unique_ptr<RocksDb> rocks_;  // the open database
  rocksdb::DB* db_ = nullptr;       // rocks_->db()

  std::mutex write_mutex_;
  std::optional<rocksdb::WriteBatchWithIndex> spare_group_batch_;  // under write_mutex_
  bool has_search_index_ = true;
  uint32_t search_index_version_ = kFormatVersion;
  mutable std::once_flag search_keys_once_;
  mutable std::unique_ptr<keywords::SearchKeys> search_keys_;
  mutable Status search_keys_status_;
  uint64_t next_doc_id_ = 1;
  SearchBuffer search_buffer_;
  uint64_t search_indexed_through_ = 0;
  uint32_t opened_format_version_ = kFormatVersion;
  uint64_t next_mention_id_ = 1;
  // kReadWrite: refills the block cache with each rule's newest entries after flushes and
  // compactions of mentions_by_rule.
  std::shared_ptr<NewestEntriesWarmer> warmer_;
  // The first fault that stops the store (storage_fault.h); also a RocksDB listener.
  std::shared_ptr<FaultMonitor> faults_;
};

// What the write-ahead logs of the RocksDB directory `db_path` hold past their first damage
// (damaged = false when every log is intact).
Result<Store::RepairReport> DescribeWalDamage(const std::string& db_path);

// Runs f(); an exception (a failed allocation, a filesystem error) becomes an IOError naming
// the data dir: nothing thrown inside the store leaves its public headers.
template <typename F>
auto Guard(const std::string& dir, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status::IOError("data dir " + dir + ": " + e.what());
  }
}

}  // namespace kuzet::storage
