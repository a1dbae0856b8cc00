#include "storage/rocks_db.h"

#include <rocksdb/env.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "storage/fault_monitor.h"

namespace kuzet::storage {

namespace fs = std::filesystem;

RocksDb::RocksDb(Spec spec, Mode mode, std::shared_ptr<FaultMonitor> faults)
    : spec_(std::move(spec)), mode_(mode), faults_(std::move(faults)) {}

RocksDb::~RocksDb() {
  if (db_ != nullptr) {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
    db_->Close().PermitUncheckedError();
    delete db_;
  }
  if (!secondary_path_.empty()) {
    std::error_code ec;
    fs::remove_all(secondary_path_, ec);
  }
}

bool RocksDb::LockIsHeld(rocksdb::Env* env, const std::string& path) {
  // RocksDB's Env keeps the locks this process holds, and asks the kernel (fcntl) about the
  // others: the same check DB::Open made. Taken and released at once when free.
  rocksdb::FileLock* lock = nullptr;
  rocksdb::Status s = env->LockFile((fs::path(path) / "LOCK").string(), &lock);
  if (!s.ok()) return true;
  env->UnlockFile(lock).PermitUncheckedError();
  return false;
}

Result<std::unique_ptr<RocksDb>> RocksDb::Open(
    const Spec& spec, Mode mode, rocksdb::Options options,
    const std::function<rocksdb::ColumnFamilyOptions(const std::string&)>& family_options,
    std::shared_ptr<FaultMonitor> faults) {
  std::unique_ptr<RocksDb> rocks(new RocksDb(spec, mode, std::move(faults)));
  std::error_code ec;
  const bool exists = fs::exists(fs::path(spec.path) / "CURRENT", ec);
  options.create_if_missing = mode == Mode::kReadWrite;
  options.create_missing_column_families = mode == Mode::kReadWrite;
  // A secondary never counts as "opened successfully" inside RocksDB (7.8 up to today's
  // OpenAsSecondary leaves the flag unset), so handing a dropped view to the purge thread, which
  // avoid_unnecessary_blocking_io does, trips an assertion that Debian's build keeps on: the
  // process aborts when a query releases a view older than a catch-up. A reader frees it itself.
  if (mode == Mode::kReadOnly) options.avoid_unnecessary_blocking_io = false;

  // Every family on disk is opened: a newer format may have added some, and those are opened too
  // so that the owner's format-version check, not RocksDB, explains the refusal.
  std::vector<std::string> names{rocksdb::kDefaultColumnFamilyName};
  for (const std::string& name : spec.families) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (exists) {
    std::vector<std::string> on_disk;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, spec.path, &on_disk);
    if (!s.ok()) return rocks->Error(s, spec.open_failed);
    if (mode == Mode::kReadOnly) names.clear();  // a secondary cannot create families
    for (const std::string& name : on_disk) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, family_options(name));

