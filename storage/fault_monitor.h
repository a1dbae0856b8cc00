// Tracks the write faults of one RocksDB database (storage_fault.h) for its owner, which shares it
// between its own write paths and RocksDB's background threads (it is also a RocksDB
// EventListener). Thread-safe.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include <mutex>
#include <string>

#include "storage/storage_fault.h"

namespace kuzet::storage {

class FaultMonitor : public rocksdb::EventListener {
 public:
  // `path`: the database directory, named in every message.
  explicit FaultMonitor(std::string path) : path_(std::move(path)) {}

  const char* Name() const override { return "kuzet.FaultMonitor"; }

  // A failed operation (`what` failed with `s`). NoSpace is a full disk; Corruption and IOError
  // are fatal; other codes (Busy, TryAgain, NotFound, InvalidArgument) say nothing about the
  // database's health and are ignored. A fatal fault is never replaced by a full disk.
  void Record(const rocksdb::Status& s, const std::string& what);

  StorageFault Current() const;

  // kDiskFull: DB::Resume(); the fault clears when it succeeds. Returns the fault that remains.
  StorageFault TryResume(rocksdb::DB* db);

  // RocksDB's callbacks: a failed flush, compaction or write.
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;
  // RocksDB would retry on its own when the error is a full disk; in RocksDB 7.8 that retry did
  // not finish within 30 s after space returned (it waits for a reserve the size of the
  // memtables), and while it runs DB::Resume() answers Busy. The owner resumes instead.
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason, rocksdb::Status error,
                            bool* auto_recovery) override;

 private:
  const std::string path_;
  mutable std::mutex mutex_;
  StorageFault fault_;
};

}  // namespace kuzet::storage
