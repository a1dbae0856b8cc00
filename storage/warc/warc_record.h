// One WARC record (ISO 28500:2017, "WARC 1.1" §4): a version line, named fields, a block of
// Content-Length bytes and two CRLFs. The model is deliberately thin: named fields in order and
// the block as bytes. What each record type carries is in capture_records.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::storage::warc {

// Bounds on what a record's header may hold. Field values come from the network (URLs, server
// addresses), and files may be damaged or hostile, so neither the writer nor the reader accepts
// more than this.
inline constexpr size_t kMaxFieldValueBytes = 8 * 1024;
inline constexpr size_t kMaxHeaderBytes = 64 * 1024;
inline constexpr size_t kMaxFields = 256;

struct WarcField {
  std::string name;
  std::string value;
};

struct WarcRecord {
  // In the order written. Content-Length is not kept here when building a record: Serialize
  // writes it from the block. A parsed record keeps every field it read, Content-Length included.
  std::vector<WarcField> fields;
  std::string block;

  // The value of the first field named `name` (field names are case-insensitive, §5.1).
  std::optional<std::string_view> Field(std::string_view name) const;
  // WARC-Type, or "" when there is none.
  std::string_view type() const;
};

// Appends a named field after checking it (§5.1): the name must be a token (RFC 9110 §5.6.2) and
// the value may hold no control character (no CR or LF that would end the field or the header, no
// NUL) and at most kMaxFieldValueBytes. Content-Length is refused: the writer derives it.
[[nodiscard]] Status AddField(WarcRecord& record, std::string_view name, std::string_view value);

// The record as it goes into a file, before compression: "WARC/1.1" CRLF, the fields, a
// Content-Length of the block (§5.3), CRLF, the block, CRLF CRLF (§4).
std::string SerializeWarcRecord(const WarcRecord& record);

// SerializeWarcRecord's bytes cut before Content-Length: `fields` + `rest` is the record, and
// `fields` + a field line + `rest` is the record with that field appended (how the writer adds
// WARC-Warcinfo-ID to a record compressed ahead, precompressed_record.h).
struct SerializedWarcRecord {
  std::string fields;  // "WARC/1.1" CRLF and the fields but Content-Length
  std::string rest;    // Content-Length, the empty line, the block, CRLF CRLF
};
SerializedWarcRecord SerializeWarcRecordParts(const WarcRecord& record);

// The inverse of SerializeWarcRecord, for the uncompressed bytes of exactly one record. Reads
// WARC/1.0 and WARC/1.1; refuses a header over kMaxHeaderBytes or kMaxFields fields, a missing or
// malformed Content-Length, a control character (a bare CR or LF) in a field value, a block
// shorter than Content-Length, and anything but CRLF CRLF after it. Continuation lines (§5.1 allows
// them in 1.0 syntax) are joined with a single space.
Result<WarcRecord> ParseWarcRecord(std::string_view bytes);

}  // namespace kuzet::storage::warc
