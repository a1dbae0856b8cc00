// Re-checks the digests of WARC records (WARC 1.1 §5.8 WARC-Block-Digest, §5.9
// WARC-Payload-Digest), for `kuzet evidence DOC --verify` and for tests: the archive is evidence,
// and a record whose bytes changed since they were written must be found out, not served.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "base/status.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_record.h"

namespace kuzet::storage::warc {

// Recomputes the block digest of `record` and, for a request or response whose block is an HTTP
// message (application/http), the payload digest of its body: the bytes after the head's empty
// line (CRLF CRLF), as transferred (see capture_records.h). A revisit's payload digest is that
// of an earlier capture and is not recomputed. Every record but warcinfo must carry a block
// digest, and a response a payload digest. Failures are Corruption naming `where` (file and
// offset); a digest of an unsupported algorithm is InvalidArgument.
Status VerifyWarcRecord(const WarcRecord& record, std::string_view where);

// Reads every record of `path` and verifies it; the number of records on success, the first
// failure (naming file and offset) otherwise.
Result<uint64_t> VerifyWarcFile(const std::filesystem::path& path,
                                uint64_t max_record_bytes = kDefaultMaxRecordBytes);

}  // namespace kuzet::storage::warc
