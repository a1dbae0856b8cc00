#include "storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <system_error>
#include <thread>

#include "base/hex.h"
#include "base/time.h"
#include "storage/encoding.h"
#include "storage/fault_monitor.h"
#include "storage/interrupted_creation.h"
#include "storage/max_mention_id_property.h"
#include "storage/newest_entries_warmer.h"
#include "storage/records.h"
#include "storage/rocks_db.h"
#include "storage/rocksdb_info_log.h"
#include "storage/sha256.h"
#include "storage/simhash.h"
#include "storage/text_fold.h"
#include "storage/wal_scan.h"

namespace kuzet::storage {

namespace fs = std::filesystem;

namespace {

// RocksDB lives in a subdirectory, so the data dir can hold other things (and a mistyped data dir
// that holds someone's files is never turned into a database).
constexpr const char* kDbSubdir = "store";

const char* const kFamilies[] = {
    "default",  // RocksDB's own, unused
    kMetaFamily,     kUrlsFamily,           kDocsFamily,           kFingerprintsFamily,
    kMentionsFamily, kMentionsByTimeFamily, kMentionsByRuleFamily, kMentionsBySiteFamily,
    kDocRuleFamily,  kOutboxFamily,         kStoriesFamily,        kAlertsFamily,
    kSimHashFamily,
};

// Story drift (storage/FORMAT.md, *Invariants* 8): a new document joins a story only when it is
// also within this distance of the story's first document: at most two near-duplicate steps
// from it (a copy of a copy), so a chain of small edits cannot carry a story away. On
// shared/corpus (eval_dedup) 6 keeps every join that unbounded chaining made (recall 0.574,
// precision 1.000); 3 (one step) lost 15 heavily edited copies (recall 0.557).
constexpr int kMaxStoryDistance = 2 * kMaxNearDuplicateDistance;
// Near documents whose story is checked before a new document gives up and begins its own.
constexpr size_t kMaxStoryCandidates = 16;

// Memtable insert hints (RocksDB keeps, per prefix, where the last key went in the skip list):
// for families whose new keys land next to the previous ones, an insert then starts from there
// instead of searching from the top of the skip list.
//
// One hint for the whole family: ids and times that grow (docs, mentions, outbox, doc_rule) or
// shrink (the newest-first time indexes, whose new keys always go first).
class WholeFamilyHint : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "kuzet.WholeFamilyHint"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override { return {key.data(), 0}; }
  bool InDomain(const rocksdb::Slice&) const override { return true; }
};

// One hint per rule or site: keys are `id 0x00|0x01 ...`, new ones next to the id's newest.
class IdPrefixHint : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "kuzet.IdPrefixHint"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const size_t end = IndexIdEnd(key.ToStringView());
    return {key.data(), end == std::string_view::npos ? key.size() : end + 1};
  }
  bool InDomain(const rocksdb::Slice&) const override { return true; }
};

// One hint per key: the meta counters are overwritten by every page.
class WholeKeyHint : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "kuzet.WholeKeyHint"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override { return key; }
  bool InDomain(const rocksdb::Slice&) const override { return true; }
};

// Block-based tables with 10-bit Bloom filters, read through `cache`.
std::shared_ptr<rocksdb::TableFactory> TableFactory(std::shared_ptr<rocksdb::Cache> cache) {
  // Point reads dominate (URL state per link seen, fingerprints, doc_rule): Bloom filters spare
  // most of the table reads for keys that are absent.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = std::move(cache);
  return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table));
}

rocksdb::Options StoreOptions(Store::Mode mode) {
  rocksdb::Options options;
  options.create_if_missing = mode == Store::Mode::kReadWrite;
  options.create_missing_column_families = mode == Store::Mode::kReadWrite;
  options.paranoid_checks = true;
  // A damaged record anywhere in the write-ahead log refuses the open (Corruption), where the
  // default (kPointInTimeRecovery) silently dropped it and every write after it. Only a last
  // record cut short by a crash is tolerated: it was never acknowledged as synced (a synced
  // write is whole on disk before Write returns), so a re-crawl redoes it. Store::Repair opens
  // with point-in-time recovery on purpose, reporting what it drops.
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.max_open_files = -1;  // required by secondaries; a crawler's store has few files
  // A flushed memtable (tens of MiB) is freed by whichever thread drops its last reference, often
  // a query's: hand that, and obsolete-file deletion, to a background thread instead (a query's
  // p99 was 4 ms, not 0.1 ms, without this).
  options.avoid_unnecessary_blocking_io = true;
  // The families share one WAL and one memtable budget. 128 MiB of memtables (and a WAL cap
  // above it, so that the WAL does not force flushes first) make each flush, and each L0 table,
  // large: fewer L0 -> L1 compactions rewriting the rule and site indexes, whose new keys land
  // all over their key space. At 500k mentions this cut an ingest's total CPU by a quarter
  // (bench_store); 256 MiB gained nothing more. The cost is memory and a longer log replay after
  // a crash (at most 256 MiB of WAL).
  options.db_write_buffer_size = 128 << 20;
  options.max_total_wal_size = 256 << 20;
  options.table_factory = TableFactory(rocksdb::NewLRUCache(32 << 20));
  for (rocksdb::CompressionType type : rocksdb::GetSupportedCompressions()) {
    if (type == rocksdb::kLZ4Compression) options.compression = type;  // texts compress ~2x
    if (type == rocksdb::kZSTD) options.bottommost_compression = type;
  }
  return options;
}

}  // namespace

class Store::Impl {
 public:
  Impl(std::string dir, Mode mode, bool sync, rocksdb::Env* env = nullptr)
      : dir_(std::move(dir)),
        mode_(mode),
        sync_(sync),
        env_(env),
        faults_(std::make_shared<FaultMonitor>((fs::path(dir_) / kDbSubdir).string())) {}
  ~Impl() { Close(); }

  // `repair`: replay the write-ahead logs up to their first damage instead of refusing them.
  Status Open(bool repair = false);
  StorageFault Fault() const { return faults_->Current(); }
  StorageFault ResumeWrites() {
    if (mode_ == Mode::kReadOnly) return faults_->Current();
    return faults_->TryResume(db_);
  }
  // Repair's steps once the store is open: counters past the dropped ids, everything flushed.
  Status FinishRepair(const RepairReport& report);
  Result<PutPageResult> PutPage(const PageInput& page);
  Result<std::vector<PutPageResult>> PutPages(std::span<const PageInput> pages);
  Status RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                     const std::string& etag, const std::string& last_modified);
  Result<std::optional<UrlState>> GetUrl(const std::string& url) const;
  Result<std::vector<Mention>> Mentions(const MentionQuery& query) const;
  Result<std::optional<Document>> GetDocument(uint64_t id) const;
  Result<std::vector<OutboxEntry>> Outbox(size_t limit) const;
  Result<std::vector<uint64_t>> StoryDocuments(uint64_t story_id) const;
  Status CatchUp();
  const std::string& dir() const { return dir_; }

  Result<StoryMembersPage> StoryMembers(uint64_t story_id, size_t limit,
                                        uint64_t before_doc_id) const;
  Result<std::vector<StoryInfo>> Stories(std::optional<int64_t> since_us, size_t limit,
                                         size_t members_per_story) const;
  Result<MentionsAfterResult> MentionsAfter(uint64_t after_id, const MentionQuery& query) const;
  Result<uint64_t> LastMentionId() const;
  Result<std::optional<uint64_t>> FindNearDuplicateOfText(const std::string& text) const {
    std::optional<uint64_t> simhash = TextSimHash(text);
    if (!simhash) return std::optional<uint64_t>();
    return FindNearDuplicate(*simhash);
  }
  Result<std::vector<Mention>> StoryMentions(const MentionQuery& query) const;
  Result<std::optional<Mention>> GetMention(uint64_t id) const;
  Result<std::vector<OutboxEntry>> DueAlerts(int64_t now_us, size_t limit) const;
  Status MarkAlertSent(uint64_t mention_id, int64_t sent_us);
  Result<bool> IsAlertSent(uint64_t mention_id) const;
  Status RescheduleAlert(uint64_t mention_id, int64_t next_due_us, const std::string& error);
  Status MarkAlertFailed(uint64_t mention_id, const std::string& error);
  Status RecordAlertChannel(uint64_t mention_id, const ChannelDelivery& channel);
  Result<std::vector<OutboxEntry>> FailedAlerts(size_t limit) const;
  Result<int> RequeueFailedAlerts(int64_t now_us);
  Result<RetentionResult> DropTextOlderThan(int64_t cutoff_us);
  Status Compact();
  Status WaitForBackgroundWork(int64_t timeout_ms);

  // Every message starts with the data dir, so a person with several stores knows which one.
  Status Error(const rocksdb::Status& s, std::string_view what) const;
  Status Error(Status::Code code, std::string_view what) const;

 private:
  // The writes of one PutPages call: one batch for the whole group, indexed so that the group's
  // later pages read through it (read-your-writes) and are deduplicated and given stories as if
  // each earlier page were already stored. Its ids are adopted once the batch is written.
  struct GroupWrite {
    GroupWrite(uint64_t doc_id, uint64_t mention_id)
        : next_doc_id(doc_id), next_mention_id(mention_id) {}
    rocksdb::WriteBatchWithIndex batch{rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true};
    uint64_t next_doc_id, next_mention_id;
    bool has_mentions = false;  // the batch is synced (see WriteBatch)
  };
  // What a page's write needs of its text, computed before the write mutex is taken.
  struct PageKeys {
    std::string fingerprint_key;  // SHA-256 of the normalized text (raw bytes)
    std::string content_hash;     // the same in hex
    std::optional<uint64_t> simhash;
    int64_t now_us = 0;  // the page's fetch time
  };
  static PageKeys KeysOf(const PageInput& page);
  Status ValidatePage(const PageInput& page) const;
  // PutPage's steps, each adding to the group's batch: AddPage decides between an unchanged
  // page, an exact duplicate of another document, and a new or changed document (whose new
  // mentions AddMentions adds, returning how many).
  Result<PutPageResult> AddPage(GroupWrite& group, const PageInput& page, const PageKeys& keys);
  Result<PutPageResult> AddUnchanged(GroupWrite& group, const PageInput& page,
                                     const UrlState& state);
  Result<PutPageResult> AddDuplicate(GroupWrite& group, const PageInput& page, uint64_t original_id,
                                     UrlState state);
  Result<PutPageResult> AddDocument(GroupWrite& group, const PageInput& page, const PageKeys& keys,
                                    std::optional<Document> owned, bool text_known, UrlState state);
  Result<int> AddMentions(GroupWrite& group, const PageInput& page, uint64_t doc_id,
                          uint64_t story_id, bool new_document, int64_t now_us);

  // A family of the store (RocksDb::Open checked that every one is there).
  rocksdb::ColumnFamilyHandle* Family(const char* name) const { return rocks_->Family(name); }
  // Reads one value; nullopt when absent. `group`: through the writes of a group not yet
  // written (only under write_mutex_).
  Result<std::optional<std::string>> Get(const char* family, std::string_view key,
                                         GroupWrite* group = nullptr) const;
  Result<std::optional<Document>> LoadDocumentRecord(uint64_t id,
                                                     GroupWrite* group = nullptr) const;
  Result<std::optional<Mention>> LoadMention(uint64_t id) const;
  // Mentions stored before Mention.story_id existed read it from their document's story.
  Status FillStory(Mention& mention) const;
  // The records of `ids` (any order), into out[i]; Corruption if one is missing.
  Status ReadMentionRecords(const std::vector<uint64_t>& ids, std::vector<Mention>& out) const;
  Status CheckFormatAndLoadCounters();
  // A story's size: its count record (zero for a story not stored yet).
  Result<StoryCount> LoadStoryCount(uint64_t story_id, GroupWrite* group = nullptr) const;
  // Adds documents and places to the story's count record, in `batch` (under write_mutex_).
  Status AddToStoryCount(GroupWrite& group, uint64_t story_id, uint64_t documents, uint64_t places);
  Result<MentionsAfterResult> RuleMentionsAfter(uint64_t after_id, const MentionQuery& query) const;
  // The outbox key of the mention's pending entry, if it has one.
  Result<std::optional<std::string>> FindPendingAlert(uint64_t mention_id) const;
  // A mention's pending outbox entry and its key; NotFound, prefixed by `what`, when none.
  struct PendingAlert {
    std::string key;
    OutboxEntry entry;
  };
  Result<PendingAlert> LoadPendingAlert(uint64_t mention_id, const std::string& what) const;
  // Adds to `batch` the story entries of document `doc_id` (new, or with new text) and returns
  // its story id.
  Result<uint64_t> PutStory(GroupWrite& group, uint64_t doc_id, bool new_document,
                            std::optional<uint64_t> simhash, int64_t first_seen_us);
  Result<std::optional<DocStory>> LoadDocStory(uint64_t doc_id, GroupWrite* group = nullptr) const;
  // The four permuted-prefix buckets `simhash` falls in (one MultiGet), keyed by bucket key.
  using SimHashBuckets = std::map<std::string, std::vector<SimHashEntry>, std::less<>>;
  Status LoadSimHashBuckets(uint64_t simhash, SimHashBuckets& buckets,
                            GroupWrite* group = nullptr) const;
  // The story a new document with `simhash` joins (storage/FORMAT.md, *Invariants* 8): that of
  // the nearest document in `buckets` within kMaxNearDuplicateDistance whose story's first
  // document is within kMaxStoryDistance of `simhash` too; nullopt: it begins a story.
  Result<std::optional<uint64_t>> StoryToJoin(uint64_t simhash, const SimHashBuckets& buckets,
                                              GroupWrite* group) const;
  // The stored document nearest to `simhash` within kMaxNearDuplicateDistance, if any: the
  // lookup alone, reading the buckets in place (no copies).
  Result<std::optional<uint64_t>> FindNearDuplicate(uint64_t simhash) const;
  // `sync`: the batch holds mentions (see WriteBatch's definition).
  Status WriteBatch(rocksdb::WriteBatch& batch, std::string_view what, bool sync);
  Status RequireWritable(std::string_view what) const;
  void Close();

  const std::string dir_;
  const Mode mode_;
  const bool sync_;                 // OpenOptions::sync_mentions
  rocksdb::Env* const env_;         // OpenOptions::env
  std::unique_ptr<RocksDb> rocks_;  // the open database
  rocksdb::DB* db_ = nullptr;       // rocks_->db()

  std::mutex write_mutex_;  // one writer: counters are read and advanced under it
  uint64_t next_doc_id_ = 1;
  uint64_t next_mention_id_ = 1;
  // kReadWrite: refills the block cache with each rule's newest entries after flushes and
  // compactions of mentions_by_rule.
  std::shared_ptr<NewestEntriesWarmer> warmer_ = std::make_shared<NewestEntriesWarmer>();
  // The first fault that stops the store (storage_fault.h); also a RocksDB listener.
  std::shared_ptr<FaultMonitor> faults_;
};

