#include "storage/interrupted_creation.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

namespace kuzet::storage {

namespace fs = std::filesystem;

namespace {

// What RocksDB may have written before CURRENT (DBImpl::NewDB) or around it.
bool LeftByAnInterruptedCreation(const std::string& name) {
  return name == "LOCK" || name == "IDENTITY" || name == "MANIFEST-000001" ||
         name.rfind("LOG", 0) == 0 || name.ends_with(".dbtmp");
}

// Whether another live process holds RocksDB's lock on the directory (fcntl, as RocksDB's
// PosixEnv::LockFile takes it): then it is creating the database right now, not interrupted.
bool LockedByAnotherProcess(const fs::path& lock_file) {
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;  // no LOCK file: nobody can hold it
  struct flock probe = {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

}  // namespace

bool IsInterruptedCreation(const std::string& db_path) {
  std::error_code ec;
  if (!fs::is_directory(db_path, ec) || fs::exists(fs::path(db_path) / "CURRENT", ec)) {
    return false;
  }
  bool any = false;
  for (const auto& entry : fs::directory_iterator(db_path, ec)) {
    if (!entry.is_regular_file(ec) || !LeftByAnInterruptedCreation(entry.path().filename())) {
      return false;
    }
    any = true;
  }
  return any && !ec && !LockedByAnotherProcess(fs::path(db_path) / "LOCK");
}

Status ClearInterruptedCreation(const std::string& db_path) {
  if (!IsInterruptedCreation(db_path)) {
    return Status::InvalidArgument(db_path + ": not an interrupted creation; left as it is");
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(db_path, ec)) {
    fs::remove(entry.path(), ec);
    if (ec) return Status::IOError("cannot remove " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return Status::IOError("cannot list " + db_path + ": " + ec.message());
  spdlog::warn(
      "{}: a first start was interrupted before the database was complete (no CURRENT, "
      "nothing written); creating it afresh",
      db_path);
  return Status::Ok();
}

}  // namespace kuzet::storage
