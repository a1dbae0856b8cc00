// The Kuzet store: crawled pages, the mentions found in them and their alert outbox, in one
// RocksDB database per data dir (<data_dir>/store; the format is storage/FORMAT.md).
//
// A Store owns the open database and hands out its roles, each a small header of its own:
//   writer()       PageWriter     page_writer.h     the pipeline stores pages (group commit)
//   reader()       MentionReader  mention_reader.h  CLI, HTTP API, feeds: mentions, documents,
//                                                   stories
//   outbox()       Outbox         outbox.h          the alert worker
//   maintenance()  Maintenance    maintenance.h     retention, compaction
// A caller that needs one role takes it (`const MentionReader&`, `Outbox&`), not the Store, so
// one process hands the same reader to every part that queries.
//
// Thread safety: every role may be used from several threads; writes are serialized inside.
// One process holds the data dir read-write (RocksDB's LOCK file); any number of others may open
// it kReadOnly (a RocksDB secondary instance) and call reader().CatchUp() to see newer writes.
// No exception leaves the store: errors are Status values naming the data dir.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "storage/maintenance.h"
#include "storage/mention_reader.h"
#include "storage/outbox.h"
#include "storage/page_writer.h"
#include "storage/search_index.h"
#include "storage/storage_fault.h"

namespace rocksdb {
class Env;
}

namespace kuzet::storage {

class StoreDb;

class Store {
 public:
  enum class Mode {
    kReadWrite,
    kReadOnly,  // a RocksDB secondary instance: queries while another process writes
  };

  // Opens (kReadWrite: creates) the store under `dir`. Fails with a message naming `dir` when the
  // directory is not a Kuzet store, was written by another format version, is corrupt, or
  // (kReadWrite) is held by another process (Unavailable).
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode = Mode::kReadWrite);

  struct OpenOptions {
    // false: no write is synced to disk (bulk loads and benchmarks only: a power cut may then
    // lose acknowledged mentions, and alerts already sent would be sent again).
    bool sync_mentions = true;
    // The environment RocksDB reads and writes files through; nullptr: the operating system's.
    // Tests pass one that fails chosen operations (fault injection), as LevelDB's tests do.
    rocksdb::Env* env = nullptr;
    // How long a new document's search postings may wait in the writer's buffer
    // (PageWriter::kSearchBufferDocuments): the first group committed after it has passed writes
    // them, so a slow crawl does not leave searches reading an unindexed tail for long.
    std::chrono::milliseconds search_buffer_max_age{30000};
  };
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode,
                                             const OpenOptions& options);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The roles. Writes through a kReadOnly store fail with InvalidArgument.
  PageWriter& writer() { return writer_; }
  MentionReader& reader() { return reader_; }
  const MentionReader& reader() const { return reader_; }
  Outbox& outbox() { return outbox_; }
  Maintenance& maintenance() { return maintenance_; }
  const Searcher& searcher() const { return searcher_; }

  // ---- storage faults (storage_fault.h) -------------------------------------------------------
  // The fault that stops this store: a full disk (kDiskFull: RocksDB refuses every write until
  // ResumeWrites succeeds) or corruption or an I/O error met by a write, a read, a flush or a
  // compaction (kFatal: it stays until the store is closed).
  StorageFault Fault() const;
  // After kDiskFull: resumes writing if space has returned (RocksDB's DB::Resume, which first
  // flushes what the memtables hold). Returns the fault that remains; ok() when writes go on.
  StorageFault ResumeWrites();

  // What Repair found and dropped.
  struct RepairReport {
    bool damaged = false;  // false: every write-ahead log was intact, nothing was dropped
    std::string file;      // the first damaged log, and where in it
    uint64_t offset = 0;
    std::string reason;
    uint64_t batches_dropped = 0;   // intact write batches after the damage
    uint64_t unreadable_bytes = 0;  // of records that could not be read at all
    // Mentions lost: every id past the last one kept, up to the highest id in the batches after
    // the damage (ids are given in log order). 0: none known (a damaged record holding the last
    // mentions written cannot be read, so they are not counted).
    uint64_t mentions_dropped = 0;
    uint64_t first_mention_id = 0, last_mention_id = 0;
    uint64_t documents_dropped = 0;  // the same for document ids ...
    uint64_t last_document_id = 0;   // ... up to this one (0: none)
    std::string saved_logs_dir;      // where the damaged logs were copied before the repair
  };
  // Opens a store whose write-ahead log is damaged (Open refuses it), keeping every write before
  // the damage and dropping the rest: copies the damaged logs to <dir>/store-damaged-wal-<time>,
  // replays the logs up to the damage (RocksDB's point-in-time recovery), moves the id counters
  // past every dropped id (read cursors may already be past them), and flushes. Needs the write
  // lock. A store with intact logs is opened and closed unchanged (damaged = false).
  static Result<RepairReport> Repair(const std::string& dir);

  const std::string& dir() const;

 private:
  explicit Store(std::unique_ptr<StoreDb> db);
  std::unique_ptr<StoreDb> db_;
  PageWriter writer_;
  MentionReader reader_;
  Outbox outbox_;
  Maintenance maintenance_;
  Searcher searcher_;
};

}  // namespace kuzet::storage