namespace {

// Counts the mention and document records of write batches in the log (by column family id).
class DroppedRecordCounter : public rocksdb::WriteBatch::Handler {
 public:
  DroppedRecordCounter(uint32_t mentions_family, uint32_t docs_family)
      : mentions_family_(mentions_family), docs_family_(docs_family) {}
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice&) override {
    if (key.size() == 8 && (family == mentions_family_ || family == docs_family_)) {
      (family == mentions_family_ ? mention_ids : doc_ids)
          .insert(DecodeFixed64BE(key.ToStringView()));
    }
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  std::set<uint64_t> mention_ids, doc_ids;

 private:
  const uint32_t mentions_family_, docs_family_;
};

// What a damaged write-ahead log would lose: the intact batches after its first damage, with
// the mentions and documents in them that the logs up to the damage do not hold. Reads the
// store with a read-only point-in-time replay (which changes no file) to learn the column
// family ids and what survives.
Result<Store::RepairReport> DescribeWalDamage(const std::string& db_path) {
  rocksdb::Options options;
  options.info_log = NewRocksDbInfoLog(db_path);
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  options.max_open_files = -1;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, db_path, &names);
  if (!s.ok()) return Status::Corruption(db_path + ": " + s.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenForReadOnly(options, db_path, descriptors, &handles, &raw);
  if (!s.ok()) return Status::Corruption(db_path + ": " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* mentions = nullptr;
  rocksdb::ColumnFamilyHandle* docs = nullptr;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    if (handle->GetName() == kMentionsFamily) mentions = handle;
    if (handle->GetName() == kDocsFamily) docs = handle;
  }
  Store::RepairReport report;
  Result<WalDamage> damage = Status::Ok();
  if (mentions != nullptr && docs != nullptr) {
    DroppedRecordCounter counter(mentions->GetID(), docs->GetID());
    damage = ScanWriteAheadLogs(db_path, [&](const std::string& rep) {
      rocksdb::WriteBatch batch(rep);
      batch.Iterate(&counter).PermitUncheckedError();  // a batch it cannot read counts nothing
    });
    if (damage.ok() && damage->found) {
      // Ids are given in log order, so every id above the highest one the replay up to the
      // damage keeps is lost (the damaged record's own ones included), up to the highest id in
      // the batches after it.
      auto last_kept = [&](rocksdb::ColumnFamilyHandle* family) -> uint64_t {
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, family));
        it->SeekToLast();
        return it->Valid() && it->key().size() == 8 ? DecodeFixed64BE(it->key().ToStringView()) : 0;
      };
      const uint64_t kept_mention = last_kept(mentions), kept_doc = last_kept(docs);
      if (!counter.mention_ids.empty() && *counter.mention_ids.rbegin() > kept_mention) {
        report.first_mention_id = kept_mention + 1;
        report.last_mention_id = *counter.mention_ids.rbegin();
        report.mentions_dropped = report.last_mention_id - kept_mention;
      }
      if (!counter.doc_ids.empty() && *counter.doc_ids.rbegin() > kept_doc) {
        report.last_document_id = *counter.doc_ids.rbegin();
        report.documents_dropped = report.last_document_id - kept_doc;
      }
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  if (mentions == nullptr || docs == nullptr) {
    return Status::Corruption(db_path + ": column families missing: not a Kuzet store");
  }
  if (!damage.ok()) return damage.status();
  report.damaged = damage->found;
  report.file = damage->file;
  report.offset = damage->offset;
  report.reason = damage->reason;
  report.batches_dropped = damage->batches_after;
  report.unreadable_bytes = damage->unreadable_bytes;
  return report;
}

// A store directory with files but no CURRENT (the file naming the live MANIFEST): damaged, or
// not a store at all. Says which, and how to get it back.
std::string MissingCurrentMessage(const std::string& db_path) {
  std::vector<std::string> manifests;
  bool has_tables_or_logs = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(db_path, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("MANIFEST-", 0) == 0) manifests.push_back(name);
    const fs::path ext = entry.path().extension();
    if (ext == ".sst" || ext == ".log") has_tables_or_logs = true;
  }
  if (manifests.empty() && !has_tables_or_logs) {
    return db_path +
           " is not empty but has no CURRENT file and no RocksDB files: not a Kuzet store";
  }
  std::sort(manifests.begin(), manifests.end());
  std::string message = "the store is damaged: " + db_path +
                        "/CURRENT is missing (it names the live MANIFEST file; " +
                        std::to_string(manifests.size()) + " MANIFEST file(s) present)";
  if (manifests.size() == 1) {
    message += ". To restore it: echo " + manifests[0] + " > " + db_path +
               "/CURRENT (with kuzet stopped), or restore a backup";
  } else {
    message += ". Restore a backup, or write the newest MANIFEST's name (" +
               (manifests.empty() ? std::string("none") : manifests.back()) + ") into " + db_path +
               "/CURRENT with kuzet stopped";
  }
  return message;
}

std::string DamageSummary(const Store::RepairReport& r) {
  std::string text = "the write-ahead log " + r.file + " is damaged at byte " +
                     std::to_string(r.offset) + " (" + r.reason + "); " +
                     std::to_string(r.batches_dropped) + " intact write batch(es) after it, with " +
                     std::to_string(r.mentions_dropped) + " mention(s)";
  if (r.mentions_dropped > 0) {
    text += " (ids " + std::to_string(r.first_mention_id) + "-" +
            std::to_string(r.last_mention_id) + ")";
  }
  text += " and " + std::to_string(r.documents_dropped) +
          " document(s), cannot be replayed past the damage, nor " +
          std::to_string(r.unreadable_bytes) + " unreadable byte(s)";
  return text;
}

}  // namespace

Status Store::Impl::Error(const rocksdb::Status& s, std::string_view what) const {
  return rocks_->Error(s, what);
}

Status Store::Impl::Error(Status::Code code, std::string_view what) const {
  std::string message = "data dir " + dir_ + ": " + std::string(what);
  switch (code) {
    case Status::Code::kCorruption:
      return Status::Corruption(message);
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(message);
    case Status::Code::kNotFound:
      return Status::NotFound(message);
    case Status::Code::kUnavailable:
      return Status::Unavailable(message);
    default:
      return Status::IOError(message);
  }
}

