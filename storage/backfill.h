// Backfill (issue #18): running a new or changed rule over the documents already stored. The
// reader scans documents newest first in bounded batches (MentionReader::ScanDocuments), the
// caller matches them, and the writer adds the mentions found to those documents together with
// the backfill's progress, in one batch (PageWriter::AddMentions). These are the value types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/mention.h"
#include "storage/page.h"

namespace kuzet::storage {

// One batch of ScanDocuments: documents (records only, without their mentions), highest id
// first, and where the next batch starts.
struct DocumentBatch {
  std::vector<Document> documents;
  uint64_t next_before = 0;  // the before_doc_id of the next batch; 0: the scan is over
};

// The mentions a rule found in one stored document's text.
struct DocumentMentions {
  uint64_t doc_id = 0;
  // The content hash of the text they were found in: a document whose text changed since (the
  // crawl stored a new version and matched it itself) gets none of them.
  std::string content_hash;
  std::vector<MentionInput> mentions;
};

// A rule's backfill, as the store keeps it (FORMAT.md, *meta*): what was planned, and how far it
// got. Written with every batch of mentions it adds, so a killed process resumes at the batch
// after the last one stored.
struct RuleBackfill {
  std::string rule_id;
  std::string fingerprint;     // of the rule's definition it ran (or runs) for
  int64_t since_us = 0;        // documents first seen at or after this time ...
  uint64_t first_doc_id = 0;   // ... are those with ids from this one ...
  uint64_t before_doc_id = 0;  // ... up to (not including) this one: the next to scan is below
  uint64_t docs_total = 0;     // documents in the window when it was planned
  uint64_t docs_scanned = 0;
  uint64_t found = 0;  // mentions it added
  int64_t started_us = 0;
  int64_t finished_us = 0;  // 0: still running
  bool done() const { return finished_us != 0; }
  bool operator==(const RuleBackfill&) const = default;
};

// How AddMentions stores what it is given.
struct AddMentionsOptions {
  bool backfilled = true;  // flag the mentions as found by a backfill (Mention::backfilled)
  bool alert = false;      // give each an outbox entry, as the crawl does; false: no alert
  // Written in the same batch as the mentions (its rule_id names the record), its `found`
  // increased first by the mentions added; nullptr: none.
  RuleBackfill* progress = nullptr;
};

}  // namespace kuzet::storage
