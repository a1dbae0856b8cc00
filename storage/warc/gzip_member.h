// One gzip member (RFC 1952 §2.2) per WARC record, as WARC 1.1 Annex D.2 recommends: a reader
// that knows a record's offset inflates that member alone, without the rest of the file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::storage::warc {

// `data` as one complete gzip member (libdeflate, level 1; the header is kGzipHeader's).
Result<std::string> GzipMember(std::string_view data);

// A piece of a deflate stream (RFC 1951) made apart from the rest, with what the gzip trailer
// needs of its uncompressed bytes (RFC 1952 §2.3.1: CRC-32 and size).
struct DeflatePart {
  std::string bytes;
  uint32_t crc32 = 0;
  uint64_t length = 0;  // uncompressed
};

// What compresses the archive's records. The writer and the pipeline's workers call it; a test
// counts the calls to see which thread compressed what. Implementations must be thread-safe.
class Compressor {
 public:
  virtual ~Compressor() = default;
  // One complete gzip member of `data`.
  virtual Result<std::string> Gzip(std::string_view data) const = 0;
  // Raw deflate of `data`: `last` ends the stream (a final block), otherwise it ends on a sync
  // flush (RFC 1951 §3.2.3: no final block, byte-aligned), so more blocks may follow it.
  virtual Result<DeflatePart> Deflate(std::string_view data, bool last) const = 0;
};

// The archive's compressor: GzipMember, and raw deflate parts, libdeflate's when `last` and
// zlib's when ending on a sync flush (libdeflate ends every stream with a final block). Holds no
// state.
class DeflateCompressor final : public Compressor {
 public:
  Result<std::string> Gzip(std::string_view data) const override;
  Result<DeflatePart> Deflate(std::string_view data, bool last) const override;
};

// One gzip member whose deflate stream is `head`, then `stored` as stored blocks (RFC 1951
// §3.2.4: no compression, so this costs a copy and a CRC-32 of `stored` only), then `tail`, which
// must be a last part. `head` must not be last. The parts are compressed apart, so no match
// crosses from one to the next and the stream is valid as it is (what pigz does across threads).
std::string SplicedGzipMember(const DeflatePart& head, std::string_view stored,
                              const DeflatePart& tail);

struct InflatedMember {
  std::string data;            // the uncompressed bytes
  uint64_t compressed_length;  // the member's length in the file
};

// Inflates the gzip member that starts at `offset` of `file` (named `path` in messages), reading
// no further than its end. Corruption, naming path and offset, for a member that is damaged,
// truncated by the end of the file, or that inflates to more than `max_bytes`.
Result<InflatedMember> InflateMemberAt(std::FILE* file, std::string_view path, uint64_t offset,
                                       uint64_t max_bytes);

}  // namespace kuzet::storage::warc