Status Store::Impl::Open(bool repair) {
  const std::string db_path = (fs::path(dir_) / kDbSubdir).string();
  std::error_code ec;
  const bool exists = fs::exists(fs::path(db_path) / "CURRENT", ec);
  if (!exists) {
    if (mode_ == Mode::kReadWrite && IsInterruptedCreation(db_path)) {
      Status cleared = ClearInterruptedCreation(db_path);
      if (!cleared.ok()) return Error(Status::Code::kIOError, cleared.message());
    }
    if (mode_ == Mode::kReadOnly && IsInterruptedCreation(db_path)) {
      return Error(Status::Code::kNotFound,
                   "no Kuzet store here yet (its first start was "
                   "interrupted; the next `kuzet run` or `crawl` "
                   "creates it): run a crawl first");
    }
    if (fs::exists(db_path, ec) && !fs::is_empty(db_path, ec)) {
      return Error(Status::Code::kCorruption, MissingCurrentMessage(db_path));
    }
    if (mode_ == Mode::kReadOnly) {
      return Error(Status::Code::kNotFound,
                   "no Kuzet store here yet (no " + db_path + "/CURRENT): run a crawl first");
    }
    fs::create_directories(db_path, ec);
    if (ec) return Error(Status::Code::kIOError, "cannot create " + db_path + ": " + ec.message());
  }

  rocksdb::Options options = StoreOptions(mode_);
  // RocksDB's info log through our logger: its own LOG writer aborted the process on a full disk.
  options.info_log = NewRocksDbInfoLog(db_path);
  if (repair) options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  if (env_ != nullptr) options.env = env_;
  if (mode_ == Mode::kReadWrite) {
    options.listeners.push_back(warmer_);
    options.listeners.push_back(faults_);
  }

  auto options_of = [&options](const std::string& name) {
    rocksdb::ColumnFamilyOptions family_options(options);
    if (name == kDocsFamily || name == kMentionsFamily || name == kMentionsByTimeFamily ||
        name == kDocRuleFamily || name == kOutboxFamily) {
      family_options.memtable_insert_with_hint_prefix_extractor =
          std::make_shared<WholeFamilyHint>();
    } else if (name == kMentionsByRuleFamily || name == kMentionsBySiteFamily) {
      family_options.memtable_insert_with_hint_prefix_extractor = std::make_shared<IdPrefixHint>();
    } else if (name == kStoriesFamily) {
      // 'd' (doc id), 's' (story, doc) and 't' (newest first) entries: a hint per kind.
      family_options.memtable_insert_with_hint_prefix_extractor.reset(
          rocksdb::NewCappedPrefixTransform(1));
    } else if (name == kMetaFamily) {
      family_options.memtable_insert_with_hint_prefix_extractor = std::make_shared<WholeKeyHint>();
    } else if (name == kUrlsFamily || name == kFingerprintsFamily || name == kSimHashFamily) {
      // Point reads of keys mostly absent from the memtable (a new URL, a new text, an empty
      // bucket): a memtable Bloom filter answers them without a skip-list search.
      family_options.memtable_whole_key_filtering = true;
      family_options.memtable_prefix_bloom_size_ratio = 0.02;
    }
    if (name == kMentionsByRuleFamily) {
      // The rule index has a block cache of its own, which NewestEntriesWarmer fills after
      // flushes and compactions: in the shared one, ingest's point reads (four SimHash buckets
      // a page, URLs, fingerprints) evicted the warmed blocks within a few thousand pages, and
      // the first "new for rule R" query read them from the files again (a Kuzet-only probe at
      // 1M mentions: 4 block reads, 0.2-0.6 ms, for each rule's first query).
      family_options.table_factory = TableFactory(rocksdb::NewLRUCache(16 << 20));
      // Each file records its largest mention id, so that a cursor query reads only the files
      // that can hold newer mentions (max_mention_id_property.h).
      family_options.table_properties_collector_factories.push_back(MaxMentionIdCollectorFactory());
    }
    if (name == kSimHashFamily) {
      // Every page rewrites four buckets, so the memtable fills with old versions that a lookup
      // must search past; a small memtable flushes them into compact tables (the whole family is
      // ~16 bytes a document, so its compactions are cheap).
      family_options.write_buffer_size = 4 << 20;
    }
    if (name == kStoriesFamily) {
      // A seek into one story's 's' or 'm' entries has a 4-byte prefix (the tag and the top three
      // bytes of the story id) that prefix Bloom filters can rule out per table file. Scans
      // across prefixes ('d', 't') set total_order_seek. Options, not format: any prefix
      // extractor (or none) reads the same keys.
      family_options.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(4));
      family_options.memtable_prefix_bloom_size_ratio = 0.02;
    }
    return family_options;
  };

  RocksDb::Spec spec;
  spec.path = db_path;
  spec.label = "data dir " + dir_;
  spec.kind = "Kuzet store";
  spec.open_failed = "cannot open the store";
  spec.lock_hint = "another kuzet process holds this data dir read-write";
  spec.corruption_hint =
      "the store is damaged: restore it from a backup or move the data dir away to start afresh";
  spec.families.assign(std::begin(kFamilies), std::end(kFamilies));
  auto rocks = RocksDb::Open(
      spec, mode_ == Mode::kReadWrite ? RocksDb::Mode::kReadWrite : RocksDb::Mode::kReadOnly,
      options, options_of, faults_);
  if (!rocks.ok() && rocks.status().code() == Status::Code::kCorruption) {
    // Say what a damaged write-ahead log holds, and how to get the store back.
    auto damage = DescribeWalDamage(db_path);
    if (damage.ok() && damage->damaged) {
      return Error(Status::Code::kCorruption,
                   "cannot open the store: " + DamageSummary(*damage) +
                       ". Nothing was changed. To keep everything before the damage and drop "
                       "the rest, stop kuzet and run `kuzet repair --data-dir " +
                       dir_ +
                       "` (it copies the damaged logs aside and reports what it dropped); or "
                       "restore a backup. RocksDB said: " +
                       rocks.status().message());
    }
  }
  if (!rocks.ok()) return rocks.status();
  rocks_ = std::move(rocks).value();
  db_ = rocks_->db();
  if (mode_ == Mode::kReadWrite) warmer_->Attach(Family(kMentionsByRuleFamily));
  return CheckFormatAndLoadCounters();
}

Status Store::Impl::CheckFormatAndLoadCounters() {
  auto version = rocks_->FormatVersion(kMetaFamily, kFormatVersionKey,
                                       RocksDb::VersionEncoding::kFixed32BigEndian, kFormatVersion);
  if (!version.ok()) return version.status();
  if (version->has_value()) {
    // Format 1 (another SimHash, its tables in `stories`) lived in development builds of
    // November 2026 only, never released: no user has such a store (FORMAT.md, *Versions*).
    if (**version < kFormatVersion) {
      return Error(Status::Code::kInvalidArgument,
                   "the store has format version " + std::to_string(**version) +
                       ", from a development build of kuzet before the first release, which this "
                       "kuzet does not read: move the data dir away and crawl again");
    }
  } else {
    // Only a store with nothing in it may lack the version: it was just created.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kDocsFamily)));
    it->SeekToFirst();
    if (it->Valid() || !it->status().ok()) {
      return Error(Status::Code::kCorruption,
                   "documents are stored but the format version is "
                   "missing: not a Kuzet store or damaged");
    }
    if (mode_ == Mode::kReadWrite) {
      rocksdb::WriteBatch batch;
      batch.Put(Family(kMetaFamily), kFormatVersionKey,
                RocksDb::EncodeFormatVersion(kFormatVersion,
                                             RocksDb::VersionEncoding::kFixed32BigEndian));
      batch.Put(Family(kMetaFamily), kNextDocIdKey, IdKey(1));
      batch.Put(Family(kMetaFamily), kNextMentionIdKey, IdKey(1));
      if (Status st = WriteBatch(batch, "cannot initialise the store", true); !st.ok()) return st;
    }
  }
  if (mode_ == Mode::kReadOnly) return Status::Ok();

  for (auto [key, counter] :
       {std::pair{kNextDocIdKey, &next_doc_id_}, std::pair{kNextMentionIdKey, &next_mention_id_}}) {
    auto value = Get(kMetaFamily, key);
    if (!value.ok()) return value.status();
    if (!value->has_value() || (*value)->size() != 8) {
      return Error(Status::Code::kCorruption, "meta record " + std::string(key) + " is missing");
    }
    *counter = DecodeFixed64BE(**value);
  }
  return Status::Ok();
}

void Store::Impl::Close() {
  if (rocks_ != nullptr) {
    warmer_->Detach();  // waits for a warming in a background thread, which uses a handle
    rocks_.reset();
    db_ = nullptr;
  }
}

