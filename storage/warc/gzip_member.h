// One gzip member (RFC 1952 §2.2) per WARC record, as WARC 1.1 Annex D.2 recommends: a reader
// that knows a record's offset inflates that member alone, without the rest of the file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::storage::warc {

// `data` as one complete gzip member (zlib, default level).
Result<std::string> GzipMember(std::string_view data);

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
