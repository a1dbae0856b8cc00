#include "storage/warc/warc_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/strings.h"
#include "base/time.h"
#include "storage/warc/capture_records.h"
#include "storage/warc/gzip_member.h"

namespace kuzet::storage::warc {
namespace {

// O_EXCL tries before giving up on a free file name (each try bumps the serial).
constexpr int kMaxNameTries = 1000;

std::string ErrnoText(int error) { return std::strerror(error); }

// write() until every byte is down or it fails; EINTR is retried.
Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot write WARC file " + path + ": " + ErrnoText(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SyncDirectory(const std::filesystem::path& directory, const std::function<int(int)>& fsync) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IOError("cannot open WARC directory " + directory.string() + ": " +
                           ErrnoText(errno));
  }
  const int rc = fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) {
    return Status::IOError("cannot fsync WARC directory " + directory.string() + ": " +
                           ErrnoText(error));
  }
  return Status::Ok();
}

}  // namespace

std::string WarcFileName(int64_t unix_micros, uint32_t serial) {
  const std::string date = FormatWarcDate(unix_micros);  // YYYY-MM-DDThh:mm:ss.ffffffZ
  std::string compact;
  for (char c : date) {
    if (c >= '0' && c <= '9') compact.push_back(c);
  }
  std::array<char, 16> number;
  std::snprintf(number.data(), number.size(), "%05u", serial);
  return "kuzet-" + compact + "-" + number.data() + ".warc.gz";
}

Result<std::unique_ptr<WarcWriter>> WarcWriter::Open(WarcWriterOptions options) {
  std::error_code error;
  if (!std::filesystem::is_directory(options.directory, error)) {
    return Status::InvalidArgument("WARC directory does not exist: " + options.directory.string());
  }
  if (options.max_file_bytes == 0) {
    return Status::InvalidArgument("WARC max_file_bytes must be above 0");
  }
  if (!options.now_micros) options.now_micros = base::NowMicros;
  if (!options.fsync) options.fsync = ::fsync;
  if (!options.compressor) options.compressor = std::make_shared<DeflateCompressor>();
  return std::unique_ptr<WarcWriter>(new WarcWriter(std::move(options)));
}

WarcWriter::WarcWriter(WarcWriterOptions options) : options_(std::move(options)) {}

WarcWriter::~WarcWriter() { CloseFile(); }

void WarcWriter::CloseFile() {
  // Records appended since the last Sync are left to the kernel: no stored location names them.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  file_name_.clear();
  warcinfo_id_.clear();
  file_size_ = 0;
  synced_size_ = 0;
  warcinfo_size_ = 0;
}

Status WarcWriter::StartFile() {
  CloseFile();
  const int64_t now = options_.now_micros();
  std::string name;
  std::filesystem::path path;
  for (int tries = 0; fd_ < 0; ++tries) {
    name = WarcFileName(now, serial_++);
    path = options_.directory / name;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0 && (errno != EEXIST || tries + 1 >= kMaxNameTries)) {
      return Status::IOError("cannot create WARC file " + path.string() + ": " + ErrnoText(errno));
    }
  }
  Result<WarcRecord> info = MakeWarcinfoRecord(name, now, options_.software);
  Result<std::string> member = info.ok() ? options_.compressor->Gzip(SerializeWarcRecord(*info))
                                         : Result<std::string>(info.status());
  Status status = member.ok() ? WriteAll(fd_, *member, path.string()) : member.status();
  if (status.ok() && options_.fsync(fd_) != 0) {
    status = Status::IOError("cannot fsync WARC file " + path.string() + ": " + ErrnoText(errno));
  }
  // The new name must survive a crash too, or the offsets recorded for it would point nowhere.
  if (status.ok()) status = SyncDirectory(options_.directory, options_.fsync);
  if (!status.ok()) {
    CloseFile();
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // an empty or partial file holds no record
    return status;
  }
  file_name_ = name;
  warcinfo_id_ = std::string(*info->Field("WARC-Record-ID"));
  file_size_ = member->size();
  synced_size_ = file_size_;
  warcinfo_size_ = file_size_;
  return Status::Ok();
}

Result<std::vector<WarcLocation>> WarcWriter::Write(std::span<const WarcRecord> records) {
  auto locations = Append(records);
  if (!locations.ok()) return locations;
  if (Status s = Sync(); !s.ok()) return s;
  return locations;
}