Result<std::optional<std::string>> Store::Impl::Get(const char* family, std::string_view key,
                                                    GroupWrite* group) const {
  std::string value;
  rocksdb::Status s;
  if (group != nullptr) {
    rocksdb::PinnableSlice pinned;
    s = group->batch.GetFromBatchAndDB(db_, rocksdb::ReadOptions(), Family(family), key, &pinned);
    if (s.ok()) value.assign(pinned.data(), pinned.size());
  } else {
    s = db_->Get(rocksdb::ReadOptions(), Family(family), key, &value);
  }
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return Error(s, std::string("cannot read ") + family);
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<Document>> Store::Impl::LoadDocumentRecord(uint64_t id,
                                                                GroupWrite* group) const {
  auto value = Get(kDocsFamily, IdKey(id), group);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<Document>();
  Document doc;
  if (!DecodeDocument(**value, doc)) {
    return Error(Status::Code::kCorruption, "document " + std::to_string(id) + " is malformed");
  }
  return std::optional<Document>(std::move(doc));
}

Result<std::optional<Mention>> Store::Impl::LoadMention(uint64_t id) const {
  auto value = Get(kMentionsFamily, IdKey(id));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<Mention>();
  Mention mention;
  if (!DecodeMention(**value, mention)) {
    return Error(Status::Code::kCorruption, "mention " + std::to_string(id) + " is malformed");
  }
  return std::optional<Mention>(std::move(mention));
}

Status Store::Impl::WriteBatch(rocksdb::WriteBatch& batch, std::string_view what, bool sync) {
  rocksdb::WriteOptions options;
  // A batch with mentions is synced: otherwise a power cut could drop a mention the alerter had
  // already sent, and the re-crawl would find and alert it again. Other batches (fetch state,
  // documents without mentions, duplicates) are redone harmlessly by a re-crawl if lost, so they
  // skip the sync; RocksDB's log is ordered, so a later synced batch makes them durable too.
  options.sync = sync && sync_;
  rocksdb::Status s = db_->Write(options, &batch);
  if (!s.ok()) return Error(s, what);
  return Status::Ok();
}

Status Store::Impl::RequireWritable(std::string_view what) const {
  if (mode_ == Mode::kReadOnly) {
    return Error(Status::Code::kInvalidArgument,
                 std::string(what) + ": the store was opened read-only");
  }
  return Status::Ok();
}

Status Store::Impl::ValidatePage(const PageInput& page) const {
  if (page.url.empty()) return Error(Status::Code::kInvalidArgument, "page has no URL");
  if (page.site_id.find('\0') != std::string::npos) {
    return Error(Status::Code::kInvalidArgument, page.url + ": site id must hold no NUL byte");
  }
  for (const MentionInput& m : page.mentions) {
    if (m.rule_id.empty() ||
        m.rule_id.find_first_of(std::string_view("\0\x01", 2)) != std::string::npos) {
      return Error(Status::Code::kInvalidArgument,
                   page.url + ": rule id must be non-empty and hold no 0x00 or 0x01 byte");
    }
  }
  return Status::Ok();
}

Result<PutPageResult> Store::Impl::PutPage(const PageInput& page) {
  auto results = PutPages(std::span<const PageInput>(&page, 1));
  if (!results.ok()) return results.status();
  return results->front();
}

Result<std::vector<PutPageResult>> Store::Impl::PutPages(std::span<const PageInput> pages) {
  if (Status s = RequireWritable("cannot store pages"); !s.ok()) return s;
  if (pages.size() > kMaxPagesPerGroup) {
    return Error(Status::Code::kInvalidArgument, "a group of " + std::to_string(pages.size()) +
                                                     " pages is over the limit of " +
                                                     std::to_string(kMaxPagesPerGroup));
  }
  // Every page is checked before anything is written: a refused page leaves no trace, and
  // neither do the others of its group.
  for (const PageInput& page : pages) {
    if (Status s = ValidatePage(page); !s.ok()) return s;
  }
  // Folded and hashed outside the write mutex: the costly part of a page that needs no reads.
  std::vector<PageKeys> keys;
  keys.reserve(pages.size());
  for (const PageInput& page : pages) keys.push_back(KeysOf(page));

  std::lock_guard<std::mutex> lock(write_mutex_);
  GroupWrite group(next_doc_id_, next_mention_id_);
  std::vector<PutPageResult> results;
  results.reserve(pages.size());
  for (size_t i = 0; i < pages.size(); ++i) {
    auto result = AddPage(group, pages[i], keys[i]);
    if (!result.ok()) return result.status();
    results.push_back(*result);
  }
  // The id counters advance in the batch of the records they number.
  if (group.next_doc_id != next_doc_id_) {
    group.batch.Put(Family(kMetaFamily), kNextDocIdKey, IdKey(group.next_doc_id));
  }
  if (group.next_mention_id != next_mention_id_) {
    group.batch.Put(Family(kMetaFamily), kNextMentionIdKey, IdKey(group.next_mention_id));
  }
  const std::string what = pages.size() == 1
                               ? "cannot store " + pages.front().url
                               : "cannot store a group of " + std::to_string(pages.size()) +
                                     " pages from " + pages.front().url;
  if (Status s = WriteBatch(*group.batch.GetWriteBatch(), what, group.has_mentions); !s.ok()) {
    return s;
  }
  next_doc_id_ = group.next_doc_id;  // only once the batch holding them is written
  next_mention_id_ = group.next_mention_id;
  return results;
}

Store::Impl::PageKeys Store::Impl::KeysOf(const PageInput& page) {
  PageKeys keys;
  // Folded once: the exact-duplicate key and the SimHash both start from it.
  const std::string folded = FoldText(page.text);
  const std::array<uint8_t, 32> digest = Sha256(CollapseWhitespace(folded));
  keys.fingerprint_key.assign(digest.begin(), digest.end());
  keys.content_hash = base::HexEncode(keys.fingerprint_key);
  keys.simhash = SimHashOfFoldedText(folded);
  keys.now_us = page.fetched_at_us != 0 ? page.fetched_at_us : base::NowMicros();
  return keys;
}

Result<PutPageResult> Store::Impl::AddPage(GroupWrite& group, const PageInput& page,
                                           const PageKeys& keys) {
  auto url_value = Get(kUrlsFamily, page.url, &group);
  if (!url_value.ok()) return url_value.status();
  std::optional<UrlState> old;
  if (url_value->has_value()) {
    old.emplace();
    if (!DecodeUrlState(**url_value, *old)) {
      return Error(Status::Code::kCorruption, "URL state of " + page.url + " is malformed");
    }
  }
  UrlState state = old.value_or(UrlState{});
  state.last_fetch_us = keys.now_us;
  state.http_status = page.http_status;
  state.etag = page.etag;
  state.last_modified = page.last_modified;

  if (old && old->doc_id != 0 && old->content_hash == keys.content_hash) {
    return AddUnchanged(group, page, state);
  }
  auto fingerprint_value = Get(kFingerprintsFamily, keys.fingerprint_key, &group);
  if (!fingerprint_value.ok()) return fingerprint_value.status();
  std::optional<uint64_t> same_text_doc;
  if (fingerprint_value->has_value()) same_text_doc = DecodeFixed64BE(**fingerprint_value);

  // The document this URL owns: the one first stored from it (a URL recorded as a duplicate of
  // another URL's document does not own that document and must never overwrite it).
  std::optional<Document> owned;
  if (old && old->doc_id != 0) {
    auto doc = LoadDocumentRecord(old->doc_id, &group);
    if (!doc.ok()) return doc.status();
    if (doc->has_value() && (*doc)->url == page.url) owned = std::move(*doc);
  }
  state.content_hash = keys.content_hash;
  if (same_text_doc && (!owned || owned->id != *same_text_doc)) {
    return AddDuplicate(group, page, *same_text_doc, state);
  }
  return AddDocument(group, page, keys, std::move(owned), same_text_doc.has_value(), state);
}

Result<PutPageResult> Store::Impl::AddUnchanged(GroupWrite& group, const PageInput& page,
                                                const UrlState& state) {
  // Only the fetch state changes: same text as last time at this URL.
  PutPageResult result;
  result.doc_id = state.doc_id;
  result.unchanged = true;
  auto story = LoadDocStory(state.doc_id, &group);
  if (!story.ok()) return story.status();
  result.story_id = story->has_value() ? (*story)->story_id : state.doc_id;
  group.batch.Put(Family(kUrlsFamily), page.url, EncodeUrlState(state));
  return result;
}

Result<PutPageResult> Store::Impl::AddDuplicate(GroupWrite& group, const PageInput& page,
                                                uint64_t original_id, UrlState state) {
  // An exact duplicate of another document: one more place it appeared, no new mentions.
  auto doc = LoadDocumentRecord(original_id, &group);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) {
    return Error(Status::Code::kCorruption,
                 "fingerprint points at missing document " + std::to_string(original_id));
  }
  Document& original = **doc;
  auto story = LoadDocStory(original.id, &group);
  if (!story.ok()) return story.status();
  if (original.url != page.url &&
      std::find(original.duplicate_urls.begin(), original.duplicate_urls.end(), page.url) ==
          original.duplicate_urls.end()) {
    original.duplicate_urls.push_back(page.url);
    original.duplicate_site_ids.resize(original.duplicate_urls.size() - 1);
    original.duplicate_site_ids.push_back(page.site_id);
    group.batch.Put(Family(kDocsFamily), IdKey(original.id), EncodeDocument(original));
    // One more place the story appeared (a document without a story record has none).
    if (story->has_value()) {
      if (Status s = AddToStoryCount(group, (*story)->story_id, 0, 1); !s.ok()) return s;
    }
  }
  state.doc_id = original.id;
  group.batch.Put(Family(kUrlsFamily), page.url, EncodeUrlState(state));
  PutPageResult result;
  result.doc_id = original.id;
  result.duplicate = true;
  result.story_id = story->has_value() ? (*story)->story_id : original.id;
  return result;
}

Result<PutPageResult> Store::Impl::AddDocument(GroupWrite& group, const PageInput& page,
                                               const PageKeys& keys, std::optional<Document> owned,
                                               bool text_known, UrlState state) {
  PutPageResult result;
  Document doc;
  if (owned) {
    doc = std::move(*owned);
  } else {
    doc.id = group.next_doc_id++;
    doc.first_seen_us = keys.now_us;
    result.new_document = true;
  }
  doc.site_id = page.site_id;
  doc.url = page.url;
  doc.final_url = page.final_url;
  doc.title = page.title;
  doc.text = page.text;
  doc.lang = page.lang;
  doc.charset = page.charset;
  doc.author = page.author;
  doc.published = page.published;
  doc.canonical_url = page.canonical_url;
  doc.fetched_at_us = keys.now_us;
  doc.http_status = page.http_status;
  doc.etag = page.etag;
  doc.last_modified = page.last_modified;
  doc.content_hash = keys.content_hash;
  group.batch.Put(Family(kDocsFamily), IdKey(doc.id), EncodeDocument(doc));
  auto story = PutStory(group, doc.id, result.new_document, keys.simhash, doc.first_seen_us);
  if (!story.ok()) return story.status();
  result.story_id = *story;
  // Earlier texts of an edited document keep pointing at it: a reprint of an earlier version is
  // still recognised as this document.
  if (!text_known) {
    group.batch.Put(Family(kFingerprintsFamily), keys.fingerprint_key, IdKey(doc.id));
  }
  state.doc_id = doc.id;
  group.batch.Put(Family(kUrlsFamily), page.url, EncodeUrlState(state));
  auto mentions =
      AddMentions(group, page, doc.id, result.story_id, result.new_document, keys.now_us);
  if (!mentions.ok()) return mentions.status();
  result.new_mentions = *mentions;
  result.doc_id = doc.id;
  return result;
}

Result<int> Store::Impl::AddMentions(GroupWrite& group, const PageInput& page, uint64_t doc_id,
                                     uint64_t story_id, bool new_document, int64_t now_us) {
  int added = 0;
  std::set<std::string, std::less<>> rules_done;
  for (const MentionInput& input : page.mentions) {
    if (!rules_done.insert(input.rule_id).second) continue;  // a rule listed twice
    const std::string doc_rule_key = DocRuleKey(doc_id, input.rule_id);
    if (!new_document) {
      auto existing = Get(kDocRuleFamily, doc_rule_key, &group);
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) continue;  // this (document, rule) was mentioned before
    }
    Mention m;
    m.id = group.next_mention_id++;
    m.doc_id = doc_id;
    m.story_id = story_id;
    m.rule_id = input.rule_id;
    m.site_id = page.site_id;
    m.url = page.url;
    m.title = page.title;
    m.lang = page.lang;
    m.snippet = input.snippet;
    m.snippet_mark_begin = input.snippet_mark_begin;
    m.snippet_mark_end = input.snippet_mark_end;
    m.found_at_us = now_us;
    m.hits = input.hits;
    const std::string index_value = EncodeIndexValue(m.site_id, m.lang);
    const std::string record = EncodeMention(m);
    rocksdb::WriteBatchWithIndex& batch = group.batch;
    batch.Put(Family(kMentionsFamily), IdKey(m.id), record);
    batch.Put(Family(kMentionsByTimeFamily), TimeIndexKey(now_us, m.id), index_value);
    batch.Put(Family(kMentionsByRuleFamily), RuleIndexKey(m.rule_id, now_us, m.id), index_value);
    batch.Put(Family(kMentionsByRuleFamily), RuleIdIndexKey(m.rule_id, m.id), index_value + record);
    batch.Put(Family(kMentionsBySiteFamily), SiteIndexKey(m.site_id, now_us, m.id), index_value);
    batch.Put(Family(kStoriesFamily), StoryMentionKey(m.story_id, now_us, m.id), index_value);
    batch.Put(Family(kDocRuleFamily), doc_rule_key, IdKey(m.id));
    batch.Put(Family(kOutboxFamily), OutboxKey(now_us, m.id), EncodeOutboxValue(OutboxEntry{}));
    ++added;
  }
  if (added > 0) group.has_mentions = true;
  return added;
}

Result<std::optional<DocStory>> Store::Impl::LoadDocStory(uint64_t doc_id,
                                                          GroupWrite* group) const {
  auto value = Get(kStoriesFamily, DocStoryKey(doc_id), group);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<DocStory>();
  DocStory story;
  if (!DecodeDocStory(**value, story)) {
    return Error(Status::Code::kCorruption,
                 "story record of document " + std::to_string(doc_id) + " is malformed");
  }
  return std::optional<DocStory>(story);
}

Status Store::Impl::LoadSimHashBuckets(uint64_t simhash, SimHashBuckets& buckets,
                                       GroupWrite* group) const {
  // Permuted-prefix tables: a fingerprint within distance 3 agrees with `simhash` on at least one
  // of the 4 blocks, so it is in that block's bucket. Four point reads in one MultiGet: no
  // iterator to build, and whole-key Bloom filters skip the files without the bucket.
  std::array<std::string, kSimHashBlocks> keys;
  std::array<rocksdb::Slice, kSimHashBlocks> slices;
  for (int block = 0; block < kSimHashBlocks; ++block) {
    keys[block] = SimHashBucketKey(block, SimHashBlock(simhash, block));
    slices[block] = keys[block];
  }
  std::array<rocksdb::PinnableSlice, kSimHashBlocks> values;
  std::array<rocksdb::Status, kSimHashBlocks> statuses;
  rocksdb::ColumnFamilyHandle* family = Family(kSimHashFamily);
  if (group != nullptr) {
    group->batch.MultiGetFromBatchAndDB(db_, rocksdb::ReadOptions(), family, kSimHashBlocks,
                                        slices.data(), values.data(), statuses.data(),
                                        /*sorted_input=*/true);
  } else {
    db_->MultiGet(rocksdb::ReadOptions(), family, kSimHashBlocks, slices.data(), values.data(),
                  statuses.data(), /*sorted_input=*/true);
  }
  for (int block = 0; block < kSimHashBlocks; ++block) {
    std::vector<SimHashEntry>& entries = buckets[keys[block]];
    if (statuses[block].IsNotFound()) continue;
    if (!statuses[block].ok()) return Error(statuses[block], "cannot read the SimHash tables");
    if (!DecodeSimHashBucket(values[block].ToStringView(), entries)) {
      return Error(Status::Code::kCorruption, "SimHash bucket is malformed");
    }
  }
  return Status::Ok();
}

