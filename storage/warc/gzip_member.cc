#include "storage/warc/gzip_member.h"

#include <zlib.h>

#include <array>
#include <climits>

namespace kuzet::storage::warc {
namespace {

// windowBits 15 + 16: a gzip wrapper, not zlib's own (zlib.h, deflateInit2 and inflateInit2).
constexpr int kGzipWindowBits = 15 + 16;

std::string Where(std::string_view path, uint64_t offset) {
  return std::string(path) + " at offset " + std::to_string(offset);
}

}  // namespace

Result<std::string> GzipMember(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::IOError("zlib deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&stream, data.size()));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  // deflateBound() bounds one deflate() call with Z_FINISH for the whole input, but avail_in and
  // avail_out are 32-bit, so a block over 4 GiB would need a loop; records are far smaller.
  if (data.size() > UINT_MAX || out.size() > UINT_MAX) {
    deflateEnd(&stream);
    return Status::InvalidArgument("WARC record over 4 GiB cannot be compressed");
  }
  stream.avail_in = static_cast<uInt>(data.size());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END)
    return Status::IOError("zlib deflate did not finish: " + std::to_string(rc));
  return out;
}

Result<InflatedMember> InflateMemberAt(std::FILE* file, std::string_view path, uint64_t offset,
                                       uint64_t max_bytes) {
  if (offset > static_cast<uint64_t>(LLONG_MAX) ||
      fseeko(file, static_cast<off_t>(offset), SEEK_SET) != 0) {
    return Status::IOError("cannot seek in " + Where(path, offset));
  }
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    return Status::IOError("zlib inflateInit2 failed");
  }
  std::array<unsigned char, 64 * 1024> in;
  std::array<unsigned char, 64 * 1024> out;
  InflatedMember member{"", 0};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (stream.avail_in == 0) {
      const size_t got = std::fread(in.data(), 1, in.size(), file);
      if (got == 0) {
        const bool error = std::ferror(file);
        inflateEnd(&stream);
        if (error) return Status::IOError("cannot read " + Where(path, offset));
        return Status::Corruption("gzip member truncated by the end of the file: " +
                                  Where(path, offset));
      }
      stream.next_in = in.data();
      stream.avail_in = static_cast<uInt>(got);
    }
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&stream, Z_NO_FLUSH);
    // Z_BUF_ERROR only says no progress was possible: more input is needed, read next turn.
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) rc = Z_OK;
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      return Status::Corruption("damaged gzip member (zlib " + std::to_string(rc) + ") in " +
                                Where(path, offset));
    }
    const size_t produced = out.size() - stream.avail_out;
    if (member.data.size() + produced > max_bytes) {
      inflateEnd(&stream);
      return Status::Corruption("WARC record above the limit of " + std::to_string(max_bytes) +
                                " bytes in " + Where(path, offset));
    }
    member.data.append(reinterpret_cast<const char*>(out.data()), produced);
  }
  member.compressed_length = stream.total_in;
  inflateEnd(&stream);
  return member;
}

}  // namespace kuzet::storage::warc
