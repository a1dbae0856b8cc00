// The crawl's evidence archive (issue #20): writes the WARC records of a fetched page that
// produced mentions and says where they are (storage/evidence.h), for the store to keep with the
// document. PagePipeline hands Archive to PutPages through PageInput::archive and the archive
// itself as PageInput::archive_sync, so PutPages makes a group's records durable with one Sync
// before the store commits the group.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "base/status.h"
#include "storage/evidence.h"
#include "storage/warc/capture_records.h"
#include "storage/warc/gzip_member.h"
#include "storage/warc/precompressed_record.h"
#include "storage/warc/warc_writer.h"

namespace kuzet::storage::warc {

struct EvidenceArchiveOptions {
  std::filesystem::path directory;  // created when missing
  uint64_t max_file_bytes = uint64_t{1} << 30;
  // The most the directory's .warc.gz files may take; 0: no limit. A capture that would pass it
  // is refused (Unavailable) until files are removed (`kuzet compact --evidence`).
  uint64_t max_disk_bytes = 0;
  std::string software = "Kuzet";
  std::function<int64_t()> now_micros;  // default: the system clock
  std::function<int(int fd)> fsync;     // default: ::fsync (WarcWriterOptions::fsync)
  // What compresses the records built here (WarcWriterOptions::compressor); default zlib.
  std::shared_ptr<const Compressor> compressor;
};

// Not thread-safe: the crawl thread (PagePipeline's commits) archives one page at a time.
class EvidenceArchive final : public EvidenceSync {
 public:
  static Result<std::unique_ptr<EvidenceArchive>> Open(EvidenceArchiveOptions options);

  // Writes the capture of `exchange` for the document and mentions of `context`: a request, then
  // - for a 304 Not Modified, a revisit of profile server-not-modified (WARC 1.1 §6.7.3) referring
  //   to context.previous, whose payload the capture's then is (none without a previous capture);
  // - a revisit of identical payload (§6.7.2) when context.previous has the same payload digest;
  // - else a response;
  // then a metadata record naming the document and its mentions. The records are durable, and
  // the capture may be stored, only after the next successful Sync().
  // Unavailable when max_disk_bytes would be passed; IOError when writing fails.
  // `ready`, when given, holds the request and response records of this exchange compressed
  // ahead (PrecompressExchange, on a worker, issue #17): they are appended as they are, and only
  // the metadata record (and a revisit, which replaces the response) is built and compressed
  // here. InvalidArgument for a `ready` of another exchange (target URI or time differ).
  // `redirects`: the exchanges of other origins whose 3xx led to `exchange` (a re-fetch that
  // followed a cross-origin redirect, first first): each archived before it as its own request
  // and response, which the capture's records include and its metadata names
  // (kuzet-redirected-from), so the evidence shows where the article went.
  Result<EvidenceCapture> Archive(const FetchedExchange& exchange, const EvidenceContext& context,
                                  const PrecompressedExchange* ready = nullptr,
                                  std::span<const FetchedExchange> redirects = {});

  // Makes every capture archived so far durable: one fsync of the file being written (none when
  // nothing was archived since the last). On failure the captures archived since the last Sync
  // are lost and must not be stored; the archive is then refused like after a write error.
  [[nodiscard]] Status Sync() override;

  // Ok, or why the last capture was refused while that still holds: over max_disk_bytes (checked
  // again against the files at most every `recheck`), or a write error (retried after `recheck`).
  Status Health();

  uint64_t used_bytes() const { return used_bytes_; }
  const std::filesystem::path& directory() const { return options_.directory; }

  static constexpr std::chrono::seconds kRecheck{30};

 private:
  EvidenceArchive(EvidenceArchiveOptions options, std::unique_ptr<WarcWriter> writer,
                  uint64_t used_bytes);

  EvidenceArchiveOptions options_;
  std::unique_ptr<WarcWriter> writer_;
  uint64_t used_bytes_;
  Status refused_;  // the last refusal or write error, until it is rechecked
  std::chrono::steady_clock::time_point refused_at_;
};

// The bytes the .warc.gz files of `directory` take (their sizes); files that vanish while it looks
// are skipped.
Result<uint64_t> WarcFilesBytes(const std::filesystem::path& directory);

}  // namespace kuzet::storage::warc