Result<std::optional<uint64_t>> Store::Impl::FindNearDuplicate(uint64_t simhash) const {
  rocksdb::ColumnFamilyHandle* family = Family(kSimHashFamily);
  std::array<char, 3 * kSimHashBlocks> key_bytes;
  std::array<rocksdb::Slice, kSimHashBlocks> keys;
  for (int block = 0; block < kSimHashBlocks; ++block) {
    const uint16_t bits = SimHashBlock(simhash, block);
    char* key = &key_bytes[3 * block];
    key[0] = static_cast<char>(block);
    key[1] = static_cast<char>(bits >> 8);
    key[2] = static_cast<char>(bits & 0xff);
    keys[block] = rocksdb::Slice(key, 3);
  }
  std::array<rocksdb::PinnableSlice, kSimHashBlocks> values;
  std::array<rocksdb::Status, kSimHashBlocks> statuses;
  db_->MultiGet(rocksdb::ReadOptions(), family, kSimHashBlocks, keys.data(), values.data(),
                statuses.data(), /*sorted_input=*/true);
  std::optional<uint64_t> best;
  int best_distance = kMaxNearDuplicateDistance + 1;
  for (int block = 0; block < kSimHashBlocks; ++block) {
    if (statuses[block].IsNotFound()) continue;
    if (!statuses[block].ok()) return Error(statuses[block], "cannot read the SimHash tables");
    std::string_view bucket = values[block].ToStringView();
    if (!IsWellFormedSimHashBucket(bucket)) {
      return Error(Status::Code::kCorruption, "SimHash bucket is malformed");
    }
    for (size_t at = kSimHashBucketHeader; at < bucket.size(); at += kSimHashEntrySize) {
      const int distance = HammingDistance(simhash, DecodeFixed64BE(bucket.substr(at, 8)));
      const uint64_t doc_id = DecodeFixed64BE(bucket.substr(at + 8, 8));
      if (distance < best_distance || (distance == best_distance && best && doc_id < *best)) {
        best = doc_id;
        best_distance = distance;
      }
    }
  }
  return best;
}

Result<std::optional<uint64_t>> Store::Impl::StoryToJoin(uint64_t simhash,
                                                         const SimHashBuckets& buckets,
                                                         GroupWrite* group) const {
  // The documents within kMaxNearDuplicateDistance, nearest first (lowest id among equals); a
  // document sits in up to four of the buckets.
  std::vector<std::pair<int, uint64_t>> near;
  for (const auto& [key, entries] : buckets) {
    for (const SimHashEntry& e : entries) {
      const int distance = HammingDistance(simhash, e.simhash);
      if (distance <= kMaxNearDuplicateDistance) near.emplace_back(distance, e.doc_id);
    }
  }
  std::sort(near.begin(), near.end());
  near.erase(std::unique(near.begin(), near.end()), near.end());
  // Each candidate costs two point reads: past kMaxStoryCandidates (a crowd of near documents
  // whose stories all drifted away) the document begins a story of its own.
  std::set<uint64_t> refused;
  size_t tried = 0;
  for (const auto& [distance, doc_id] : near) {
    if (tried++ == kMaxStoryCandidates) break;
    auto near_story = LoadDocStory(doc_id, group);
    if (!near_story.ok()) return near_story.status();
    const uint64_t story_id = near_story->has_value() ? (*near_story)->story_id : doc_id;
    if (refused.contains(story_id)) continue;
    std::optional<uint64_t> founder_simhash;
    if (story_id == doc_id) {
      founder_simhash = near_story->has_value() ? (*near_story)->simhash : std::nullopt;
    } else {
      auto founder = LoadDocStory(story_id, group);
      if (!founder.ok()) return founder.status();
      if (founder->has_value()) founder_simhash = (*founder)->simhash;
    }
    // A founder whose text retention dropped (no SimHash) takes no new members.
    if (founder_simhash && HammingDistance(simhash, *founder_simhash) <= kMaxStoryDistance) {
      return std::optional<uint64_t>(story_id);
    }
    refused.insert(story_id);
  }
  return std::optional<uint64_t>();
}

Result<uint64_t> Store::Impl::PutStory(GroupWrite& group, uint64_t doc_id, bool new_document,
                                       std::optional<uint64_t> simhash, int64_t first_seen_us) {
  rocksdb::ColumnFamilyHandle* stories = Family(kStoriesFamily);
  rocksdb::WriteBatchWithIndex& batch = group.batch;
  DocStory story{doc_id, simhash};
  // The buckets this call rewrites (read-modify-write is safe: writes hold write_mutex_).
  SimHashBuckets buckets;
  if (!new_document) {
    auto old = LoadDocStory(doc_id, &group);
    if (!old.ok()) return old.status();
    if (old->has_value()) {
      story.story_id = (*old)->story_id;  // a story is fixed when its document is made
      if ((*old)->simhash == simhash) return story.story_id;
      if ((*old)->simhash) {
        if (Status s = LoadSimHashBuckets(*(*old)->simhash, buckets, &group); !s.ok()) return s;
        for (auto& [key, entries] : buckets) {
          std::erase_if(entries, [&](const SimHashEntry& e) { return e.doc_id == doc_id; });
        }
      }
    }
  }
  if (simhash) {
    SimHashBuckets current;
    if (Status s = LoadSimHashBuckets(*simhash, current, &group); !s.ok()) return s;
    if (new_document) {
      auto join = StoryToJoin(*simhash, current, &group);
      if (!join.ok()) return join.status();
      if (*join) story.story_id = **join;
    }
    // A document that joined a story while its very SimHash is already indexed is left out of
    // the buckets: a lookup finds the earlier entry first (ties go to the lowest id) and so
    // joins the same story, and a crowd of identical copies (a wire story on 3,000 sites) would
    // otherwise grow four buckets, each rewritten by every page, without end.
    const bool already_indexed =
        story.story_id != doc_id &&
        std::any_of(current.begin(), current.end(), [&](const auto& bucket) {
          return std::any_of(bucket.second.begin(), bucket.second.end(),
                             [&](const SimHashEntry& e) { return e.simhash == *simhash; });
        });
    for (auto& [key, entries] : current) {
      if (already_indexed) break;  // nothing to add: the buckets are not rewritten
      // A bucket the old SimHash shared holds the edits made above already.
      auto [it, fresh] = buckets.try_emplace(key, std::move(entries));
      it->second.push_back(SimHashEntry{*simhash, doc_id});
    }
  }
  for (const auto& [key, entries] : buckets) {
    if (entries.empty()) {
      batch.Delete(Family(kSimHashFamily), key);
    } else {
      batch.Put(Family(kSimHashFamily), key, EncodeSimHashBucket(entries));
    }
  }
  batch.Put(stories, DocStoryKey(doc_id), EncodeDocStory(story));
  batch.Put(stories, StoryMemberKey(story.story_id, doc_id), "");
  if (new_document && story.story_id == doc_id) {
    batch.Put(stories, StoryTimeKey(first_seen_us, doc_id), "");  // a new story begins
  }
  if (new_document) {
    if (Status s = AddToStoryCount(group, story.story_id, 1, 1); !s.ok()) return s;
  }
  return story.story_id;
}

Result<std::vector<uint64_t>> Store::Impl::StoryDocuments(uint64_t story_id) const {
  std::vector<uint64_t> docs;
  const std::string prefix = StoryMembersPrefix(story_id);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kStoriesFamily)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != prefix.size() + 8) {
      return Error(Status::Code::kCorruption, "story member key is malformed");
    }
    docs.push_back(DecodeFixed64BE(it->key().ToStringView().substr(prefix.size())));
  }
  if (!it->status().ok())
    return Error(it->status(), "cannot read story " + std::to_string(story_id));
  return docs;
}

Status Store::Impl::RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                                const std::string& etag, const std::string& last_modified) {
  if (Status s = RequireWritable("cannot record a fetch of " + url); !s.ok()) return s;
  if (url.empty()) return Error(Status::Code::kInvalidArgument, "fetch has no URL");
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto value = Get(kUrlsFamily, url);
  if (!value.ok()) return value.status();
  UrlState state;
  if (value->has_value() && !DecodeUrlState(**value, state)) {
    return Error(Status::Code::kCorruption, "URL state of " + url + " is malformed");
  }
  state.last_fetch_us = fetched_at_us;
  state.http_status = http_status;
  state.etag = etag;
  state.last_modified = last_modified;
  rocksdb::WriteBatch batch;
  batch.Put(Family(kUrlsFamily), url, EncodeUrlState(state));
  return WriteBatch(batch, "cannot record a fetch of " + url, false);
}

Result<std::optional<UrlState>> Store::Impl::GetUrl(const std::string& url) const {
  auto value = Get(kUrlsFamily, url);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<UrlState>();
  UrlState state;
  if (!DecodeUrlState(**value, state)) {
    return Error(Status::Code::kCorruption, "URL state of " + url + " is malformed");
  }
  return std::optional<UrlState>(std::move(state));
}

Result<std::vector<Mention>> Store::Impl::Mentions(const MentionQuery& query) const {
  std::vector<Mention> out;
  if (query.limit == 0) return out;
  if (query.since_us && query.until_us && *query.since_us >= *query.until_us) return out;
  if (query.story_id != 0) return StoryMentions(query);

  // Every index key ends in (found_at, mention id) complemented, so a forward scan between two
  // bounds gives newest first. The rule index (or else the site index) narrows by its prefix.
  const char* family = kMentionsByTimeFamily;
  std::string prefix;
  if (!query.rule_id.empty()) {
    family = kMentionsByRuleFamily;
    prefix = IndexPrefix(query.rule_id);
  } else if (!query.site_id.empty()) {
    family = kMentionsBySiteFamily;
    prefix = IndexPrefix(query.site_id);
  }
  auto time_bound = [&prefix](int64_t unix_us) {
    std::string key = prefix;
    PutNewestFirstTimeBE(key, unix_us);
    return key;
  };
  // Newest first: "until" (exclusive) is the lower key bound, "since" (inclusive) the upper.
  if (query.until_us && *query.until_us == INT64_MIN) return out;
  std::string lower = query.until_us ? time_bound(*query.until_us - 1) : prefix;
  std::string upper;
  if (query.since_us && *query.since_us != INT64_MIN) {
    upper = time_bound(*query.since_us - 1);
  } else if (!prefix.empty()) {
    upper = prefix;
    upper.back() = '\x01';  // just past every "id \0 ..." key
  }
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_lower_bound = &lower_slice;
  if (!upper.empty()) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Family(family)));

  std::string site_id, lang;
  std::vector<uint64_t> ids;  // newest first
  ids.reserve(std::min<size_t>(query.limit, 1024));
  for (it->Seek(lower); it->Valid() && ids.size() < query.limit; it->Next()) {
    rocksdb::Slice key = it->key();
    if (key.size() != prefix.size() + 16) {
      return Error(Status::Code::kCorruption, "mention index key is malformed");
    }
    // Site and language sit in the index value, so filtering on them reads no mention record.
    if (!DecodeIndexValue(it->value().ToStringView(), site_id, lang)) {
      return Error(Status::Code::kCorruption, "mention index value is malformed");
    }
    if (!query.site_id.empty() && site_id != query.site_id) continue;
    if (!query.lang.empty() && lang != query.lang) continue;
    ids.push_back(MentionIdOfIndexKey(key.ToStringView()));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the mention index");
  if (Status s = ReadMentionRecords(ids, out); !s.ok()) return s;
  return out;
}

