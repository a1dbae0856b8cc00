// One RocksDB database of Kuzet (the store, the crawl state): what both need around RocksDB, in
// one place. Opening with every column family on disk (also ones a newer format added, so that
// the format version, not RocksDB, explains a refusal), the write lock, a private directory for a
// read-only (secondary) instance, the format version record, and rocksdb::Status mapped to a
// base Status by its code, every message naming the database.
//
// The write lock is RocksDB's LOCK file. A failed read-write open is classified by trying that
// lock ourselves through the same Env (which also knows the locks this process holds), never by
// reading RocksDB's message text.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::storage {

class FaultMonitor;

class RocksDb {
 public:
  enum class Mode {
    kReadWrite,  // one process at a time: RocksDB's LOCK file
    kReadOnly,   // a RocksDB secondary instance beside the writer; CatchUp() to see its writes
  };

  struct Spec {
    std::string path;   // the RocksDB directory
    std::string label;  // how every message names the database: "data dir /srv/kuzet"
    std::string kind = "Kuzet database";      // what it is: "not a Kuzet store" when a family lacks
    std::string open_failed = "cannot open";  // what a failed open says first
    // What the owner's messages add (after RocksDB's words) for a held write lock, a damaged
    // database and a full disk.
    std::string lock_hint = "another kuzet process holds it read-write";
    std::string corruption_hint = "the database is damaged";
    std::string no_space_hint = "the disk is full: writing is paused until space returns";
    // Families that must exist once open (created by a read-write open; "default" is implied).
    std::vector<std::string> families;
    // Of those, the ones a read-only open accepts missing (a store written by an older version).
    std::vector<std::string> optional_when_read_only;
  };

  // Opens `spec.path` with `options` (kReadWrite: create_if_missing and the families are set
  // here). `family_options(name)` gives each family's options. `faults`, when given, records the
  // fault of every error mapped by Error once open.
  static Result<std::unique_ptr<RocksDb>> Open(
      const Spec& spec, Mode mode, rocksdb::Options options,
      const std::function<rocksdb::ColumnFamilyOptions(const std::string&)>& family_options,
      std::shared_ptr<FaultMonitor> faults = nullptr);
  ~RocksDb();  // closes the database and removes a secondary's private directory
  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  rocksdb::DB* db() const { return db_; }
  Mode mode() const { return mode_; }
  const std::string& label() const { return spec_.label; }
  // The open family `name`; nullptr when absent (only an optional_when_read_only family).
  rocksdb::ColumnFamilyHandle* Family(std::string_view name) const;
  const std::vector<rocksdb::ColumnFamilyHandle*>& families() const { return handles_; }

  // The version record `key` of `family` in the encoding given: nullopt when absent;
  // Corruption when malformed or 0; InvalidArgument ("use a newer kuzet") when above `known`.
  enum class VersionEncoding { kFixed32BigEndian, kDecimal };
  Result<std::optional<uint32_t>> FormatVersion(std::string_view family, std::string_view key,
                                                VersionEncoding encoding, uint32_t known) const;
  static std::string EncodeFormatVersion(uint32_t version, VersionEncoding encoding);

  // kReadOnly: catches up with the writer (RocksDB's TryCatchUpWithPrimary). kReadWrite: nothing.
  Status CatchUp();

  // `s` as a Status whose message starts with the label and `what`, classified by its code:
  // NoSpace and other I/O errors -> IOError, Corruption -> Corruption, Busy/TryAgain/TimedOut ->
  // Unavailable, anything else -> IOError.
  Status Error(const rocksdb::Status& s, std::string_view what) const;
  // A failure of our own (not RocksDB's), named the same way.
  Status Error(Status::Code code, std::string_view what) const;

 private:
  RocksDb(Spec spec, Mode mode, std::shared_ptr<FaultMonitor> faults);
  // Whether another holder (a process, or an open in this one) has the write lock of `path`.
  static bool LockIsHeld(rocksdb::Env* env, const std::string& path);

  const Spec spec_;
  const Mode mode_;
  std::shared_ptr<FaultMonitor> faults_;
  std::string secondary_path_;  // kReadOnly: RocksDB's private directory, removed on close
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> by_name_;
};

}  // namespace kuzet::storage