  rocksdb::Status s;
  if (mode == Mode::kReadWrite) {
    s = rocksdb::DB::Open(options, spec.path, descriptors, &rocks->handles_, &rocks->db_);
    if (s.IsIOError() && !s.IsNoSpace() && exists) {
      rocksdb::Env* env = options.env != nullptr ? options.env : rocksdb::Env::Default();
      if (LockIsHeld(env, spec.path)) {
        return Status::Unavailable(spec.label + ": " + spec.open_failed + ": the write lock " +
                                   (fs::path(spec.path) / "LOCK").string() + " is held (" +
                                   spec.lock_hint + ")");
      }
    }
  } else {
    // A secondary needs a private directory of its own; the database's may not be writable.
    std::string path = (fs::temp_directory_path(ec) / "kuzet-secondary-XXXXXX").string();
    if (mkdtemp(path.data()) == nullptr) {
      return rocks->Error(Status::Code::kIOError,
                          "cannot create a directory for the read-only instance under " +
                              fs::temp_directory_path(ec).string());
    }
    rocks->secondary_path_ = path;
    s = rocksdb::DB::OpenAsSecondary(options, spec.path, path, descriptors, &rocks->handles_,
                                     &rocks->db_);
  }
  if (!s.ok()) {
    rocks->db_ = nullptr;  // RocksDB leaves it null on failure; handles are not returned
    rocks->handles_.clear();
    return rocks->Error(s, spec.open_failed);
  }
  for (rocksdb::ColumnFamilyHandle* handle : rocks->handles_) {
    rocks->by_name_[handle->GetName()] = handle;
  }
  for (const std::string& name : spec.families) {
    if (rocks->by_name_.contains(name)) continue;
    const bool optional =
        mode == Mode::kReadOnly &&
        std::find(spec.optional_when_read_only.begin(), spec.optional_when_read_only.end(), name) !=
            spec.optional_when_read_only.end();
    if (!optional) {
      return rocks->Error(Status::Code::kCorruption,
                          "column family " + name + " is missing: not a " + spec.kind);
    }
  }
  return rocks;
}

rocksdb::ColumnFamilyHandle* RocksDb::Family(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Result<std::optional<uint32_t>> RocksDb::FormatVersion(std::string_view family,
                                                       std::string_view key,
                                                       VersionEncoding encoding,
                                                       uint32_t known) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Family(family), key, &value);
  if (s.IsNotFound()) return std::optional<uint32_t>();
  if (!s.ok()) return Error(s, "cannot read the format version");
  uint64_t found = 0;
  bool well_formed = false;
  if (encoding == VersionEncoding::kFixed32BigEndian) {
    well_formed = value.size() == 4;
    for (char c : value) found = (found << 8) | static_cast<uint8_t>(c);
  } else {
    well_formed =
        !value.empty() && value.size() <= 9 &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    for (char c : value) found = found * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!well_formed) return Error(Status::Code::kCorruption, "format version record is malformed");
  if (found == 0) return Error(Status::Code::kCorruption, "format version 0 is not valid");
  if (found > known) {
    return Error(Status::Code::kInvalidArgument, "it has format version " + std::to_string(found) +
                                                     ", newer than this kuzet understands (" +
                                                     std::to_string(known) +
                                                     "): use a newer kuzet");
  }
  return std::optional<uint32_t>(static_cast<uint32_t>(found));
}

std::string RocksDb::EncodeFormatVersion(uint32_t version, VersionEncoding encoding) {
  if (encoding == VersionEncoding::kDecimal) return std::to_string(version);
  std::string encoded;
  for (int shift = 24; shift >= 0; shift -= 8)
    encoded.push_back(static_cast<char>(version >> shift));
  return encoded;
}

Status RocksDb::CatchUp() {
  if (mode_ != Mode::kReadOnly) return Status::Ok();
  rocksdb::Status s = db_->TryCatchUpWithPrimary();
  return s.ok() ? Status::Ok() : Error(s, "cannot catch up with the writing process");
}

Status RocksDb::Error(const rocksdb::Status& s, std::string_view what) const {
  std::string message = spec_.label + ": " + std::string(what) + ": " + s.ToString();
  if (db_ != nullptr && faults_ != nullptr) faults_->Record(s, std::string(what));
  if (s.IsNoSpace()) {
    return Status::IOError(message + " (" +
                           (db_ != nullptr ? spec_.no_space_hint
                                           : "the disk is full: free some space, then try again; "
                                             "nothing stored is lost") +
                           ")");
  }
  if (s.IsCorruption()) return Status::Corruption(message + " (" + spec_.corruption_hint + ")");
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return Status::Unavailable(message);
  return Status::IOError(message);
}

Status RocksDb::Error(Status::Code code, std::string_view what) const {
  return Status::FromCode(code, spec_.label + ": " + std::string(what));
}

}  // namespace kuzet::storage
