#include "storage/fault_monitor.h"

#include <spdlog/spdlog.h>

namespace kuzet::storage {

void FaultMonitor::Record(const rocksdb::Status& s, const std::string& what) {
  StorageFault fault;
  if (s.IsNoSpace()) {
    fault = {StorageFault::Kind::kDiskFull,
             "disk full at " + path_ + ": writing paused, will resume when space returns (" + what +
                 ": " + s.ToString() + ")"};
  } else if (s.IsCorruption() || s.IsIOError()) {
    fault = {StorageFault::Kind::kFatal, path_ + ": " + what + ": " + s.ToString()};
  } else {
    return;
  }
  std::lock_guard lock(mutex_);
  if (fault_.kind == StorageFault::Kind::kFatal) return;  // the first fatal fault is the cause
  if (fault_.kind == fault.kind) return;  // keep the first message of a disk-full spell
  fault_ = std::move(fault);
}

StorageFault FaultMonitor::Current() const {
  std::lock_guard lock(mutex_);
  return fault_;
}

StorageFault FaultMonitor::TryResume(rocksdb::DB* db) {
  if (Current().kind != StorageFault::Kind::kDiskFull) return Current();
  rocksdb::Status s = db->Resume();
  std::lock_guard lock(mutex_);
  if (fault_.kind != StorageFault::Kind::kDiskFull) return fault_;  // turned fatal meanwhile
  if (s.ok()) {
    fault_ = StorageFault{};
  } else if (!s.IsNoSpace() && !s.IsBusy() && !s.IsIncomplete()) {
    fault_ = {StorageFault::Kind::kFatal, path_ + ": cannot resume writing: " + s.ToString()};
  }
  return fault_;
}

void FaultMonitor::OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                                     rocksdb::Status* error) {
  if (error == nullptr || error->ok()) return;
  const char* what = "a background write";
  switch (reason) {
    case rocksdb::BackgroundErrorReason::kFlush:
      what = "a memtable flush";
      break;
    case rocksdb::BackgroundErrorReason::kCompaction:
      what = "a compaction";
      break;
    case rocksdb::BackgroundErrorReason::kWriteCallback:
      what = "a write";
      break;
    case rocksdb::BackgroundErrorReason::kMemTable:
      what = "a memtable insert";
      break;
    default:
      break;
  }
  Record(*error, what);
}

void FaultMonitor::OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/,
                                        rocksdb::Status /*error*/, bool* auto_recovery) {
  *auto_recovery = false;
}

}  // namespace kuzet::storage
