#include "storage/store_db.h"

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

#include <spdlog/spdlog.h>

#include "base/hex.h"
#include "base/time.h"
#include "extractor/keywords/search_keys.h"
#include "storage/encoding.h"
#include "storage/fault_monitor.h"
#include "storage/interrupted_creation.h"
#include "storage/max_mention_id_property.h"
#include "storage/newest_entries_warmer.h"
#include "storage/posting_list.h"
#include "storage/posting_merge.h"
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

const char* const kFamilies[] = {
    "default",  // RocksDB's own, unused
    kMetaFamily,     kUrlsFamily,           kDocsFamily,           kFingerprintsFamily,
    kMentionsFamily, kMentionsByTimeFamily, kMentionsByRuleFamily, kMentionsBySiteFamily,
    kDocRuleFamily,  kOutboxFamily,         kStoriesFamily,        kAlertsFamily,
    kSimHashFamily,  kEvidenceFamily,       kSearchFamily,         kWatchFamily,
    kVersionsFamily,
};

// Memtable insert hints (RocksDB keeps, per prefix, where the last key went in the skip list):
// for families whose new keys land next to the previous ones, an insert then starts from there
// instead of searching from the top of the skip list.
//
// One hint for the whole family: ids and times that grow (docs, mentions, outbox, doc_rule) or
// shrink (the newest-first time indexes, whose new keys always go first); and `search`, whose
// batches hold their posting merges in key order (PostingBuilder), each a short step past the
// one before: a hint per word key would cost a splice of the memtable's arena per distinct word.
// A range deletion must not share a memtable with a hinted family's other writes (RocksDB 7.8
// hints it into the wrong skip list): BuildSearchIndex flushes the one it writes.
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
}  // namespace

Result<Store::RepairReport> DescribeWalDamage(const std::string& db_path) {
  rocksdb::Options options;
  options.info_log = NewRocksDbInfoLog(db_path);
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  options.max_open_files = -1;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, db_path, &names);
  if (!s.ok()) return Status::Corruption(db_path + ": " + s.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    rocksdb::ColumnFamilyOptions family;
    // The replay up to the damage reads the search family's merges (FORMAT.md, *search*):
    // without its operator it stops at the first key merged twice, and the report would count
    // as lost every page after that.
    if (name == kSearchFamily) family.merge_operator = std::make_shared<PostingListUnion>(db_path);
    descriptors.emplace_back(name, family);
  }
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

