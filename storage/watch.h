// What the store keeps of the edit and deletion watch (issue #20; watch/README.md): the re-fetch
// queue of watched documents (`watch` family) and the versions each fetch of a watched document
// produced (`versions` family). The store knows no schedule: the caller computes every due time
// (watch::RefetchSchedule) and hands it in. The records are storage/FORMAT.md's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/evidence.h"

namespace kuzet::storage {

// PageInput::watch: the document's first re-fetch, queued in the batch that stores the
// document's first mention (with its version 0, the fetch that found it).
struct WatchStart {
  int64_t due_us = 0;  // when the first re-fetch (step 0 of the schedule) is due
  // Names the schedule the due times come from (the caller's choice, e.g. a hash of its ages), so
  // a caller whose configuration changed can tell the entries of another schedule.
  uint64_t schedule_fingerprint = 0;
};

// One entry of the re-fetch queue: a watched document and what its next fetch needs.
struct WatchEntry {
  std::string url;  // the document's canonical URL (the URL state's key)
  std::string site_id;
  uint32_t step = 0;  // the schedule step this fetch is (0: the first re-fetch)
  uint64_t schedule_fingerprint = 0;
  int64_t watched_since_us =
      0;  // the fetch that began the watch (version 0): the ages count from it
  bool operator==(const WatchEntry&) const = default;
};

// An entry of the queue that is due, as MentionReader::DueWatches lists it.
struct DueWatch {
  int64_t due_us = 0;
  uint64_t doc_id = 0;
  WatchEntry entry;
  bool operator==(const DueWatch&) const = default;
};

// A watched name in a version: the rule and its term (watch::WatchedName).
struct VersionName {
  std::string rule_id, name;
  bool operator==(const VersionName&) const = default;
};

// One version of a watched document: a fetch and what changed since the version before it.
// Version 0 is the fetch that found the document's first mention.
struct VersionRecord {
  int64_t fetched_at_us = 0;
  int http_status = 0;    // 0: no response (a failed fetch)
  std::string final_url;  // "" when not redirected
  std::string digest;     // hex SHA-256 of the normalized text (UrlState::content_hash); ""
                          // when the version has no text (gone, failed)
  std::vector<std::string> kinds;  // watch::ChangeKindName of each kind; {"original"} for 0
  std::vector<uint32_t> paragraphs_removed, paragraphs_added;      // old / new paragraph indexes
  std::vector<std::pair<uint32_t, uint32_t>> paragraphs_modified;  // (old, new)
  std::vector<VersionName> names;                       // the watched names found in this version
  std::vector<VersionName> names_removed, names_added;  // since the version before
  // The document holding this version's text when it is another one than the watched document
  // (the text is that of a document stored from another URL, e.g. after a move); 0: none.
  uint64_t text_doc_id = 0;
  // The version's title and text when it has one (a 2xx that changed the text, and version 0):
  // the document record keeps only the latest text, and `kuzet history --diff` compares any
  // two. Empty for an unchanged fetch (its text is that of the last version with one).
  std::string title, text;
  bool has_text = false;
  // The evidence capture of this fetch (the `evidence` entry: doc id, this time, the URL); 0:
  // not archived.
  int64_t evidence_fetched_at_us = 0;
  bool operator==(const VersionRecord&) const = default;
};

// A stored version with its number.
struct StoredVersion {
  uint32_t number = 0;
  VersionRecord version;
};

// PageWriter::PutVersion: a re-fetch of a watched document, done.
struct VersionInput {
  uint64_t doc_id = 0;
  int64_t due_us = 0;  // the queue entry the fetch was for (DueWatch::due_us): removed
  // The version to store; nullopt stores none (an unchanged fetch that a caller does not keep).
  std::optional<VersionRecord> version;
  // The next queue entry; nullopt when the schedule is done (the watch of the document is over).
  std::optional<int64_t> next_due_us;
  // Its record (with the next step), when next_due_us is set; its `url` is the document's URL
  // (that of the evidence capture) either way.
  WatchEntry next;
  // The fetch's evidence (evidence.h), for a fetch not archived as a page (a 304, a 404, a 2xx
  // without mentions): called with the document, its mentions and its latest capture of
  // next.url (the document's URL), made durable through archive_sync, and stored in the batch,
  // with or without a version (an unchanged 304 stores none but is archived); the version's
  // evidence_fetched_at_us is set to the capture's time. Unset: none.
  std::function<Result<EvidenceCapture>(const EvidenceContext&)> archive;
  EvidenceSync* archive_sync = nullptr;
  // The version is alerted (issue #20 item 3): its change alert (ChangeAlertId of the document
  // and the version's number) is written pending in the version's batch, due at fetched_at_us.
  bool alert = false;
};

// What PutVersion did.
struct PutVersionResult {
  bool stored = false;  // false: the due entry was not queued (done already): nothing written
  uint32_t number = 0;  // the version number given, when one was stored
};

}  // namespace kuzet::storage
