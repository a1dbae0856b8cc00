// WARC records compressed ahead, off the thread that writes the archive (issue #17): the request
// and response of a fetch depend on nothing the store holds, so the crawl pipeline's workers build
// and deflate them, and the writer only splices in the one field it alone knows, the
// WARC-Warcinfo-ID of the file the record lands in (§5.16), as an uncompressed stored block. The
// member inflates to exactly SerializeWarcRecord's bytes of the record with that field appended,
// as a record the writer compressed itself (WarcWriter::Append).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/warc/capture_records.h"
#include "storage/warc/gzip_member.h"
#include "storage/warc/warc_record.h"

namespace kuzet::storage::warc {

struct PrecompressedRecord {
  std::string record_id;  // its WARC-Record-ID
  DeflatePart fields;     // SerializedWarcRecord::fields, deflated, not last
  DeflatePart rest;       // SerializedWarcRecord::rest, deflated, last
};

// `record` deflated in its two parts. InvalidArgument for a record without a WARC-Record-ID or
// with a WARC-Warcinfo-ID (the writer's to add).
Result<PrecompressedRecord> PrecompressRecord(const WarcRecord& record,
                                              const Compressor& compressor);

// The record's gzip member in the file whose warcinfo record is `warcinfo_id`: no compression.
std::string PrecompressedMember(const PrecompressedRecord& record, std::string_view warcinfo_id);

// The request and response records of one fetch, compressed ahead (MakeExchangeRecords).
struct PrecompressedExchange {
  PrecompressedRecord request, response;
  std::string target_uri;           // FetchedExchange::target_uri
  int64_t fetched_micros = 0;       // FetchedExchange::fetched_micros, the records' WARC-Date
  std::string payload_digest;       // the response's WARC-Payload-Digest
  std::string response_target_uri;  // the response's WARC-Target-URI (percent-encoded)
};

// MakeExchangeRecords(exchange), each record through PrecompressRecord.
Result<PrecompressedExchange> PrecompressExchange(const FetchedExchange& exchange,
                                                  const Compressor& compressor);

}  // namespace kuzet::storage::warc
