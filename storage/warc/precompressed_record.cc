#include "storage/warc/precompressed_record.h"

#include <utility>

namespace kuzet::storage::warc {

Result<PrecompressedRecord> PrecompressRecord(const WarcRecord& record,
                                              const Compressor& compressor) {
  const std::optional<std::string_view> id = record.Field("WARC-Record-ID");
  if (!id) return Status::InvalidArgument("WARC record without a WARC-Record-ID");
  if (record.Field("WARC-Warcinfo-ID")) {
    return Status::InvalidArgument(
        "a WARC record compressed ahead must leave WARC-Warcinfo-ID to "
        "the writer: " +
        std::string(*id));
  }
  const SerializedWarcRecord parts = SerializeWarcRecordParts(record);
  Result<DeflatePart> fields = compressor.Deflate(parts.fields, /*last=*/false);
  if (!fields.ok()) return fields.status();
  Result<DeflatePart> rest = compressor.Deflate(parts.rest, /*last=*/true);
  if (!rest.ok()) return rest.status();
  return PrecompressedRecord{std::string(*id), std::move(*fields), std::move(*rest)};
}

std::string PrecompressedMember(const PrecompressedRecord& record, std::string_view warcinfo_id) {
  // The line SerializeWarcRecord writes for the field AddField appends (warc_writer.cc).
  const std::string line = "WARC-Warcinfo-ID: " + std::string(warcinfo_id) + "\r\n";
  return SplicedGzipMember(record.fields, line, record.rest);
}

Result<PrecompressedExchange> PrecompressExchange(const FetchedExchange& exchange,
                                                  const Compressor& compressor) {
  Result<ExchangeRecords> records = MakeExchangeRecords(exchange);
  if (!records.ok()) return records.status();
  Result<PrecompressedRecord> request = PrecompressRecord(records->request, compressor);
  if (!request.ok()) return request.status();
  Result<PrecompressedRecord> response = PrecompressRecord(records->response, compressor);
  if (!response.ok()) return response.status();
  PrecompressedExchange out;
  out.request = std::move(*request);
  out.response = std::move(*response);
  out.target_uri = exchange.target_uri;
  out.fetched_micros = exchange.fetched_micros;
  out.payload_digest = std::string(*records->response.Field("WARC-Payload-Digest"));
  out.response_target_uri = std::string(*records->response.Field("WARC-Target-URI"));
  return out;
}

}  // namespace kuzet::storage::warc
