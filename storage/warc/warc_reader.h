// Reads WARC records back from the files warc_writer.h writes (and from any WARC 1.0/1.1 file
// compressed one record per gzip member): one record at a known (file, offset), or every record
// of a file in order. All input is treated as hostile: sizes are bounded, damage is a Status.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "storage/warc/warc_record.h"

namespace kuzet::storage::warc {

// The largest record (header and block, uncompressed) a reader accepts.
inline constexpr uint64_t kDefaultMaxRecordBytes = uint64_t{256} << 20;  // 256 MiB

// A record and the gzip member it was read from.
struct StoredWarcRecord {
  WarcRecord record;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// The record whose gzip member starts at `offset` of `path`. NotFound for a missing file,
// Corruption (naming file and offset) for a damaged member or record.
Result<StoredWarcRecord> ReadWarcRecordAt(const std::filesystem::path& path, uint64_t offset,
                                          uint64_t max_record_bytes = kDefaultMaxRecordBytes);

// Every record of one file, in order.
class WarcFileReader {
 public:
  static Result<std::unique_ptr<WarcFileReader>> Open(
      const std::filesystem::path& path, uint64_t max_record_bytes = kDefaultMaxRecordBytes);
  ~WarcFileReader();
  WarcFileReader(const WarcFileReader&) = delete;
  WarcFileReader& operator=(const WarcFileReader&) = delete;

  // The next record, std::nullopt at the end of the file, or the Status of the first damage met
  // (after which the reader stays at that offset: a damaged member has no reliable end).
  Result<std::optional<StoredWarcRecord>> Next();

 private:
  WarcFileReader(std::FILE* file, std::filesystem::path path, uint64_t size,
                 uint64_t max_record_bytes);

  std::FILE* file_;
  std::filesystem::path path_;
  uint64_t size_;
  uint64_t max_record_bytes_;
  uint64_t offset_ = 0;
};

}  // namespace kuzet::storage::warc
