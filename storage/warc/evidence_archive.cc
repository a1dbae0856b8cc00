#include "storage/warc/evidence_archive.h"

#include <optional>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

#include "base/time.h"

namespace kuzet::storage::warc {

namespace fs = std::filesystem;

Result<uint64_t> WarcFilesBytes(const fs::path& directory) {
  std::error_code ec;
  uint64_t total = 0;
  fs::directory_iterator it(directory, ec);
  if (ec) return Status::IOError("cannot list " + directory.string() + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return Status::IOError("cannot list " + directory.string() + ": " + ec.message());
    const std::string name = it->path().filename().string();
    if (!name.ends_with(".warc.gz")) continue;
    std::error_code size_error;
    const uintmax_t size = it->file_size(size_error);
    if (!size_error) total += size;  // a file removed meanwhile counts nothing
  }
  return total;
}

Result<std::unique_ptr<EvidenceArchive>> EvidenceArchive::Open(EvidenceArchiveOptions options) {
  std::error_code ec;
  fs::create_directories(options.directory, ec);
  if (ec) {
    return Status::IOError("cannot create the evidence directory " + options.directory.string() +
                           ": " + ec.message());
  }
  if (!options.now_micros) options.now_micros = base::NowMicros;
  auto used = WarcFilesBytes(options.directory);
  if (!used.ok()) return used.status();
  WarcWriterOptions writer_options;
  writer_options.directory = options.directory;
  writer_options.max_file_bytes = options.max_file_bytes;
  writer_options.software = options.software;
  writer_options.now_micros = options.now_micros;
  writer_options.fsync = options.fsync;
  writer_options.compressor = options.compressor;
  auto writer = WarcWriter::Open(std::move(writer_options));
  if (!writer.ok()) return writer.status();
  return std::unique_ptr<EvidenceArchive>(
      new EvidenceArchive(std::move(options), std::move(*writer), *used));
}

EvidenceArchive::EvidenceArchive(EvidenceArchiveOptions options, std::unique_ptr<WarcWriter> writer,
                                 uint64_t used_bytes)
    : options_(std::move(options)), writer_(std::move(writer)), used_bytes_(used_bytes) {}

Status EvidenceArchive::Health() {
  if (refused_.ok()) return refused_;
  if (std::chrono::steady_clock::now() - refused_at_ < kRecheck) return refused_;
  // Space may have been freed (compact --evidence, files moved away) or the disk repaired.
  auto used = WarcFilesBytes(options_.directory);
  if (used.ok()) used_bytes_ = *used;
  refused_ = Status::Ok();
  return refused_;
}

Result<EvidenceCapture> EvidenceArchive::Archive(const FetchedExchange& exchange,
                                                 const EvidenceContext& context,
                                                 const PrecompressedExchange* ready,
                                                 std::span<const FetchedExchange> redirects) {
  if (!refused_.ok() && std::chrono::steady_clock::now() - refused_at_ < kRecheck) return refused_;
  const auto refuse = [this](Status status) {
    refused_ = std::move(status);
    refused_at_ = std::chrono::steady_clock::now();
    return refused_;
  };
  if (options_.max_disk_bytes != 0) {
    // The records uncompressed, and room for their WARC headers and a new file's warcinfo: never
    // less than what the gzip members take.
    uint64_t estimate = exchange.request_head.size() + exchange.response_head.size() +
                        exchange.response_body.size() + 8192;
    for (const FetchedExchange& hop : redirects) {
      estimate +=
          hop.request_head.size() + hop.response_head.size() + hop.response_body.size() + 4096;
    }
    if (used_bytes_ + estimate > options_.max_disk_bytes) {
      auto rescanned = WarcFilesBytes(options_.directory);
      if (rescanned.ok()) used_bytes_ = *rescanned;
      if (used_bytes_ + estimate > options_.max_disk_bytes) {
        return refuse(Status::Unavailable(
            "the evidence archive " + options_.directory.string() + " holds " +
            std::to_string(used_bytes_) + " bytes; this capture would pass [evidence] max_disk=" +
            std::to_string(options_.max_disk_bytes) +
            ": pages with mentions are not stored until space is freed (kuzet compact "
            "--evidence, or a larger max_disk)"));
      }
    }
  }

  if (ready != nullptr && (ready->target_uri != exchange.target_uri ||
                           ready->fetched_micros != exchange.fetched_micros)) {
    return Status::InvalidArgument(
        "WARC records compressed ahead for " + PercentEncodeForHeader(ready->target_uri) +
        " are not of the capture of " + PercentEncodeForHeader(exchange.target_uri));
  }
  // The records built here; `pending` lists every record of the capture in file order.
  std::vector<WarcRecord> built;
  built.reserve(3);
  std::vector<PendingRecord> pending;
  // The redirects' requests and responses, first in the file.
  std::vector<WarcRecord> hops;
  hops.reserve(2 * redirects.size());
  std::vector<std::string> redirect_ids;
  for (const FetchedExchange& hop : redirects) {
    auto hop_records = MakeExchangeRecords(hop);
    if (!hop_records.ok()) return hop_records.status();
    redirect_ids.emplace_back(*hop_records->response.Field("WARC-Record-ID"));
    hops.push_back(std::move(hop_records->request));
    hops.push_back(std::move(hop_records->response));
  }
  for (const WarcRecord& record : hops) pending.push_back({&record, nullptr});
  std::string digest;
  std::string response_id, response_uri;
  const WarcRecord* response = nullptr;
  // A 304's request is built here with its revisit, which it is concurrent to (§5.7).
  const bool not_modified = IsNotModifiedHead(exchange.response_head);
  if (ready != nullptr && !not_modified) {
    pending.push_back({nullptr, &ready->request});
    digest = ready->payload_digest;
    response_id = ready->response.record_id;
    response_uri = ready->response_target_uri;
  } else {
    auto exchange_records = MakeExchangeRecords(exchange);
    if (!exchange_records.ok()) return exchange_records.status();
    built.push_back(std::move(exchange_records->request));
    built.push_back(std::move(exchange_records->response));
    response = &built.back();
    digest = std::string(*response->Field("WARC-Payload-Digest"));
    response_id = std::string(*response->Field("WARC-Record-ID"));
    response_uri = std::string(*response->Field("WARC-Target-URI"));
  }
  EvidenceCapture capture;
  capture.fetched_at_us = exchange.fetched_micros;
  std::string capture_record_id;
  if (not_modified) {
    // A 304 confirms the content of the last capture: a server-not-modified revisit (§6.7.3)
    // that refers to it, and whose payload, for `kuzet evidence` and retention, is that one's.
    std::optional<EarlierCapture> earlier;
    if (context.previous != nullptr) {
      earlier = EarlierCapture{context.previous->payload_record_id, context.previous->payload_uri,
                               context.previous->payload_micros, context.previous->payload_digest};
    }
    auto revisit = MakeNotModifiedRecord(exchange, earlier ? &*earlier : nullptr);
    if (!revisit.ok()) return revisit.status();
    built.pop_back();  // the revisit replaces the response, also as the request's concurrent
    capture_record_id = std::string(*revisit->Field("WARC-Record-ID"));
    WarcRecord& request = built.front();
    for (WarcField& field : request.fields) {
      if (field.name == "WARC-Concurrent-To") field.value = capture_record_id;
    }
    const std::string request_id(*request.Field("WARC-Record-ID"));
    if (Status s = AddField(*revisit, "WARC-Concurrent-To", request_id); !s.ok()) return s;
    built.push_back(std::move(*revisit));
    capture.revisit = true;
    if (earlier) {
      capture.payload_record_id = earlier->record_id;
      capture.payload_uri = earlier->target_uri;
      capture.payload_micros = earlier->micros;
      capture.payload_digest = earlier->payload_digest;
    }
  } else if (context.previous != nullptr && context.previous->payload_digest == digest) {
    EarlierCapture earlier{context.previous->payload_record_id, context.previous->payload_uri,
                           context.previous->payload_micros, context.previous->payload_digest};
    auto revisit = MakeRevisitRecord(exchange, earlier);
    if (!revisit.ok()) return revisit.status();
    if (response != nullptr) built.pop_back();  // the revisit replaces the response
    capture_record_id = std::string(*revisit->Field("WARC-Record-ID"));
    built.push_back(std::move(*revisit));
    capture.revisit = true;
    capture.payload_record_id = earlier.record_id;
    capture.payload_uri = earlier.target_uri;
    capture.payload_micros = earlier.micros;
    capture.payload_digest = earlier.payload_digest;
  } else {
    capture_record_id = response_id;
    capture.payload_record_id = response_id;
    capture.payload_uri = response_uri;
    capture.payload_micros = exchange.fetched_micros;
    capture.payload_digest = digest;
  }
  CaptureLinks links;
  links.capture_record_id = capture_record_id;
  links.target_uri = exchange.target_uri;
  links.micros = exchange.fetched_micros;
  links.document_id = std::to_string(context.doc_id);
  for (uint64_t id : context.mention_ids) links.mention_ids.push_back(std::to_string(id));
  links.redirect_record_ids = std::move(redirect_ids);
  auto metadata = MakeMetadataRecord(links);
  if (!metadata.ok()) return metadata.status();
  built.push_back(std::move(*metadata));
  // In file order: the redirects' records, request, response or revisit, metadata. `built` no
  // longer grows, so the pointers into it stay valid.
  if (ready != nullptr) {
    if (!capture.revisit) pending.push_back({nullptr, &ready->response});
  }
  for (const WarcRecord& record : built) pending.push_back({&record, nullptr});

  auto locations = writer_->Append(std::span<const PendingRecord>(pending));
  if (!locations.ok()) return refuse(locations.status());
  for (const WarcLocation& l : *locations) {
    capture.records.push_back(EvidenceLocation{l.file, l.offset, l.length});
    used_bytes_ += l.length;
  }
  refused_ = Status::Ok();
  return capture;
}

Status EvidenceArchive::Sync() {
  if (Status s = writer_->Sync(); !s.ok()) {
    refused_ = s;
    refused_at_ = std::chrono::steady_clock::now();
    return s;
  }
  return Status::Ok();
}

}  // namespace kuzet::storage::warc
