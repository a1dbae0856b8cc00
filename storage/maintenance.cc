#include "storage/maintenance.h"

#include <rocksdb/db.h>

#include <chrono>
#include <thread>

#include "storage/records.h"
#include "storage/store_db.h"

namespace kuzet::storage {

namespace {

// Retention and compaction over the store's database.
class MaintenanceSteps {
 public:
  explicit MaintenanceSteps(StoreDb& store) : store_(store) {}

  Result<RetentionResult> DropTextOlderThan(int64_t cutoff_us);
  Result<EvidenceRetentionResult> DropEvidenceOlderThan(int64_t cutoff_us);
  Status Compact();
  Status WaitForBackgroundWork(int64_t timeout_ms);

 private:
  StoreDb& store_;
};

Result<RetentionResult> MaintenanceSteps::DropTextOlderThan(int64_t cutoff_us) {
  const std::string what = "cannot drop old texts";
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  RetentionResult result;
  {
    std::lock_guard<std::mutex> lock(store_.write_mutex());
    // Retention runs rarely and must look at every document: one pass over `docs`, rewriting
    // the old ones in batches of 1,000.
    rocksdb::WriteBatch batch;
    std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator({}, store_.Family(kDocsFamily)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++result.documents_examined;
      Document doc;
      if (!DecodeDocument(it->value().ToStringView(), doc)) {
        return store_.Error(Status::Code::kCorruption, "document record is malformed");
      }
      if (doc.fetched_at_us >= cutoff_us || doc.text.empty()) continue;
      doc.text.clear();
      doc.token_checkpoints.clear();  // they point into the text (FORMAT.md, Document)
      batch.Put(store_.Family(kDocsFamily), it->key(), EncodeDocument(doc));
      ++result.texts_dropped;
      if (batch.Count() >= 1000) {
        if (Status s = store_.WriteBatch(batch, what, false); !s.ok()) return s;
        batch.Clear();
      }
    }
    if (!it->status().ok()) return store_.Error(it->status(), "cannot read the documents");
    if (batch.Count() > 0) {
      if (Status s = store_.WriteBatch(batch, what, false); !s.ok()) return s;
    }
  }
  if (Status s = Compact(); !s.ok()) return s;
  return result;
}

Result<EvidenceRetentionResult> MaintenanceSteps::DropEvidenceOlderThan(int64_t cutoff_us) {
  const std::string what = "cannot drop old evidence";
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  EvidenceRetentionResult result;
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  rocksdb::ColumnFamilyHandle* family = store_.Family(kEvidenceFamily);
  // Two passes over the captures: the payloads kept revisits need, then the drops.
  std::set<std::string> needed_payloads;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator({}, family));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    EvidenceCapture capture;
    if (!DecodeEvidenceCapture(it->value().ToStringView(), capture)) {
      return store_.Error(Status::Code::kCorruption, "evidence capture is malformed");
    }
    if (capture.fetched_at_us >= cutoff_us && capture.revisit) {
      needed_payloads.insert(capture.payload_record_id);
    }
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the evidence captures");
  rocksdb::WriteBatch batch;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++result.captures_examined;
    EvidenceCapture capture;
    if (!DecodeEvidenceCapture(it->value().ToStringView(), capture)) {
      return store_.Error(Status::Code::kCorruption, "evidence capture is malformed");
    }
    const bool keep = capture.fetched_at_us >= cutoff_us ||
                      (!capture.revisit && needed_payloads.contains(capture.payload_record_id));
    if (keep) {
      for (const EvidenceLocation& l : capture.records) result.files_in_use.insert(l.file);
      continue;
    }
    batch.Delete(family, it->key());
    ++result.captures_dropped;
    if (batch.Count() >= 1000) {
      if (Status s = store_.WriteBatch(batch, what, true); !s.ok()) return s;
      batch.Clear();
    }
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the evidence captures");
  // Synced: the caller deletes files once this returns, and a capture must never outlive them.
  if (batch.Count() > 0) {
    if (Status s = store_.WriteBatch(batch, what, true); !s.ok()) return s;
  }
  return result;
}

Status MaintenanceSteps::Compact() {
  if (Status s = store_.RequireWritable("cannot compact"); !s.ok()) return s;
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* handle : store_.families()) {
    rocksdb::Status s = store_.db()->CompactRange(options, handle, nullptr, nullptr);
    if (!s.ok()) return store_.Error(s, "cannot compact " + handle->GetName());
  }
  return Status::Ok();
}

Status MaintenanceSteps::WaitForBackgroundWork(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    uint64_t busy = 0, value = 0;
    for (const auto& property : {rocksdb::DB::Properties::kNumRunningFlushes,
                                 rocksdb::DB::Properties::kNumRunningCompactions,
                                 rocksdb::DB::Properties::kCompactionPending,
                                 rocksdb::DB::Properties::kMemTableFlushPending}) {
      for (rocksdb::ColumnFamilyHandle* handle : store_.families()) {
        if (store_.db()->GetIntProperty(handle, property, &value)) busy += value;
      }
    }
    if (busy == 0) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return store_.Error(Status::Code::kUnavailable,
                          "background work still running after the timeout");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

Result<RetentionResult> Maintenance::DropTextOlderThan(int64_t cutoff_us) {
  return Guard(db_.dir(), [&] { return MaintenanceSteps(db_).DropTextOlderThan(cutoff_us); });
}

Result<EvidenceRetentionResult> Maintenance::DropEvidenceOlderThan(int64_t cutoff_us) {
  return Guard(db_.dir(), [&] { return MaintenanceSteps(db_).DropEvidenceOlderThan(cutoff_us); });
}

Status Maintenance::Compact() {
  return Guard(db_.dir(), [&] { return MaintenanceSteps(db_).Compact(); });
}

Status Maintenance::WaitForBackgroundWork(int64_t timeout_ms) {
  return Guard(db_.dir(), [&] { return MaintenanceSteps(db_).WaitForBackgroundWork(timeout_ms); });
}

}  // namespace kuzet::storage
