// What the store keeps of the evidence archive (issue #20; the files are storage/warc's): for a
// document, each capture archived for it, with where its WARC records are. The archive is written
// by the pipeline through PageInput::archive, which PutPages calls once it knows the page's
// document and mentions, and made durable through PageInput::archive_sync, which PutPages calls
// once per group before it commits the group, so a stored capture always points at records that
// are already on disk (storage/FORMAT.md, `evidence`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace kuzet::storage {

// Where one WARC record is: the gzip member [offset, offset + length) of `file` (a name in the
// evidence directory).
struct EvidenceLocation {
  std::string file;
  uint64_t offset = 0, length = 0;
  bool operator==(const EvidenceLocation&) const = default;
};

// One capture of a page of a document.
struct EvidenceCapture {
  std::string url;            // the canonical URL the page was stored under
  int64_t fetched_at_us = 0;  // the page's fetch time (PageInput::fetched_at_us)
  bool revisit = false;       // a revisit record: the payload equals an earlier capture's
  // The response record holding the payload (for a revisit, the earlier one it refers to): its
  // WARC-Record-ID, WARC-Target-URI, WARC-Date and WARC-Payload-Digest.
  std::string payload_record_id, payload_uri;
  int64_t payload_micros = 0;
  std::string payload_digest;
  // The capture's records in the order written: request, response (or revisit), metadata.
  std::vector<EvidenceLocation> records;
  bool operator==(const EvidenceCapture&) const = default;
};

// What PageInput::archive is told: the page's document, its mentions (for the rules the page
// matched, new or found before), and the latest capture of the same URL for that document, if
// any (for a revisit).
struct EvidenceContext {
  uint64_t doc_id = 0;
  std::vector<uint64_t> mention_ids;
  const EvidenceCapture* previous = nullptr;
};

// Makes durable the records that PageInput::archive callbacks wrote (storage/warc's
// EvidenceArchive is one). PutPages calls Sync() once per group, after the last archive call and
// before the group's batch is written; a failure fails the group, which then stores nothing.
class EvidenceSync {
 public:
  virtual ~EvidenceSync() = default;
  [[nodiscard]] virtual Status Sync() = 0;
};

}  // namespace kuzet::storage
