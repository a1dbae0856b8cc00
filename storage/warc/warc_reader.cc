#include "storage/warc/warc_reader.h"

#include <cerrno>
#include <cstring>

#include "storage/warc/gzip_member.h"

namespace kuzet::storage::warc {
namespace {

Result<StoredWarcRecord> ReadMember(std::FILE* file, const std::filesystem::path& path,
                                    uint64_t offset, uint64_t max_record_bytes) {
  Result<InflatedMember> member = InflateMemberAt(file, path.string(), offset, max_record_bytes);
  if (!member.ok()) return member.status();
  Result<WarcRecord> record = ParseWarcRecord(member->data);
  if (!record.ok()) {
    return Status::Corruption(record.status().message() + " in " + path.string() + " at offset " +
                              std::to_string(offset));
  }
  return StoredWarcRecord{std::move(*record), offset, member->compressed_length};
}

Result<std::FILE*> OpenForReading(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const std::string message =
        "cannot open WARC file " + path.string() + ": " + std::strerror(errno);
    return errno == ENOENT ? Status::NotFound(message) : Status::IOError(message);
  }
  return file;
}

}  // namespace

Result<StoredWarcRecord> ReadWarcRecordAt(const std::filesystem::path& path, uint64_t offset,
                                          uint64_t max_record_bytes) {
  Result<std::FILE*> file = OpenForReading(path);
  if (!file.ok()) return file.status();
  Result<StoredWarcRecord> record = ReadMember(*file, path, offset, max_record_bytes);
  std::fclose(*file);
  return record;
}

Result<std::unique_ptr<WarcFileReader>> WarcFileReader::Open(const std::filesystem::path& path,
                                                             uint64_t max_record_bytes) {
  std::error_code error;
  const uint64_t size = std::filesystem::file_size(path, error);
  if (error) {
    return Status::NotFound("cannot read the size of WARC file " + path.string() + ": " +
                            error.message());
  }
  Result<std::FILE*> file = OpenForReading(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WarcFileReader>(new WarcFileReader(*file, path, size, max_record_bytes));
}

WarcFileReader::WarcFileReader(std::FILE* file, std::filesystem::path path, uint64_t size,
                               uint64_t max_record_bytes)
    : file_(file), path_(std::move(path)), size_(size), max_record_bytes_(max_record_bytes) {}

WarcFileReader::~WarcFileReader() { std::fclose(file_); }

Result<std::optional<StoredWarcRecord>> WarcFileReader::Next() {
  if (offset_ >= size_) return std::optional<StoredWarcRecord>();
  Result<StoredWarcRecord> record = ReadMember(file_, path_, offset_, max_record_bytes_);
  if (!record.ok()) return record.status();
  offset_ += record->length;
  return std::optional<StoredWarcRecord>(std::move(*record));
}

}  // namespace kuzet::storage::warc
