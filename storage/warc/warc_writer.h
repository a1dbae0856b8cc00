// Writes WARC records to files in one directory (ISO 28500:2017, WARC 1.1): each record its own
// gzip member (Annex D.2), each file opened by a warcinfo record (§6.2) and rotated by size.
// Append says where each record is (file, offset, length); those locations may be recorded in the
// caller's own store only after a Sync() (or a Write, which is both) succeeded, so the store never
// points at a record a crash lost. Appending many and syncing once is the evidence archive's one
// fsync per stored group (issue #20).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/warc/gzip_member.h"
#include "storage/warc/precompressed_record.h"
#include "storage/warc/warc_record.h"

namespace kuzet::storage::warc {

struct WarcWriterOptions {
  std::filesystem::path directory;  // must exist
  // A file is closed and the next one started when a write would take it past this size. One
  // Write() never spans files and a record is never split, so a group larger than this still goes
  // whole into a fresh file.
  uint64_t max_file_bytes = uint64_t{1} << 30;  // 1 GiB, the size of WARC 1.1 Annex C's examples
  std::string software = "Kuzet";               // for the warcinfo record
  // The clock of file names and warcinfo dates, in Unix microseconds.
  std::function<int64_t()> now_micros;
  // fsync(2) of the files and the directory: the default is ::fsync; a test counts the syncs or
  // injects a failure here.
  std::function<int(int fd)> fsync;
  // What compresses the records appended built and each file's warcinfo: default zlib
  // (DeflateCompressor); a test counts the calls here.
  std::shared_ptr<const Compressor> compressor;
};

// A record to append: built, which the writer compresses, or compressed ahead, which it does not
// (precompressed_record.h). Exactly one of the two is set.
struct PendingRecord {
  const WarcRecord* built = nullptr;
  const PrecompressedRecord* precompressed = nullptr;
};

// Where a record is: the member [offset, offset + length) of directory/file.
struct WarcLocation {
  std::string file;  // the file name, without the directory
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Not thread-safe: one thread writes at a time (the pipeline's evidence stage owns the writer).
class WarcWriter {
 public:
  // InvalidArgument for a directory that does not exist or a max_file_bytes of 0.
  static Result<std::unique_ptr<WarcWriter>> Open(WarcWriterOptions options);
  ~WarcWriter();
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  // Appends `records`, in order, to the current file (starting a new one first if they would not
  // fit: the file left is synced first) and returns one location per record, durable only after
  // the next successful Sync(). Every record gets WARC-Warcinfo-ID (§5.16) naming its file's
  // warcinfo record (replacing any it had). On a failed write the file is cut back to where it
  // was, so it never ends in a partial member, and the next append starts a new file.
  Result<std::vector<WarcLocation>> Append(std::span<const WarcRecord> records);
  // The same for records some of which are compressed ahead: those cost the writer no
  // compression, also when the group moves to a new file.
  Result<std::vector<WarcLocation>> Append(std::span<const PendingRecord> records);

  // Makes every record appended so far durable: one fsync of the current file, none when nothing
  // was appended since the last. On failure the file is cut back to its last synced size (the
  // records appended since are gone: their locations must not be stored) and the next append
  // starts a new file.
  Status Sync();

  // Append, then Sync.
  Result<std::vector<WarcLocation>> Write(std::span<const WarcRecord> records);

  // The name of the file being written, "" before the first write.
  const std::string& current_file() const { return file_name_; }

 private:
  explicit WarcWriter(WarcWriterOptions options);
  Status StartFile();
  void CloseFile();
  // Truncates the file to `size` bytes and closes it; a failure to is added to `status`.
  void CutBack(uint64_t size, Status& status);
  // The gzip members of `records`, each with the current file's WARC-Warcinfo-ID, one after the
  // other; their lengths go to member_lengths_.
  Result<std::string> CompressForCurrentFile(std::span<const PendingRecord> records);

  WarcWriterOptions options_;
  int fd_ = -1;
  std::string file_name_;
  std::string warcinfo_id_;
  uint64_t file_size_ = 0;
  uint64_t synced_size_ = 0;    // the part of file_size_ known durable
  uint64_t warcinfo_size_ = 0;  // a file holding no more than this has nothing but its warcinfo
  uint32_t serial_ = 0;
  std::vector<uint64_t> member_lengths_;
};

// "kuzet-YYYYMMDDhhmmssffffff-NNNNN.warc.gz": UTC time to the microsecond and the writer's serial
// number, so names sort by time and two writers never pick the same one (Annex D.3: the
// ".warc.gz" suffix of record-at-a-time compressed files).
std::string WarcFileName(int64_t unix_micros, uint32_t serial);

}  // namespace kuzet::storage::warc
