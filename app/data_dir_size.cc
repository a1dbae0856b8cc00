#include "app/data_dir_size.h"

#include <filesystem>

namespace kuzet::app {

namespace fs = std::filesystem;

Result<uint64_t> DataDirBytes(const std::string& dir, size_t max_entries) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Status::IOError("cannot read " + dir + ": " + ec.message());
  uint64_t bytes = 0;
  size_t entries = 0;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (++entries > max_entries) {
      return Status::Unavailable(dir + ": more than " + std::to_string(max_entries) + " entries");
    }
    // A file removed since it was listed (a compaction) is skipped, not an error.
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec) || it->is_symlink(file_ec)) continue;
    uintmax_t size = it->file_size(file_ec);
    if (!file_ec) bytes += size;
  }
  if (ec) return Status::IOError("cannot read " + dir + ": " + ec.message());
  return bytes;
}

}  // namespace kuzet::app
