#include "storage/warc/gzip_member.h"

#include <zlib.h>

#include <array>
#include <climits>

namespace kuzet::storage::warc {
namespace {

// windowBits 15 + 16: a gzip wrapper, not zlib's own (zlib.h, deflateInit2 and inflateInit2);
// -15: no wrapper at all (raw deflate).
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kRawWindowBits = -15;
// RFC 1952 §2.3: ID1 ID2, CM = 8 (deflate), FLG = 0, MTIME = 0, XFL = 0, OS = 3 (Unix): the header
// zlib writes for GzipMember.
constexpr std::string_view kGzipHeader{"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10};
constexpr size_t kMaxStoredBlock = 65535;  // LEN is 16 bits (RFC 1951 §3.2.4)
// Level 3, not zlib's default 6: on real news pages (shared corpus, 84-209 KB) it deflates 2.1-2.3x
// faster for 10-12 % more archive bytes (22.5 -> 24.8 % of the page in Russian, 19.4 -> 21.8 % in
// English), and the archive's deflate was the workers' largest cost after the parse (issue #17).
// Levels 2-8 keep the header's XFL at 0, which kGzipHeader and the splice rely on.
constexpr int kDeflateLevel = 3;

void AppendLittleEndian32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string Where(std::string_view path, uint64_t offset) {
  return std::string(path) + " at offset " + std::to_string(offset);
}

}  // namespace

Result<std::string> GzipMember(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, kDeflateLevel, Z_DEFLATED, kGzipWindowBits, 8,
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

Result<std::string> ZlibCompressor::Gzip(std::string_view data) const { return GzipMember(data); }

Result<DeflatePart> ZlibCompressor::Deflate(std::string_view data, bool last) const {
  if (data.size() > UINT_MAX / 2) {
    return Status::InvalidArgument("WARC record part over 2 GiB cannot be compressed");
  }
  z_stream stream{};
  if (deflateInit2(&stream, kDeflateLevel, Z_DEFLATED, kRawWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::IOError("zlib deflateInit2 failed");
  }
  DeflatePart part;
  // deflateBound covers one Z_FINISH call; a sync flush adds at most an empty stored block.
  part.bytes.resize(deflateBound(&stream, data.size()) + 16);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(part.bytes.data());
  stream.avail_out = static_cast<uInt>(part.bytes.size());
  const int rc = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH);
  const bool done = last ? rc == Z_STREAM_END : rc == Z_OK && stream.avail_in == 0;
  part.bytes.resize(stream.total_out);
  deflateEnd(&stream);
  if (!done) return Status::IOError("zlib deflate did not finish: " + std::to_string(rc));
  part.crc32 = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  part.length = data.size();
  return part;
}

std::string SplicedGzipMember(const DeflatePart& head, std::string_view stored,
                              const DeflatePart& tail) {
  std::string out;
  out.reserve(kGzipHeader.size() + head.bytes.size() + stored.size() + tail.bytes.size() +
              5 * (stored.size() / kMaxStoredBlock + 1) + 8);
  out += kGzipHeader;
  out += head.bytes;
  // Stored blocks, not final (BFINAL = 0, BTYPE = 00), each LEN then its one's complement NLEN.
  for (size_t at = 0; at < stored.size(); at += kMaxStoredBlock) {
    const std::string_view block = stored.substr(at, kMaxStoredBlock);
    const auto len = static_cast<uint16_t>(block.size());
    const auto nlen = static_cast<uint16_t>(~len);
    out.push_back('\0');
    out.push_back(static_cast<char>(len & 0xff));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(nlen & 0xff));
    out.push_back(static_cast<char>(nlen >> 8));
    out += block;
  }
  out += tail.bytes;
  const uLong stored_crc =
      crc32(0, reinterpret_cast<const Bytef*>(stored.data()), static_cast<uInt>(stored.size()));
  uLong crc = crc32_combine(head.crc32, stored_crc, static_cast<z_off_t>(stored.size()));
  crc = crc32_combine(crc, tail.crc32, static_cast<z_off_t>(tail.length));
  AppendLittleEndian32(out, static_cast<uint32_t>(crc));
  // ISIZE: the uncompressed size modulo 2^32.
  AppendLittleEndian32(out, static_cast<uint32_t>(head.length + stored.size() + tail.length));
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