Result<std::optional<Document>> Store::Impl::GetDocument(uint64_t id) const {
  auto doc = LoadDocumentRecord(id);
  if (!doc.ok() || !doc->has_value()) return doc;
  auto story = LoadDocStory(id);
  if (!story.ok()) return story.status();
  (*doc)->story_id = story->has_value() ? (*story)->story_id : id;
  const std::string prefix = DocRulePrefix(id);
  std::string upper = IdKey(id + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  if (id != UINT64_MAX) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Family(kDocRuleFamily)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->value().size() != 8) {
      return Error(Status::Code::kCorruption, "doc_rule value is malformed");
    }
    uint64_t mention_id = DecodeFixed64BE(it->value().ToStringView());
    auto mention = LoadMention(mention_id);
    if (!mention.ok()) return mention.status();
    if (!mention->has_value()) {
      return Error(Status::Code::kCorruption, "document " + std::to_string(id) +
                                                  " lists missing mention " +
                                                  std::to_string(mention_id));
    }
    if ((*mention)->story_id == 0) (*mention)->story_id = (*doc)->story_id;
    (*doc)->mentions.push_back(std::move(**mention));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the mentions of a document");
  return doc;
}

Result<std::vector<OutboxEntry>> Store::Impl::Outbox(size_t limit) const {
  std::vector<OutboxEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kOutboxFamily)));
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    OutboxEntry entry;
    rocksdb::Slice key = it->key();
    if (key.size() != 16 || !DecodeOutboxValue(it->value().ToStringView(), entry)) {
      return Error(Status::Code::kCorruption, "outbox entry is malformed");
    }
    entry.due_us = static_cast<int64_t>(DecodeFixed64BE(key.ToStringView().substr(0, 8)) ^
                                        (uint64_t{1} << 63));
    entry.mention_id = DecodeFixed64BE(key.ToStringView().substr(8));
    out.push_back(entry);
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the outbox");
  return out;
}

Status Store::Impl::ReadMentionRecords(const std::vector<uint64_t>& ids,
                                       std::vector<Mention>& out) const {
  // In id order through one iterator: the mentions of a time window are mostly consecutive ids,
  // reached with Next() (a step) instead of a fresh search each, which is what MultiGet does.
  std::vector<size_t> order(ids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids[a] < ids[b]; });
  out.resize(ids.size());
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kMentionsFamily)));
  char key_bytes[8];  // the id's key, built without an allocation per record
  const rocksdb::Slice key(key_bytes, sizeof key_bytes);
  for (size_t i : order) {
    for (int b = 0; b < 8; ++b) key_bytes[b] = static_cast<char>(ids[i] >> (56 - 8 * b));
    // A few Next() steps when the wanted id is just ahead (ids are dense), else a fresh search.
    if (it->Valid() && it->key().size() == 8) {
      uint64_t at = DecodeFixed64BE(it->key().ToStringView());
      if (at < ids[i] && ids[i] - at <= 4) {
        while (it->Valid() && it->key().compare(key) < 0) it->Next();
      }
    }
    if (!it->Valid() || it->key() != key) it->Seek(key);
    if (!it->status().ok()) return Error(it->status(), "cannot read the mentions");
    if (!it->Valid() || it->key() != key) {
      return Error(Status::Code::kCorruption,
                   "mention " + std::to_string(ids[i]) + " is indexed but missing");
    }
    if (!DecodeMention(it->value().ToStringView(), out[i])) {
      return Error(Status::Code::kCorruption,
                   "mention " + std::to_string(ids[i]) + " is malformed");
    }
    if (Status s = FillStory(out[i]); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Store::Impl::FillStory(Mention& mention) const {
  if (mention.story_id != 0) return Status::Ok();
  auto story = LoadDocStory(mention.doc_id);
  if (!story.ok()) return story.status();
  mention.story_id = story->has_value() ? (*story)->story_id : mention.doc_id;
  return Status::Ok();
}

Result<std::optional<Mention>> Store::Impl::GetMention(uint64_t id) const {
  auto mention = LoadMention(id);
  if (!mention.ok() || !mention->has_value()) return mention;
  if (Status s = FillStory(**mention); !s.ok()) return s;
  return mention;
}

Result<StoryCount> Store::Impl::LoadStoryCount(uint64_t story_id, GroupWrite* group) const {
  auto value = Get(kStoriesFamily, StoryCountKey(story_id), group);
  if (!value.ok()) return value.status();
  StoryCount count;
  if (value->has_value()) {
    if (!DecodeStoryCount(**value, count)) {
      return Error(Status::Code::kCorruption,
                   "count record of story " + std::to_string(story_id) + " is malformed");
    }
  }
  return count;  // no record: a story not stored yet
}

Status Store::Impl::AddToStoryCount(GroupWrite& group, uint64_t story_id, uint64_t documents,
                                    uint64_t places) {
  auto count = LoadStoryCount(story_id, &group);
  if (!count.ok()) return count.status();
  count->documents += documents;
  count->places += places;
  group.batch.Put(Family(kStoriesFamily), StoryCountKey(story_id), EncodeStoryCount(*count));
  return Status::Ok();
}

Result<StoryMembersPage> Store::Impl::StoryMembers(uint64_t story_id, size_t limit,
                                                   uint64_t before_doc_id) const {
  StoryMembersPage page;
  auto count = LoadStoryCount(story_id);
  if (!count.ok()) return count.status();
  page.total_documents = count->documents;
  page.total_places = count->places;
  if (limit == 0) return page;
  // The member keys of the story below before_doc_id, read backwards from the newest: a bounded
  // range scan of at most limit + 1 keys.
  const std::string prefix = StoryMembersPrefix(story_id);
  const std::string upper =
      before_doc_id != 0 ? prefix + IdKey(before_doc_id) : prefix + std::string(9, '\xff');
  rocksdb::Slice lower_slice(prefix), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.total_order_seek = true;
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Family(kStoriesFamily)));
  page.members.reserve(std::min<size_t>(limit, 128));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    if (it->key().size() != prefix.size() + 8) {
      return Error(Status::Code::kCorruption, "story member key is malformed");
    }
    const uint64_t id = DecodeFixed64BE(it->key().ToStringView().substr(prefix.size()));
    if (page.members.size() == limit) {
      page.next_before = page.members.back().doc_id;  // one more exists
      break;
    }
    auto doc = LoadDocumentRecord(id);
    if (!doc.ok()) return doc.status();
    if (!doc->has_value()) {
      return Error(Status::Code::kCorruption, "story " + std::to_string(story_id) +
                                                  " lists missing document " + std::to_string(id));
    }
    Document& d = **doc;
    page.members.push_back(StoryMember{
        d.id, std::move(d.site_id), std::move(d.url), std::move(d.title), std::move(d.lang),
        std::move(d.duplicate_urls), std::move(d.duplicate_site_ids), d.first_seen_us});
  }
  if (!it->status().ok()) {
    return Error(it->status(), "cannot read story " + std::to_string(story_id));
  }
  return page;
}

Result<std::vector<StoryInfo>> Store::Impl::Stories(std::optional<int64_t> since_us, size_t limit,
                                                    size_t members_per_story) const {
  std::vector<StoryInfo> out;
  if (limit == 0) return out;
  const std::string prefix(1, kStoryTimeTag);
  std::string upper = prefix;
  if (since_us && *since_us != INT64_MIN) {
    PutNewestFirstTimeBE(upper, *since_us - 1);
  } else {
    upper.back() = kStoryTimeTag + 1;
  }
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  options.total_order_seek = true;  // 't' keys span many 4-byte prefixes
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Family(kStoriesFamily)));
  for (it->Seek(prefix); it->Valid() && out.size() < limit; it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != 17) return Error(Status::Code::kCorruption, "story time key is malformed");
    StoryInfo info;
    info.created_us =
        static_cast<int64_t>(~DecodeFixed64BE(key.substr(1, 8)) ^ (uint64_t{1} << 63));
    info.id = ~DecodeFixed64BE(key.substr(9));
    auto members = StoryMembers(info.id, members_per_story, 0);
    if (!members.ok()) return members.status();
    info.members = std::move(members->members);
    info.total_documents = members->total_documents;
    info.total_places = members->total_places;
    info.next_before = members->next_before;
    out.push_back(std::move(info));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the stories");
  return out;
}

namespace {

bool MatchesFilters(const Mention& m, const MentionQuery& q) {
  if (q.since_us && m.found_at_us < *q.since_us) return false;
  if (q.until_us && m.found_at_us >= *q.until_us) return false;
  if (!q.rule_id.empty() && m.rule_id != q.rule_id) return false;
  if (!q.site_id.empty() && m.site_id != q.site_id) return false;
  if (!q.lang.empty() && m.lang != q.lang) return false;
  if (q.story_id != 0 && m.story_id != q.story_id) return false;
  return true;
}

}  // namespace

Result<std::vector<Mention>> Store::Impl::StoryMentions(const MentionQuery& query) const {
  // The story's own index, newest first, bounded by the time window like Mentions(); site and
  // language filter on the index value, a rule on the record (a rare rule may walk far).
  const std::string prefix = StoryMentionPrefix(query.story_id);
  std::vector<Mention> out;
  if (query.until_us && *query.until_us == INT64_MIN) return out;
  std::string lower = prefix, upper = prefix;
  if (query.until_us) PutNewestFirstTimeBE(lower, *query.until_us - 1);
  if (query.since_us && *query.since_us != INT64_MIN) {
    PutNewestFirstTimeBE(upper, *query.since_us - 1);
  } else {
    upper += std::string(17, '\xff');  // past every 16-byte suffix
  }
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.total_order_seek = true;
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Family(kStoriesFamily)));
  std::string site_id, lang;
  std::vector<uint64_t> ids;  // newest first
  for (it->Seek(lower); it->Valid() && ids.size() + out.size() < query.limit; it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 16 ||
        !DecodeIndexValue(it->value().ToStringView(), site_id, lang)) {
      return Error(Status::Code::kCorruption, "story mention index entry is malformed");
    }
    if (!query.site_id.empty() && site_id != query.site_id) continue;
    if (!query.lang.empty() && lang != query.lang) continue;
    const uint64_t id = MentionIdOfIndexKey(key);
    if (query.rule_id.empty()) {
      ids.push_back(id);
      continue;
    }
    auto mention = LoadMention(id);
    if (!mention.ok()) return mention.status();
    if (!mention->has_value()) {
      return Error(Status::Code::kCorruption,
                   "mention " + std::to_string(id) + " is indexed but missing");
    }
    if ((*mention)->rule_id != query.rule_id) continue;
    if (Status s = FillStory(**mention); !s.ok()) return s;
    out.push_back(std::move(**mention));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the story's mentions");
  if (!query.rule_id.empty()) return out;
  if (Status s = ReadMentionRecords(ids, out); !s.ok()) return s;
  return out;
}