namespace {

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

StoreDb::StoreDb(std::string dir, Store::Mode mode, const Store::OpenOptions& options)
    : dir_(std::move(dir)),
      mode_(mode),
      sync_(options.sync_mentions),
      env_(options.env),
      search_buffer_max_age_(options.search_buffer_max_age),
      warmer_(std::make_shared<NewestEntriesWarmer>()),
      faults_(std::make_shared<FaultMonitor>((fs::path(dir_) / kDbSubdir).string())) {}

StoreDb::~StoreDb() { Close(); }

rocksdb::ColumnFamilyHandle* StoreDb::Family(const char* name) const {
  return rocks_->Family(name);
}

const std::vector<rocksdb::ColumnFamilyHandle*>& StoreDb::families() const {
  return rocks_->families();
}

StorageFault StoreDb::Fault() const { return faults_->Current(); }

StorageFault StoreDb::ResumeWrites() {
  if (mode_ == Store::Mode::kReadOnly) return faults_->Current();
  return faults_->TryResume(db_);
}

Status StoreDb::Error(const rocksdb::Status& s, std::string_view what) const {
  return rocks_->Error(s, what);
}

Status StoreDb::Error(Status::Code code, std::string_view what) const {
  return Status::FromCode(code, "data dir " + dir_ + ": " + std::string(what));
}

Status StoreDb::Open(bool repair) {
  const std::string db_path = (fs::path(dir_) / kDbSubdir).string();
  std::error_code ec;
  const bool exists = fs::exists(fs::path(db_path) / "CURRENT", ec);
  if (!exists) {
    if (mode_ == Store::Mode::kReadWrite && IsInterruptedCreation(db_path)) {
      Status cleared = ClearInterruptedCreation(db_path);
      if (!cleared.ok()) return Error(Status::Code::kIOError, cleared.message());
    }
    if (mode_ == Store::Mode::kReadOnly && IsInterruptedCreation(db_path)) {
      return Error(Status::Code::kNotFound,
                   "no Kuzet store here yet (its first start was "
                   "interrupted; the next `kuzet run` or `crawl` "
                   "creates it): run a crawl first");
    }
    if (fs::exists(db_path, ec) && !fs::is_empty(db_path, ec)) {
      return Error(Status::Code::kCorruption, MissingCurrentMessage(db_path));
    }
    if (mode_ == Store::Mode::kReadOnly) {
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
  if (mode_ == Store::Mode::kReadWrite) {
    options.listeners.push_back(warmer_);
    options.listeners.push_back(faults_);
  }

  auto search_merge = std::make_shared<PostingListUnion>(dir_);
  auto options_of = [&options, &search_merge](const std::string& name) {
    rocksdb::ColumnFamilyOptions family_options(options);
    if (name == kDocsFamily || name == kMentionsFamily || name == kMentionsByTimeFamily ||
        name == kDocRuleFamily || name == kOutboxFamily || name == kSearchFamily) {
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
    if (name == kSearchFamily) {
      // Only prefix scans (search_index.h), never a point read: no Bloom filter (10 bits a key
      // of ~6 bytes would add a fifth to the family). Runs of keys that share a word compress
      // well: larger blocks, fewer restart points, zstd on every level where it is built in.
      rocksdb::BlockBasedTableOptions table;
      table.block_cache = rocksdb::NewLRUCache(32 << 20);
      table.block_size = 16 << 10;
      table.block_restart_interval = 64;
      family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
      for (rocksdb::CompressionType type : rocksdb::GetSupportedCompressions()) {
        if (type == rocksdb::kZSTD) family_options.compression = type;
      }
      // Level 1, not zstd's default 3: the same bytes within 0.7 % (delta-coded lists leave
      // zstd little to find either way) for 0.3 CPU s less in a 10,050-page crawl
      // (bench/pipeline/NOTES.md, Session 17).
      family_options.compression_opts.level = 1;
      // Part of the format (FORMAT.md, *search*): a group writes its postings as Merges.
      family_options.merge_operator = search_merge;
    }
    if (name == kDocsFamily) {
      // Whole texts (~40 KB a record on the pipeline bench) under ids that only grow: with
      // RocksDB's default 64 MiB this family alone filled half the shared budget, and a flush
      // kept a second one in memory (peak RSS of a 10,050-page crawl 292-319 MB; 16 MiB:
      // 257-265, bench/pipeline/NOTES.md, Session 9). New ids never overlap older tables, so
      // smaller flushes add no compaction rewrites; the budget stays for the index families.
      family_options.write_buffer_size = 16 << 20;
      // One codec on every level: RocksDB moves a table down without rewriting it only when the
      // codec stays the same, and these tables never overlap. With LZ4 at the flush and zstd
      // below, every text was compressed twice and decompressed once; zstd level 1 at the flush
      // alone took the block compression of a 10,050-page crawl from 3.0 to 1.9 CPU s, for
      // 1.4 % more bytes than that (level 3: no CPU saved; bench/pipeline/NOTES.md, Session 17).
      for (rocksdb::CompressionType type : rocksdb::GetSupportedCompressions()) {
        if (type == rocksdb::kZSTD) family_options.compression = type;
      }
      family_options.compression_opts.level = 1;
    }
    if (name == kSimHashFamily) {
      // Every page rewrites four buckets, so the memtable fills with old versions that a lookup
      // must search past; a small memtable flushes them into compact tables (the whole family is
      // ~16 bytes a document, so its compactions are cheap).
      family_options.write_buffer_size = 4 << 20;
      // A full memtable waits for the flush thread, which the other families' flushes share
      // (the search family's are tens of MiB): at a 1M-article load's rate the next 4 MiB filled
      // first, and writes stalled ("2 immutable memtables (waiting for flush),
      // max_write_buffer_number is set to 2", bench/search/NOTES.md). Up to three may wait now:
      // 8 MiB more, only while flushes lag (a crawl of 10,050 pages writes ~3 MB here in all:
      // four bucket records of under 64 bytes a page).
      family_options.max_write_buffer_number = 4;
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
  // Added without a format change (FORMAT.md, `evidence`): a store written before it has none
  // until a read-write open creates it. A store of format 2 has no search family; a read-write
  // open creates and fills it.
  // The watch's families were added the same way as evidence (FORMAT.md, *Versions*).
  spec.optional_when_read_only = {kEvidenceFamily, kSearchFamily, kWatchFamily, kVersionsFamily};
  auto rocks = RocksDb::Open(
      spec, mode_ == Store::Mode::kReadWrite ? RocksDb::Mode::kReadWrite : RocksDb::Mode::kReadOnly,
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
  if (mode_ == Store::Mode::kReadWrite) warmer_->Attach(Family(kMentionsByRuleFamily));
  return CheckFormatAndLoadCounters();
}

Status StoreDb::CheckFormatAndLoadCounters() {
  auto version = rocks_->FormatVersion(kMetaFamily, kFormatVersionKey,
                                       RocksDb::VersionEncoding::kFixed32BigEndian, kFormatVersion);
  if (!version.ok()) return version.status();
  if (version->has_value()) {
    opened_format_version_ = **version;
    // Format 1 (another SimHash, its tables in `stories`) lived in development builds of
    // November 2026 only, never released: no user has such a store (FORMAT.md, *Versions*).
    if (**version >= kFormatVersionWithoutSearch && **version <= kFormatVersionWithoutWordClasses) {
      if (mode_ == Store::Mode::kReadOnly) {
        // Formats 4 to 6 are searchable: keys without a class (any word), lists of formats 4 and
        // 5 without positions (every position unknown).
        if (**version < kFormatVersionIndexedThroughAll) {
          has_search_index_ = false;
          search_index_version_ = **version;
        }
      } else if (Status st = BuildSearchIndex(**version); !st.ok()) {
        return st;
      }
    } else if (**version < kFormatVersionIndexedThroughAll) {
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
    if (mode_ == Store::Mode::kReadWrite) {
      rocksdb::WriteBatch batch;
      batch.Put(Family(kMetaFamily), kFormatVersionKey,
                RocksDb::EncodeFormatVersion(kFormatVersion,
                                             RocksDb::VersionEncoding::kFixed32BigEndian));
      batch.Put(Family(kMetaFamily), kNextDocIdKey, IdKey(1));
      batch.Put(Family(kMetaFamily), kNextMentionIdKey, IdKey(1));
      batch.Put(Family(kMetaFamily), kSearchIndexedThroughKey, IdKey(0));
      if (Status st = WriteBatch(batch, "cannot initialise the store", true); !st.ok()) return st;
    }
  }
  if (mode_ == Store::Mode::kReadOnly) return Status::Ok();

  for (auto [key, counter] :
       {std::pair{kNextDocIdKey, &next_doc_id_}, std::pair{kNextMentionIdKey, &next_mention_id_}}) {
    auto value = Get(kMetaFamily, key);
    if (!value.ok()) return value.status();
    if (!value->has_value() || (*value)->size() != 8) {
      return Error(Status::Code::kCorruption, "meta record " + std::string(key) + " is missing");
    }
    *counter = DecodeFixed64BE(**value);
  }
  return IndexUnindexedTail();
}

Status StoreDb::IndexUnindexedTail() {
  auto value = Get(kMetaFamily, kSearchIndexedThroughKey);
  if (!value.ok()) return value.status();
  // Missing (a damaged meta family): every document is indexed again, which is always right.
  uint64_t through = 0;
  if (value->has_value() && (*value)->size() == 8) through = DecodeFixed64BE(**value);
  if (!value->has_value() || (*value)->size() != 8) {
    spdlog::warn("data dir {}: meta record {} is missing or malformed: indexing every document",
                 dir_, kSearchIndexedThroughKey);
  }
  const uint64_t last_id = next_doc_id_ - 1;
  if (through >= last_id && value->has_value()) {
    search_indexed_through_ = through;
    return Status::Ok();
  }
  // A writer that stopped without writing its buffered postings (kill -9, power cut).
  uint64_t documents = 0;
  auto indexed = IndexDocumentsFrom(through + 1, documents);
  if (!indexed.ok()) return indexed.status();
  rocksdb::WriteBatch batch;
  batch.Put(Family(kMetaFamily), kSearchIndexedThroughKey, IdKey(last_id));
  if (Status s = WriteBatch(batch, "cannot record the search index's progress", true); !s.ok()) {
    return s;
  }
  search_indexed_through_ = last_id;
  spdlog::warn(
      "data dir {}: indexed {} document(s) above id {} whose search postings were not "
      "written before the last stop",
      dir_, documents, through);
  return Status::Ok();
}

Status StoreDb::FlushSearchBuffer() {
  if (search_buffer_.documents == 0) return Status::Ok();
  rocksdb::WriteBatch batch;
  rocksdb::Status s = search_buffer_.postings.AddTo(batch, Family(kSearchFamily));
  if (s.ok()) {
    s = batch.Put(Family(kMetaFamily), kSearchIndexedThroughKey, IdKey(search_buffer_.last_id));
  }
  Status written = s.ok() ? WriteBatch(batch, "cannot write the buffered search postings", false)
                          : Error(s, "cannot write the buffered search postings");
  if (!written.ok()) return written;  // the buffer is kept
  search_indexed_through_ = search_buffer_.last_id;
  search_buffer_.postings.Clear();
  search_buffer_.documents = 0;
  return Status::Ok();
}

void StoreDb::Close() {
  if (rocks_ != nullptr) {
    if (mode_ == Store::Mode::kReadWrite) {
      // Not fatal: the next read-write open indexes the documents again from their text.
      if (Status s = FlushSearchBuffer(); !s.ok()) {
        spdlog::warn("{} (the next open indexes them again)", s.message());
      }
    }
    warmer_->Detach();  // waits for a warming in a background thread, which uses a handle
    rocks_.reset();
    db_ = nullptr;
  }
}

Result<std::optional<std::string>> StoreDb::Get(const char* family, std::string_view key,
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

Result<std::optional<Document>> StoreDb::LoadDocumentRecord(uint64_t id, GroupWrite* group) const {
  auto value = Get(kDocsFamily, IdKey(id), group);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<Document>();
  Document doc;
  if (!DecodeDocument(**value, doc)) {
    return Error(Status::Code::kCorruption, "document " + std::to_string(id) + " is malformed");
  }
  return std::optional<Document>(std::move(doc));
}

Result<std::optional<Mention>> StoreDb::LoadMention(uint64_t id) const {
  auto value = Get(kMentionsFamily, IdKey(id));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<Mention>();
  Mention mention;
  if (!DecodeMention(**value, mention)) {
    return Error(Status::Code::kCorruption, "mention " + std::to_string(id) + " is malformed");
  }
  return std::optional<Mention>(std::move(mention));
}

GroupWrite::GroupWrite(StoreDb& store)
    : store(store),
      batch(store.TakeGroupBatch()),
      next_doc_id(store.next_doc_id()),
      next_mention_id(store.next_mention_id()) {}

GroupWrite::~GroupWrite() { store.ReturnGroupBatch(std::move(batch)); }

rocksdb::WriteBatchWithIndex StoreDb::TakeGroupBatch() {
  if (spare_group_batch_) {
    rocksdb::WriteBatchWithIndex batch = std::move(*spare_group_batch_);
    spare_group_batch_.reset();
    return batch;
  }
  return rocksdb::WriteBatchWithIndex(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
}

void StoreDb::ReturnGroupBatch(rocksdb::WriteBatchWithIndex batch) {
  // The data size bounds what the buffer grew to (at most twice it, by doubling).
  if (batch.GetWriteBatch()->GetDataSize() > kMaxKeptGroupBatchBytes) return;
  batch.Clear();
  spare_group_batch_.emplace(std::move(batch));
}

Status StoreDb::WriteBatch(rocksdb::WriteBatch& batch, std::string_view what, bool sync) {
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

Status StoreDb::RequireWritable(std::string_view what) const {
  if (mode_ == Store::Mode::kReadOnly) {
    return Error(Status::Code::kInvalidArgument,
                 std::string(what) + ": the store was opened read-only");
  }
  return Status::Ok();
}

namespace {

// A document's story record as read, or Corruption naming the document.
Result<DocStory> DecodeStoredDocStory(const StoreDb& db, uint64_t doc_id, std::string_view value) {
  DocStory story;
  if (!DecodeDocStory(value, story)) {
    return db.Error(Status::Code::kCorruption,
                    "story record of document " + std::to_string(doc_id) + " is malformed");
  }
  return story;
}

}  // namespace

Result<std::optional<DocStory>> StoreDb::LoadDocStory(uint64_t doc_id, GroupWrite* group) const {
  auto value = Get(kStoriesFamily, DocStoryKey(doc_id), group);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<DocStory>();
  auto story = DecodeStoredDocStory(*this, doc_id, **value);
  if (!story.ok()) return story.status();
  return std::optional<DocStory>(*story);
}

Result<std::vector<uint64_t>> StoreDb::StoryIdsOf(const std::vector<uint64_t>& doc_ids) const {
  const size_t n = doc_ids.size();
  std::vector<std::string> keys;
  keys.reserve(n);
  for (uint64_t id : doc_ids) keys.push_back(DocStoryKey(id));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db()->MultiGet(rocksdb::ReadOptions(), Family(kStoriesFamily), n, slices.data(), values.data(),
                 statuses.data(), /*sorted_input=*/false);
  std::vector<uint64_t> stories(n);
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) {
      stories[i] = doc_ids[i];
      continue;
    }
    if (!statuses[i].ok()) return Error(statuses[i], "cannot read the story of a document");
    auto story = DecodeStoredDocStory(*this, doc_ids[i], values[i].ToStringView());
    if (!story.ok()) return story.status();
    stories[i] = story->story_id;
  }
  return stories;
}

Status StoreDb::FillStory(Mention& mention) const {
  if (mention.story_id != 0) return Status::Ok();
  auto story = LoadDocStory(mention.doc_id);
  if (!story.ok()) return story.status();
  mention.story_id = story->has_value() ? (*story)->story_id : mention.doc_id;
  return Status::Ok();
}

Result<StoryCount> StoreDb::LoadStoryCount(uint64_t story_id, GroupWrite* group) const {
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

// ---- alerts ------------------------------------------------------------------------------------

// ---- maintenance -------------------------------------------------------------------------------

Status StoreDb::CatchUp() { return rocks_->CatchUp(); }

Result<const keywords::SearchKeys*> StoreDb::search_keys() const {
  std::call_once(search_keys_once_, [this] {
    auto keys = keywords::SearchKeys::Create();
    if (keys.ok()) {
      search_keys_ = std::make_unique<keywords::SearchKeys>(std::move(keys).value());
    } else {
      search_keys_status_ =
          Error(keys.status().code(), "search index word keys: " + keys.status().message());
    }
  });
  if (!search_keys_) return search_keys_status_;
  return search_keys_.get();
}

Result<uint64_t> StoreDb::IndexDocumentsFrom(uint64_t first_id, uint64_t& documents) {
  auto keys = search_keys();
  if (!keys.ok()) return keys.status();
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Family(kDocsFamily)));
  PostingBuilder postings;
  uint64_t last_id = 0;
  auto flush = [&]() -> Status {
    rocksdb::Status s = postings.AddTo(batch, Family(kSearchFamily));
    if (!s.ok()) return Error(s, "cannot build the search index");
    if (Status st = WriteBatch(batch, "cannot build the search index", false); !st.ok()) return st;
    batch.Clear();
    postings.Clear();
    return Status::Ok();
  };
  for (it->Seek(IdKey(first_id)); it->Valid(); it->Next()) {
    Document doc;
    if (!DecodeDocument(it->value().ToStringView(), doc)) {
      return Error(Status::Code::kCorruption, "document record " +
                                                  base::HexEncode(it->key().ToString()) +
                                                  " is malformed (building the search index)");
    }
    const keywords::SearchKeyPositions of = (*keys)->KeysOf(doc.text, doc.lang);
    postings.Add(of.keys, of.classes, of.positions, doc.id);
    last_id = std::max(last_id, doc.id);
    // A batch per 256 documents (or 1M postings): bounded memory, one Merge per word of them.
    if (++documents % 256 == 0 || postings.postings() >= (1u << 20)) {
      if (Status st = flush(); !st.ok()) return st;
    }
    if (documents % 100000 == 0) spdlog::warn("data dir {}: indexed {} documents", dir_, documents);
  }
  if (!it->status().ok()) return Error(it->status(), "cannot read documents to index them");
  if (Status st = flush(); !st.ok()) return st;
  return last_id;
}

Status StoreDb::BuildSearchIndex(uint32_t version) {
  auto keys = search_keys();
  if (!keys.ok()) return keys.status();
  spdlog::warn(
      "data dir {}: the store has format version {}: building its search index over the "
      "stored documents (once; format version {})",
      dir_, version, kFormatVersion);
  rocksdb::WriteBatch batch;
  if (version >= kFormatVersionPostingPerDocument) {
    // The old entries go first, in one range deletion (word keys are UTF-8: no 0xFF byte, and
    // at most 58 bytes with their suffix). A build cut short deletes its own entries again.
    const std::string end(64, '\xff');
    const std::string dropping =
        "cannot drop the search index of format version " + std::to_string(version);
    rocksdb::Status s = batch.DeleteRange(Family(kSearchFamily), "", end);
    if (!s.ok()) return Error(s, dropping);
    // With the entries, the record that they are complete: a read-only search of a store whose
    // rebuild was cut short (formats 4 and 5 stay searchable) then verifies every document
    // instead of trusting a half-built index.
    s = batch.Put(Family(kMetaFamily), kSearchIndexedThroughKey, IdKey(0));
    if (!s.ok()) return Error(s, dropping);
    if (Status st = WriteBatch(batch, dropping, true); !st.ok()) return st;
    batch.Clear();
    // Flushed before any other write to the family: RocksDB 7.8's memtable gives a range
    // deletion the same insert hint as the family's other entries although it goes into another
    // skip list, so one more entry in that memtable would be inserted at a wrong place (a debug
    // build asserts). A kill before the flush ends leaves only the deletion in the log.
    s = db_->Flush(rocksdb::FlushOptions(), Family(kSearchFamily));
    if (!s.ok()) {
      return Error(
          s, "cannot flush the dropped search index of format version " + std::to_string(version));
    }
  }
  uint64_t documents = 0;
  auto last_id = IndexDocumentsFrom(1, documents);
  if (!last_id.ok()) return last_id.status();
  batch.Put(Family(kMetaFamily), kSearchIndexedThroughKey, IdKey(*last_id));
  // The version last, synced: a build cut short is done again by the next open.
  batch.Put(
      Family(kMetaFamily), kFormatVersionKey,
      RocksDb::EncodeFormatVersion(kFormatVersion, RocksDb::VersionEncoding::kFixed32BigEndian));
  if (Status s = WriteBatch(batch, "cannot build the search index", true); !s.ok()) return s;
  spdlog::warn("data dir {}: search index built over {} documents", dir_, documents);
  // Each entry is now a stack of merge operands, one per batch of 256 documents (16 per block),
  // which every read would union again until RocksDB happens to compact them: once now (at 1M
  // documents, a search's posting walk was several times slower before). The index is complete
  // either way, so a failure is only logged.
  rocksdb::CompactRangeOptions compact;
  if (rocksdb::Status s = db_->CompactRange(compact, Family(kSearchFamily), nullptr, nullptr);
      !s.ok()) {
    spdlog::warn("data dir {}: cannot compact the rebuilt search index: {}", dir_, s.ToString());
  }
  return Status::Ok();
}

Status StoreDb::FinishRepair(const Store::RepairReport& report) {
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

}  // namespace kuzet::storage
