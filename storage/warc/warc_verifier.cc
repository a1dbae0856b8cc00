#include "storage/warc/warc_verifier.h"

#include <string>

#include "base/strings.h"
#include "storage/warc/payload_digest.h"
#include "storage/warc/warc_reader.h"

namespace kuzet::storage::warc {
namespace {

// An HTTP head longer than this is not looked through for its end: the same bound as the
// writer's (capture_records.cc), so every record it wrote can be verified.
constexpr size_t kMaxHttpHeadBytes = 512 * 1024;

Status Check(std::string_view field, std::string_view digest, std::string_view data,
             std::string_view where) {
  Result<bool> matches = MatchesWarcDigest(digest, data);
  if (!matches.ok()) {
    return Status::InvalidArgument(std::string(field) + " cannot be checked in " +
                                   std::string(where) + ": " + matches.status().message());
  }
  if (!*matches) {
    return Status::Corruption(std::string(field) + " " + std::string(digest) +
                              " does not match the record's bytes in " + std::string(where));
  }
  return Status::Ok();
}

}  // namespace

Status VerifyWarcRecord(const WarcRecord& record, std::string_view where) {
  const std::string_view type = record.type();
  const std::optional<std::string_view> block_digest = record.Field("WARC-Block-Digest");
  if (block_digest) {
    if (Status s = Check("WARC-Block-Digest", *block_digest, record.block, where); !s.ok()) {
      return s;
    }
  } else if (type != "warcinfo") {
    return Status::Corruption("WARC " + std::string(type) +
                              " record without WARC-Block-Digest in " + std::string(where));
  }

  if (type == "revisit") return Status::Ok();
  const std::optional<std::string_view> payload_digest = record.Field("WARC-Payload-Digest");
  if (!payload_digest) {
    if (type == "response") {
      return Status::Corruption("WARC response record without WARC-Payload-Digest in " +
                                std::string(where));
    }
    return Status::Ok();
  }
  const std::string_view content_type = record.Field("Content-Type").value_or("");
  if (!base::StartsWithIgnoreAsciiCase(content_type, "application/http")) {
    // §5.9: without a recognised payload format the payload is the whole block.
    return Check("WARC-Payload-Digest", *payload_digest, record.block, where);
  }
  const size_t head_end =
      std::string_view(record.block).substr(0, kMaxHttpHeadBytes).find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    return Status::Corruption("HTTP message without the end of its head in " + std::string(where));
  }
  return Check("WARC-Payload-Digest", *payload_digest,
               std::string_view(record.block).substr(head_end + 4), where);
}

Result<uint64_t> VerifyWarcFile(const std::filesystem::path& path, uint64_t max_record_bytes) {
  Result<std::unique_ptr<WarcFileReader>> reader = WarcFileReader::Open(path, max_record_bytes);
  if (!reader.ok()) return reader.status();
  uint64_t records = 0;
  while (true) {
    Result<std::optional<StoredWarcRecord>> next = (*reader)->Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return records;
    const StoredWarcRecord& stored = **next;
    if (Status s = VerifyWarcRecord(stored.record,
                                    path.string() + " at offset " + std::to_string(stored.offset));
        !s.ok()) {
      return s;
    }
    ++records;
  }
}

}  // namespace kuzet::storage::warc