Result<std::vector<WarcLocation>> WarcWriter::Append(std::span<const WarcRecord> records) {
  std::vector<PendingRecord> pending;
  pending.reserve(records.size());
  for (const WarcRecord& record : records) pending.push_back({&record, nullptr});
  return Append(std::span<const PendingRecord>(pending));
}

Result<std::vector<WarcLocation>> WarcWriter::Append(std::span<const PendingRecord> records) {
  for (const PendingRecord& record : records) {
    if ((record.built == nullptr) == (record.precompressed == nullptr)) {
      return Status::InvalidArgument("a pending WARC record must be built or precompressed");
    }
  }
  if (records.empty()) return std::vector<WarcLocation>{};
  if (fd_ < 0) {
    if (Status s = StartFile(); !s.ok()) return s;
  }
  Result<std::string> bytes = CompressForCurrentFile(records);
  if (!bytes.ok()) return bytes.status();
  // Rotation is decided on the true compressed size; only a group that does not fit is
  // compressed a second time, for the WARC-Warcinfo-ID of the new file (its records compressed
  // ahead are only spliced again).
  if (file_size_ > warcinfo_size_ && file_size_ + bytes->size() > options_.max_file_bytes) {
    // The file left may hold records appended since the last Sync, whose locations the caller
    // already has: they must be durable before the caller's next Sync, which syncs only the new
    // file.
    if (Status s = Sync(); !s.ok()) return s;
    if (Status s = StartFile(); !s.ok()) return s;
    bytes = CompressForCurrentFile(records);
    if (!bytes.ok()) return bytes.status();
  }

  std::vector<WarcLocation> locations;
  locations.reserve(records.size());
  uint64_t offset = file_size_;
  for (uint64_t length : member_lengths_) {
    locations.push_back({file_name_, offset, length});
    offset += length;
  }

  const std::string path = (options_.directory / file_name_).string();
  if (Status status = WriteAll(fd_, *bytes, path); !status.ok()) {
    // Cut off whatever part of the group reached the file, so it still ends on a member boundary,
    // and leave the file: the next write starts a new one rather than trust this descriptor.
    CutBack(file_size_, status);
    return status;
  }
  file_size_ += bytes->size();
  return locations;
}

Status WarcWriter::Sync() {
  if (fd_ < 0 || synced_size_ == file_size_) return Status::Ok();
  const std::string path = (options_.directory / file_name_).string();
  if (options_.fsync(fd_) != 0) {
    // What the failed fsync left of the unsynced tail is unknown (the kernel may have dropped the
    // dirty pages): cut it off, so the file ends on the last member known durable.
    Status status = Status::IOError("cannot fsync WARC file " + path + ": " + ErrnoText(errno));
    CutBack(synced_size_, status);
    return status;
  }
  synced_size_ = file_size_;
  return Status::Ok();
}

void WarcWriter::CutBack(uint64_t size, Status& status) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 || options_.fsync(fd_) != 0) {
    status = Status::IOError(status.message() + "; and cannot cut it back to " +
                             std::to_string(size) + " bytes: " + ErrnoText(errno));
  }
  CloseFile();
}

Result<std::string> WarcWriter::CompressForCurrentFile(std::span<const PendingRecord> records) {
  std::string bytes;
  member_lengths_.clear();
  for (const PendingRecord& pending : records) {
    if (pending.precompressed != nullptr) {
      const std::string member = PrecompressedMember(*pending.precompressed, warcinfo_id_);
      member_lengths_.push_back(member.size());
      bytes += member;
      continue;
    }
    WarcRecord linked = *pending.built;
    std::erase_if(linked.fields, [](const WarcField& field) {  // a record read back and re-written
      return base::EqualsIgnoreAsciiCase(field.name, "WARC-Warcinfo-ID");
    });
    if (Status s = AddField(linked, "WARC-Warcinfo-ID", warcinfo_id_); !s.ok()) return s;
    Result<std::string> member = options_.compressor->Gzip(SerializeWarcRecord(linked));
    if (!member.ok()) return member.status();
    member_lengths_.push_back(member->size());
    bytes += *member;
  }
  return bytes;
}

}  // namespace kuzet::storage::warc
