#include "bench/work_dir.h"

#include <fstream>
#include <string>
#include <system_error>

namespace kuzet::bench {

namespace fs = std::filesystem;

namespace {

bool IsMarked(const fs::path& dir) {
  std::error_code ec;
  return fs::symlink_status(dir / kWorkDirMarker, ec).type() == fs::file_type::regular;
}

}  // namespace

Status CheckWorkDir(const fs::path& dir) {
  std::error_code ec;
  const fs::file_type type = fs::symlink_status(dir, ec).type();
  if (ec && type != fs::file_type::not_found) {
    return Status::IOError(dir.string() + ": " + ec.message());
  }
  if (type != fs::file_type::directory || !IsMarked(dir)) {
    return Status::InvalidArgument(dir.string() + ": not a benchmark's work directory (no " +
                                   kWorkDirMarker + ")");
  }
  return Status::Ok();
}

Status ClaimWorkDir(const fs::path& dir) {
  std::error_code ec;
  const fs::file_type type = fs::symlink_status(dir, ec).type();
  // A path it cannot even look at is the file system's error, not "exists and is not a directory".
  if (ec && type != fs::file_type::not_found) {
    return Status::IOError(dir.string() + ": " + ec.message());
  }
  if (type == fs::file_type::directory) {
    const bool empty = fs::is_empty(dir, ec);
    if (ec) return Status::IOError(dir.string() + ": " + ec.message());
    if (!empty && !IsMarked(dir)) {
      return Status::InvalidArgument(
          dir.string() + ": not empty and not a benchmark's work directory (no " + kWorkDirMarker +
          "): refusing to delete it; name a new or empty directory");
    }
    fs::remove_all(dir, ec);
    if (ec) return Status::IOError(dir.string() + ": " + ec.message());
  } else if (type != fs::file_type::not_found) {
    return Status::InvalidArgument(dir.string() +
                                   ": exists and is not a directory: refusing to use it");
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(dir.string() + ": " + ec.message());
  std::ofstream marker(dir / kWorkDirMarker);
  marker << "A Kuzet benchmark's work directory: the next run deletes everything in it.\n";
  marker.close();
  if (!marker) return Status::IOError((dir / kWorkDirMarker).string() + ": cannot write");
  return Status::Ok();
}

}  // namespace kuzet::bench