Result<MentionsAfterResult> Store::Impl::MentionsAfter(uint64_t after_id,
                                                       const MentionQuery& query) const {
  MentionsAfterResult result;
  result.examined_through = after_id;
  if (query.limit == 0 || after_id == UINT64_MAX) return result;
  if (!query.rule_id.empty()) return RuleMentionsAfter(after_id, query);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kMentionsFamily)));
  for (it->Seek(IdKey(after_id + 1)); it->Valid() && result.mentions.size() < query.limit;
       it->Next()) {
    Mention m;
    if (it->key().size() != 8 || !DecodeMention(it->value().ToStringView(), m)) {
      return Error(Status::Code::kCorruption, "mention record is malformed");
    }
    if (Status s = FillStory(m); !s.ok()) return s;
    result.examined_through = m.id;
    if (MatchesFilters(m, query)) result.mentions.push_back(std::move(m));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the mentions");
  return result;
}

Result<MentionsAfterResult> Store::Impl::RuleMentionsAfter(uint64_t after_id,
                                                           const MentionQuery& query) const {
  // The rule's by-id entries from after_id on hold the mention records themselves: one range
  // scan, no other family read.
  MentionsAfterResult result;
  result.examined_through = after_id;
  const std::string prefix = RuleIdIndexPrefix(query.rule_id);
  std::string upper = prefix;
  upper.back() = '\x02';
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  // Files holding only mentions up to after_id (most of them) are not read at all.
  options.table_filter = [after_id](const rocksdb::TableProperties& properties) {
    return TableMayHoldMentionsAfter(properties, after_id);
  };
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Family(kMentionsByRuleFamily)));
  std::string site_id, lang;
  std::string_view record;
  result.mentions.reserve(std::min<size_t>(query.limit, 128));
  for (it->Seek(prefix + IdKey(after_id + 1)); it->Valid() && result.mentions.size() < query.limit;
       it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 8 ||
        !DecodeIndexValue(it->value().ToStringView(), site_id, lang, record)) {
      return Error(Status::Code::kCorruption, "rule index entry is malformed");
    }
    result.examined_through = DecodeFixed64BE(key.substr(prefix.size()));
    if (!query.site_id.empty() && site_id != query.site_id) continue;
    if (!query.lang.empty() && lang != query.lang) continue;
    Mention m;
    if (!DecodeMention(record, m)) {
      return Error(Status::Code::kCorruption,
                   "mention " + std::to_string(result.examined_through) + " is malformed");
    }
    if (Status s = FillStory(m); !s.ok()) return s;
    if (MatchesFilters(m, query)) result.mentions.push_back(std::move(m));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the rule index");
  return result;
}

Result<uint64_t> Store::Impl::LastMentionId() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kMentionsFamily)));
  it->SeekToLast();
  if (!it->status().ok()) return Error(it->status(), "cannot read the mentions");
  if (!it->Valid()) return uint64_t{0};
  if (it->key().size() != 8) return Error(Status::Code::kCorruption, "mention key is malformed");
  return DecodeFixed64BE(it->key().ToStringView());
}

// ---- alerts ------------------------------------------------------------------------------------

namespace {

OutboxEntry DecodeOutboxKey(std::string_view key, OutboxEntry entry) {
  entry.due_us = static_cast<int64_t>(DecodeFixed64BE(key.substr(0, 8)) ^ (uint64_t{1} << 63));
  entry.mention_id = DecodeFixed64BE(key.substr(8));
  return entry;
}

}  // namespace

Result<std::vector<OutboxEntry>> Store::Impl::DueAlerts(int64_t now_us, size_t limit) const {
  std::vector<OutboxEntry> out;
  if (limit == 0) return out;
  // Pending entries are keyed by due time first: the due ones are the keys below now_us + 1.
  std::string upper;
  if (now_us != INT64_MAX) PutTimeBE(upper, now_us + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  if (!upper.empty()) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Family(kOutboxFamily)));
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    OutboxEntry entry;
    if (it->key().size() != 16 || !DecodeOutboxValue(it->value().ToStringView(), entry)) {
      return Error(Status::Code::kCorruption, "outbox entry is malformed");
    }
    out.push_back(DecodeOutboxKey(it->key().ToStringView(), std::move(entry)));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the outbox");
  return out;
}

Result<std::optional<std::string>> Store::Impl::FindPendingAlert(uint64_t mention_id) const {
  // A rescheduled entry's due time is under 'p'; an entry never rescheduled is due when found.
  auto moved = Get(kAlertsFamily, AlertKey('p', mention_id));
  if (!moved.ok()) return moved.status();
  std::string key;
  if (moved->has_value()) {
    if ((*moved)->size() != 8) return Error(Status::Code::kCorruption, "alert entry is malformed");
    key = **moved + IdKey(mention_id);
  } else {
    auto mention = LoadMention(mention_id);
    if (!mention.ok()) return mention.status();
    if (!mention->has_value()) return std::optional<std::string>();
    key = OutboxKey((*mention)->found_at_us, mention_id);
  }
  auto entry = Get(kOutboxFamily, key);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) return std::optional<std::string>();
  return std::optional<std::string>(key);
}

