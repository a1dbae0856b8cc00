#include "storage/warc/gzip_member.h"

#include <libdeflate.h>
#include <zlib.h>

#include <array>
#include <climits>
#include <memory>

namespace kuzet::storage::warc {
namespace {

// windowBits 15 + 16: a gzip wrapper, not zlib's own (zlib.h, deflateInit2 and inflateInit2);
// -15: no wrapper at all (raw deflate).
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kRawWindowBits = -15;
// RFC 1952 §2.3: ID1 ID2, CM = 8 (deflate), FLG = 0, MTIME = 0, XFL = 0, OS = 3 (Unix): the header
// of every member written (GzipMember and the splice), as zlib wrote it before.
constexpr std::string_view kGzipHeader{"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10};
constexpr size_t kMaxStoredBlock = 65535;  // LEN is 16 bits (RFC 1951 §3.2.4)
// Whole streams (a gzip member, a record's last part) are libdeflate's at level 1: on the pages
// of ../shared/corpus (425, 40.2 MB) it is 2.3x as fast as zlib at level 3, the level before it,
// and smaller (27.5 % of the page against 27.9 %; zlib 6: 25.6 % at half zlib 3's speed), and
// the archive's deflate was the workers' largest cost after the parse (issue #17; README.md).
constexpr int kLibdeflateLevel = 1;
// A part that ends on a sync flush (a record's fields) is zlib's: libdeflate ends every stream
// with a final block. The fields are a few hundred bytes.
constexpr int kZlibLevel = 3;

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// `data` as one raw deflate stream ending in a final block (RFC 1951 §3.2.3), appended to `out`.
Status AppendWholeDeflate(std::string_view data, std::string& out) {
  const std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor(
      libdeflate_alloc_compressor(kLibdeflateLevel));
  if (!compressor) return Status::IOError("libdeflate: cannot allocate a compressor");
  const size_t start = out.size();
  out.resize(start + libdeflate_deflate_compress_bound(compressor.get(), data.size()));
  const size_t written = libdeflate_deflate_compress(compressor.get(), data.data(), data.size(),
                                                     out.data() + start, out.size() - start);
  // Zero only when the output does not fit, which the bound rules out.
  if (written == 0) return Status::IOError("libdeflate: output over its own bound");
  out.resize(start + written);
  return Status::Ok();
}

void AppendLittleEndian32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string Where(std::string_view path, uint64_t offset) {
  return std::string(path) + " at offset " + std::to_string(offset);
}

}  // namespace

Result<std::string> GzipMember(std::string_view data) {
  // ISIZE keeps the size modulo 2^32 (RFC 1952 §2.3.1); records are far smaller than that.
  if (data.size() > UINT32_MAX) {
    return Status::InvalidArgument("WARC record over 4 GiB cannot be compressed");
  }
  std::string out(kGzipHeader);
  if (Status s = AppendWholeDeflate(data, out); !s.ok()) return s;
  AppendLittleEndian32(out, libdeflate_crc32(0, data.data(), data.size()));
  AppendLittleEndian32(out, static_cast<uint32_t>(data.size()));
  return out;
}

Result<std::string> DeflateCompressor::Gzip(std::string_view data) const {
  return GzipMember(data);
}

Result<DeflatePart> DeflateCompressor::Deflate(std::string_view data, bool last) const {
  if (data.size() > UINT_MAX / 2) {
    return Status::InvalidArgument("WARC record part over 2 GiB cannot be compressed");
  }
  DeflatePart part;
  part.crc32 = libdeflate_crc32(0, data.data(), data.size());
  part.length = data.size();
  if (last) {
    if (Status s = AppendWholeDeflate(data, part.bytes); !s.ok()) return s;
    return part;
  }
  z_stream stream{};
  if (deflateInit2(&stream, kZlibLevel, Z_DEFLATED, kRawWindowBits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::IOError("zlib deflateInit2 failed");
  }
  // deflateBound covers one Z_FINISH call; a sync flush adds at most an empty stored block.
  part.bytes.resize(deflateBound(&stream, data.size()) + 16);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(part.bytes.data());
  stream.avail_out = static_cast<uInt>(part.bytes.size());
  const int rc = deflate(&stream, Z_SYNC_FLUSH);
  const bool done = rc == Z_OK && stream.avail_in == 0;
  part.bytes.resize(stream.total_out);
  deflateEnd(&stream);
  if (!done) return Status::IOError("zlib deflate did not finish: " + std::to_string(rc));
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
  const uLong stored_crc = libdeflate_crc32(0, stored.data(), stored.size());
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