Status Store::Impl::MarkAlertSent(uint64_t mention_id, int64_t sent_us) {
  const std::string what = "cannot mark the alert of mention " + std::to_string(mention_id);
  if (Status s = RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto sent = Get(kAlertsFamily, AlertKey('s', mention_id));
  if (!sent.ok()) return sent.status();
  auto pending = FindPendingAlert(mention_id);
  if (!pending.ok()) return pending.status();
  rocksdb::WriteBatch batch;
  if (pending->has_value()) batch.Delete(Family(kOutboxFamily), **pending);
  batch.Delete(Family(kAlertsFamily), AlertKey('p', mention_id));
  batch.Delete(Family(kAlertsFamily), AlertKey('f', mention_id));
  if (!sent->has_value()) {
    std::string value;
    PutVarsint64(value, sent_us);
    batch.Put(Family(kAlertsFamily), AlertKey('s', mention_id), value);
  }
  // Synced: a sent marker lost in a power cut would send the alert again.
  return WriteBatch(batch, what, true);
}

Result<bool> Store::Impl::IsAlertSent(uint64_t mention_id) const {
  auto sent = Get(kAlertsFamily, AlertKey('s', mention_id));
  if (!sent.ok()) return sent.status();
  return sent->has_value();
}

Result<Store::Impl::PendingAlert> Store::Impl::LoadPendingAlert(uint64_t mention_id,
                                                                const std::string& what) const {
  auto key = FindPendingAlert(mention_id);
  if (!key.ok()) return key.status();
  if (!key->has_value()) return Error(Status::Code::kNotFound, what + ": no pending alert");
  auto value = Get(kOutboxFamily, **key);
  if (!value.ok()) return value.status();
  PendingAlert pending{std::move(**key), {}};
  if (!value->has_value() || !DecodeOutboxValue(**value, pending.entry)) {
    return Error(Status::Code::kCorruption, "outbox entry is malformed");
  }
  return pending;
}

Status Store::Impl::RescheduleAlert(uint64_t mention_id, int64_t next_due_us,
                                    const std::string& error) {
  const std::string what = "cannot reschedule the alert of mention " + std::to_string(mention_id);
  if (Status s = RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto pending = LoadPendingAlert(mention_id, what);
  if (!pending.ok()) return pending.status();
  OutboxEntry& entry = pending->entry;
  entry.attempts += 1;
  entry.last_error = error;
  entry.due_us = next_due_us;
  const std::string new_key = OutboxKey(next_due_us, mention_id);
  rocksdb::WriteBatch batch;
  batch.Delete(Family(kOutboxFamily), pending->key);
  batch.Put(Family(kOutboxFamily), new_key, EncodeOutboxValue(entry));
  batch.Put(Family(kAlertsFamily), AlertKey('p', mention_id), new_key.substr(0, 8));
  return WriteBatch(batch, what, true);
}

Status Store::Impl::MarkAlertFailed(uint64_t mention_id, const std::string& error) {
  const std::string what =
      "cannot mark the alert of mention " + std::to_string(mention_id) + " failed";
  if (Status s = RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto pending = LoadPendingAlert(mention_id, what);
  if (!pending.ok()) return pending.status();
  OutboxEntry& entry = pending->entry;
  entry = DecodeOutboxKey(pending->key, std::move(entry));
  entry.state = OutboxEntry::State::kFailed;
  entry.last_error = error;
  rocksdb::WriteBatch batch;
  batch.Delete(Family(kOutboxFamily), pending->key);
  batch.Delete(Family(kAlertsFamily), AlertKey('p', mention_id));
  batch.Put(Family(kAlertsFamily), AlertKey('f', mention_id), EncodeOutboxValue(entry));
  return WriteBatch(batch, what, true);
}

Status Store::Impl::RecordAlertChannel(uint64_t mention_id, const ChannelDelivery& channel) {
  const std::string what = "cannot record the " + channel.channel + " delivery of mention " +
                           std::to_string(mention_id) + "'s alert";
  if (Status s = RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto pending = LoadPendingAlert(mention_id, what);
  if (!pending.ok()) return pending.status();
  std::vector<ChannelDelivery>& channels = pending->entry.channels;
  auto same = std::find_if(channels.begin(), channels.end(),
                           [&](const ChannelDelivery& c) { return c.channel == channel.channel; });
  if (same != channels.end()) {
    *same = channel;
  } else {
    channels.push_back(channel);
  }
  rocksdb::WriteBatch batch;
  batch.Put(Family(kOutboxFamily), pending->key, EncodeOutboxValue(pending->entry));
  // Synced: a "sent" lost in a power cut would send on that channel again.
  return WriteBatch(batch, what, true);
}

Result<std::vector<OutboxEntry>> Store::Impl::FailedAlerts(size_t limit) const {
  std::vector<OutboxEntry> out;
  rocksdb::ColumnFamilyHandle* alerts = Family(kAlertsFamily);
  if (limit == 0) return out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, alerts));
  for (it->Seek("f"); it->Valid() && it->key().starts_with("f") && out.size() < limit; it->Next()) {
    OutboxEntry entry;
    if (it->key().size() != 9 || !DecodeOutboxValue(it->value().ToStringView(), entry)) {
      return Error(Status::Code::kCorruption, "failed alert entry is malformed");
    }
    entry.mention_id = DecodeFixed64BE(it->key().ToStringView().substr(1));
    out.push_back(std::move(entry));
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read the failed alerts");
  return out;
}

Result<int> Store::Impl::RequeueFailedAlerts(int64_t now_us) {
  const std::string what = "cannot requeue the failed alerts";
  if (Status s = RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto failed = FailedAlerts(SIZE_MAX);
  if (!failed.ok()) return failed.status();
  rocksdb::WriteBatch batch;
  const std::string due = OutboxKey(now_us, 0).substr(0, 8);
  for (OutboxEntry& entry : *failed) {
    entry.state = OutboxEntry::State::kPending;
    entry.attempts = 0;
    entry.due_us = now_us;
    for (ChannelDelivery& channel : entry.channels) {
      if (channel.state != ChannelDelivery::State::kFailed) continue;  // sent stays sent
      channel.state = ChannelDelivery::State::kPending;
      channel.attempts = 0;
      channel.at_us = now_us;
    }
    batch.Delete(Family(kAlertsFamily), AlertKey('f', entry.mention_id));
    batch.Put(Family(kOutboxFamily), OutboxKey(now_us, entry.mention_id), EncodeOutboxValue(entry));
    batch.Put(Family(kAlertsFamily), AlertKey('p', entry.mention_id), due);
  }
  if (failed->empty()) return 0;
  if (Status s = WriteBatch(batch, what, true); !s.ok()) return s;
  return static_cast<int>(failed->size());
}

// ---- maintenance -------------------------------------------------------------------------------

Result<RetentionResult> Store::Impl::DropTextOlderThan(int64_t cutoff_us) {
  const std::string what = "cannot drop old texts";
  if (Status s = RequireWritable(what); !s.ok()) return s;
  RetentionResult result;
  {
    std::lock_guard<std::mutex> lock(write_mutex_);
    // Retention runs rarely and must look at every document: one pass over `docs`, rewriting
    // the old ones in batches of 1,000.
    rocksdb::WriteBatch batch;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kDocsFamily)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++result.documents_examined;
      Document doc;
      if (!DecodeDocument(it->value().ToStringView(), doc)) {
        return Error(Status::Code::kCorruption, "document record is malformed");
      }
      if (doc.fetched_at_us >= cutoff_us || doc.text.empty()) continue;
      doc.text.clear();
      batch.Put(Family(kDocsFamily), it->key(), EncodeDocument(doc));
      ++result.texts_dropped;
      if (batch.Count() >= 1000) {
        if (Status s = WriteBatch(batch, what, false); !s.ok()) return s;
        batch.Clear();
      }
    }
    if (!it->status().ok()) return Error(it->status(), "cannot read the documents");
    if (batch.Count() > 0) {
      if (Status s = WriteBatch(batch, what, false); !s.ok()) return s;
    }
  }
  if (Status s = Compact(); !s.ok()) return s;
  return result;
}

Status Store::Impl::Compact() {
  if (Status s = RequireWritable("cannot compact"); !s.ok()) return s;
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* handle : rocks_->families()) {
    rocksdb::Status s = db_->CompactRange(options, handle, nullptr, nullptr);
    if (!s.ok()) return Error(s, "cannot compact " + handle->GetName());
  }
  return Status::Ok();
}

Status Store::Impl::WaitForBackgroundWork(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    uint64_t busy = 0, value = 0;
    for (const auto& property : {rocksdb::DB::Properties::kNumRunningFlushes,
                                 rocksdb::DB::Properties::kNumRunningCompactions,
                                 rocksdb::DB::Properties::kCompactionPending,
                                 rocksdb::DB::Properties::kMemTableFlushPending}) {
      for (rocksdb::ColumnFamilyHandle* handle : rocks_->families()) {
        if (db_->GetIntProperty(handle, property, &value)) busy += value;
      }
    }
    if (busy == 0) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return Error(Status::Code::kUnavailable, "background work still running after the timeout");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status Store::Impl::CatchUp() { return rocks_->CatchUp(); }

Status Store::Impl::FinishRepair(const RepairReport& report) {
  // Ids of dropped mentions and documents are never given again: an analyst's read cursor may
  // already be past them, and would then skip the new mentions that reused them; an alert sent
  // with a document's id must not come to name another article.
  rocksdb::WriteBatch batch;
  if (report.last_mention_id >= next_mention_id_) {
    next_mention_id_ = report.last_mention_id + 1;
    batch.Put(Family(kMetaFamily), kNextMentionIdKey, IdKey(next_mention_id_));
  }
  if (report.last_document_id >= next_doc_id_) {
    next_doc_id_ = report.last_document_id + 1;
    batch.Put(Family(kMetaFamily), kNextDocIdKey, IdKey(next_doc_id_));
  }
  if (batch.Count() > 0) {
    if (Status s = WriteBatch(batch, "cannot advance the id counters", true); !s.ok()) return s;
  }
  // Everything replayed goes into table files, so the damaged logs are no longer needed.
  rocksdb::FlushOptions flush;
  rocksdb::Status s = db_->Flush(flush, rocks_->families());
  if (!s.ok()) return Error(s, "cannot flush the repaired store");
  return Status::Ok();
}

// ---- Store: the public face; nothing thrown inside may escape ---------------------------------

namespace {

template <typename F>
auto Guard(const std::string& dir, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status::IOError("data dir " + dir + ": " + e.what());
  }
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  return Open(dir, mode, OpenOptions{});
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode,
                                           const OpenOptions& options) {
  return Guard(dir, [&]() -> Result<std::unique_ptr<Store>> {
    auto impl = std::make_unique<Impl>(dir, mode, options.sync_mentions, options.env);
    if (Status s = impl->Open(); !s.ok()) return s;
    return std::unique_ptr<Store>(new Store(std::move(impl)));
  });
}

Result<PutPageResult> Store::PutPage(const PageInput& page) {
  return Guard(impl_->dir(), [&] { return impl_->PutPage(page); });
}

Result<std::vector<PutPageResult>> Store::PutPages(std::span<const PageInput> pages) {
  return Guard(impl_->dir(), [&] { return impl_->PutPages(pages); });
}

Status Store::RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                          const std::string& etag, const std::string& last_modified) {
  return Guard(impl_->dir(), [&] {
    return impl_->RecordFetch(url, http_status, fetched_at_us, etag, last_modified);
  });
}

Result<std::optional<UrlState>> Store::GetUrl(const std::string& url) const {
  return Guard(impl_->dir(), [&] { return impl_->GetUrl(url); });
}

Result<std::vector<Mention>> Store::Mentions(const MentionQuery& query) const {
  return Guard(impl_->dir(), [&] { return impl_->Mentions(query); });
}

Result<std::optional<Document>> Store::GetDocument(uint64_t id) const {
  return Guard(impl_->dir(), [&] { return impl_->GetDocument(id); });
}

Result<std::vector<OutboxEntry>> Store::Outbox(size_t limit) const {
  return Guard(impl_->dir(), [&] { return impl_->Outbox(limit); });
}

Result<std::vector<uint64_t>> Store::StoryDocuments(uint64_t story_id) const {
  return Guard(impl_->dir(), [&] { return impl_->StoryDocuments(story_id); });
}

Result<StoryMembersPage> Store::StoryMembers(uint64_t story_id, size_t limit,
                                             uint64_t before_doc_id) const {
  return Guard(impl_->dir(), [&] { return impl_->StoryMembers(story_id, limit, before_doc_id); });
}

Result<std::vector<StoryInfo>> Store::Stories(std::optional<int64_t> since_us, size_t limit,
                                              size_t members_per_story) const {
  return Guard(impl_->dir(), [&] { return impl_->Stories(since_us, limit, members_per_story); });
}

Result<MentionsAfterResult> Store::MentionsAfter(uint64_t after_id,
                                                 const MentionQuery& query) const {
  return Guard(impl_->dir(), [&] { return impl_->MentionsAfter(after_id, query); });
}

Result<std::optional<uint64_t>> Store::FindNearDuplicate(const std::string& text) const {
  return Guard(impl_->dir(), [&] { return impl_->FindNearDuplicateOfText(text); });
}

Result<uint64_t> Store::LastMentionId() const {
  return Guard(impl_->dir(), [&] { return impl_->LastMentionId(); });
}

Result<std::optional<Mention>> Store::GetMention(uint64_t id) const {
  return Guard(impl_->dir(), [&] { return impl_->GetMention(id); });
}

Result<std::vector<OutboxEntry>> Store::DueAlerts(int64_t now_us, size_t limit) const {
  return Guard(impl_->dir(), [&] { return impl_->DueAlerts(now_us, limit); });
}

Status Store::MarkAlertSent(uint64_t mention_id, int64_t sent_us) {
  return Guard(impl_->dir(), [&] { return impl_->MarkAlertSent(mention_id, sent_us); });
}

Result<bool> Store::IsAlertSent(uint64_t mention_id) const {
  return Guard(impl_->dir(), [&] { return impl_->IsAlertSent(mention_id); });
}

Status Store::RescheduleAlert(uint64_t mention_id, int64_t next_due_us, const std::string& error) {
  return Guard(impl_->dir(),
               [&] { return impl_->RescheduleAlert(mention_id, next_due_us, error); });
}

Status Store::MarkAlertFailed(uint64_t mention_id, const std::string& error) {
  return Guard(impl_->dir(), [&] { return impl_->MarkAlertFailed(mention_id, error); });
}

Status Store::RecordAlertChannel(uint64_t mention_id, const ChannelDelivery& channel) {
  return Guard(impl_->dir(), [&] { return impl_->RecordAlertChannel(mention_id, channel); });
}

Result<std::vector<OutboxEntry>> Store::FailedAlerts(size_t limit) const {
  return Guard(impl_->dir(), [&] { return impl_->FailedAlerts(limit); });
}

Result<int> Store::RequeueFailedAlerts(int64_t now_us) {
  return Guard(impl_->dir(), [&] { return impl_->RequeueFailedAlerts(now_us); });
}

Result<RetentionResult> Store::DropTextOlderThan(int64_t cutoff_us) {
  return Guard(impl_->dir(), [&] { return impl_->DropTextOlderThan(cutoff_us); });
}

Status Store::Compact() {
  return Guard(impl_->dir(), [&] { return impl_->Compact(); });
}

Status Store::WaitForBackgroundWork(int64_t timeout_ms) {
  return Guard(impl_->dir(), [&] { return impl_->WaitForBackgroundWork(timeout_ms); });
}

Status Store::CatchUp() {
  return Guard(impl_->dir(), [&] { return impl_->CatchUp(); });
}

StorageFault Store::Fault() const { return impl_->Fault(); }

StorageFault Store::ResumeWrites() {
  try {
    return impl_->ResumeWrites();
  } catch (const std::exception& e) {
    return {StorageFault::Kind::kFatal, "data dir " + impl_->dir() + ": " + e.what()};
  }
}

Result<Store::RepairReport> Store::Repair(const std::string& dir) {
  return Guard(dir, [&]() -> Result<RepairReport> {
    const fs::path db_path = fs::path(dir) / kDbSubdir;
    std::error_code ec;
    if (!fs::exists(db_path / "CURRENT", ec)) {
      return Status::NotFound("data dir " + dir + ": no Kuzet store here (no " +
                              (db_path / "CURRENT").string() + ")");
    }
    auto described = DescribeWalDamage(db_path.string());
    if (!described.ok()) {
      return Status::Corruption("data dir " + dir + ": cannot read the store to repair it: " +
                                described.status().message());
    }
    RepairReport report = std::move(described).value();
    if (report.damaged) {
      // The damaged logs are kept: nothing stored is destroyed by a repair.
      auto damage = ScanWriteAheadLogs(db_path.string(), [](const std::string&) {});
      if (!damage.ok()) return damage.status();
      const fs::path saved =
          fs::path(dir) / ("store-damaged-wal-" + std::to_string(base::NowMicros() / 1000000));
      fs::create_directories(saved, ec);
      for (const std::string& file : damage->files_from_damage) {
        if (!ec) fs::copy_file(file, saved / fs::path(file).filename(), ec);
      }
      if (ec) {
        return Status::IOError("data dir " + dir + ": cannot copy the damaged logs to " +
                               saved.string() + " before the repair: " + ec.message());
      }
      report.saved_logs_dir = saved.string();
    }
    auto impl = std::make_unique<Impl>(dir, Mode::kReadWrite, true);
    if (Status s = impl->Open(/*repair=*/report.damaged); !s.ok()) return s;
    if (report.damaged) {
      if (Status s = impl->FinishRepair(report); !s.ok()) return s;
    }
    return report;
  });
}

const std::string& Store::dir() const { return impl_->dir(); }

}  // namespace kuzet::storage
